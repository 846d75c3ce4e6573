// validator/duties.ts: execution on an injected executor, commitments for finished work, reveals
// only once the chain shows the commit phase closed, error outcomes for inputs the model cannot run,
// node failures yield nothing, size budget; the test
// faulty executors (test/support/faulty-executor.ts) around it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import { agrees } from "../../chain/tensor/agreement.ts";
import { canonicalOutput, namedFromTensors, tensorsFromNamed } from "../../chain/tensor/canonical.ts";
import { canonicalRef, outputDigest } from "../../chain/tensor/digest.ts";
import { commitmentHash } from "../../modules/inference/commitment.ts";
import type { DutyRequest } from "../../modules/inference/expected-keepers.ts";
import { canonicalError, ExecutionError } from "../../modules/inference/outcome.ts";
import { InferenceDuties } from "../../validator/duties.ts";
import {
  ErrBadInput,
  ErrModelLoad,
  ErrModelRuntime,
  ErrQueueFull,
  ErrTimeout,
  ErrWorkerCrashed,
} from "../../validator/errors.ts";
import type { InferenceJob } from "../../validator/executor/types.ts";
import { CorruptingExecutor, corruptOutputs, parseFaultModels, SilentExecutor } from "../support/faulty-executor.ts";
import { faultFlags, parseFaultyNodeArgs } from "../support/faulty-node.ts";
import { FakeExecutor, modelOutputs } from "./harness.ts";

const CONS = new Uint8Array(20).fill(7);
const x = (v: number) => ({
  x: { dtype: "float32" as const, shape: [1, 4], data: new Uint8Array(Float32Array.from([v, 1, 2, 3]).buffer) },
});

function req(id: bigint, modelId: string, over: Partial<DutyRequest> = {}): DutyRequest {
  return {
    requestId: id,
    modelId,
    inputs: namedFromTensors(x(Number(id))),
    sessionOptions: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
    phase: "commit",
    committed: false,
    revealed: false,
    maxOutputBytes: 262_144,
    ...over,
  };
}

const metrics = new Registry();

function duties(executor: FakeExecutor, metricsRegistry?: Registry) {
  return new InferenceDuties({ consAddress: CONS }, { executor, logger: pino({ level: "silent" }), metricsRegistry });
}

describe("validator duties", () => {
  it("runs assigned work grouped by model and commits to salt + canonical output", async () => {
    const ex = new FakeExecutor("honest");
    const d = duties(ex, metrics);
    d.onAssigned([req(3n, "bb"), req(1n, "aa"), req(2n, "bb")]);
    await d.idle();
    assert.deepEqual(
      ex.jobs.map((j) => [j.modelId, j.requestId]),
      [
        ["aa", "1"],
        ["bb", "3"],
        ["bb", "2"],
      ],
    );
    const view = [req(1n, "aa"), req(2n, "bb"), req(3n, "bb")];
    const ve = await d.extension(view, 1 << 20);
    assert.deepEqual(
      ve.commitments.map((c) => c.requestId),
      [1n, 2n, 3n],
    );
    assert.match(await metrics.metrics(), /dgrid_inference_duty_jobs_total\{result="ok"\} 3/);
    assert.equal(ve.reveals.length, 0, "no reveal while the commit phase is open");
    // once the chain shows the phase closed and the commitment recorded: the reveal opens it
    const ve2 = await d.extension([req(1n, "aa", { phase: "reveal", committed: true })], 1 << 20);
    assert.equal(ve2.commitments.length, 0);
    assert.equal(ve2.reveals.length, 1);
    const r = ve2.reveals[0];
    assert.deepEqual(tensorsFromNamed(r.outputs), modelOutputs(x(1)));
    assert.deepEqual(
      commitmentHash(1n, CONS, r.salt, canonicalOutput(tensorsFromNamed(r.outputs))),
      ve.commitments[0].commitment,
    );
    // revealed on chain, or the commit phase closed without our commitment: nothing to send
    assert.equal(
      (await d.extension([req(1n, "aa", { phase: "reveal", committed: true, revealed: true })], 1 << 20)).reveals
        .length,
      0,
    );
    assert.equal(
      (await d.extension([req(2n, "bb", { phase: "reveal", committed: false })], 1 << 20)).reveals.length,
      0,
    );
  });

  it("a failing executor yields no commitment; unknown work seen in a view is started", async () => {
    const ex = new FakeExecutor("silent");
    const d = duties(ex);
    const ve = await d.extension([req(5n, "aa")], 1 << 20);
    assert.equal(ve.commitments.length, 0);
    await d.idle();
    assert.equal(ex.jobs.length, 1);
    assert.equal(d.status(5n), "failed");
    assert.equal((await d.extension([req(5n, "aa")], 1 << 20)).commitments.length, 0);
    assert.equal(ex.jobs.length, 1, "a failed job is not retried");
  });

  it("an input the model cannot run is committed and revealed as its error class; a node failure is not", async () => {
    const cases: [string, Error, ExecutionError | undefined][] = [
      ["refused", ErrBadInput.wrap("dim 1"), ExecutionError.EXECUTION_ERROR_INVALID_INPUT],
      ["runtime", ErrModelRuntime.wrap("Pad reflect"), ExecutionError.EXECUTION_ERROR_RUNTIME_ERROR],
      ["timeout", ErrTimeout.wrap("30000 ms"), undefined],
      ["crash", ErrWorkerCrashed.wrap("SIGKILL"), undefined],
      ["load", ErrModelLoad.wrap("gone"), undefined],
    ];
    const reg = new Registry();
    const ex = new FakeExecutor("honest");
    const d = duties(ex, reg);
    const byId = new Map<string, Error>();
    ex.run = (job) => Promise.reject(byId.get(job.requestId));
    cases.forEach(([, err], i) => {
      byId.set(String(i + 1), err);
    });
    d.onAssigned(cases.map((_, i) => req(BigInt(i + 1), "aa")));
    await d.idle();
    const ve = await d.extension(
      cases.map((_, i) => req(BigInt(i + 1), "aa")),
      1 << 20,
    );
    assert.deepEqual(
      ve.commitments.map((c) => c.requestId),
      [1n, 2n],
    );
    const open = cases.map((_, i) => req(BigInt(i + 1), "aa", { phase: "reveal", committed: i < 2 }));
    const ve2 = await d.extension(open, 1 << 20);
    for (const [i, [what, , want]] of cases.entries()) {
      const r = ve2.reveals.find((x) => x.requestId === BigInt(i + 1));
      if (want === undefined) {
        assert.equal(r, undefined, what);
        assert.equal(d.status(BigInt(i + 1)), "failed", what);
        continue;
      }
      assert.equal(r?.error, want, what);
      assert.deepEqual(r?.outputs, [], what);
      assert.deepEqual(
        commitmentHash(BigInt(i + 1), CONS, r!.salt, canonicalError(want)),
        ve.commitments[i].commitment,
        what,
      );
    }
    assert.match(await reg.metrics(), /dgrid_inference_duty_jobs_total\{result="error_outcome"\} 2/);
    assert.match(await reg.metrics(), /dgrid_inference_duty_jobs_total\{result="failed"\} 3/);
  });

  it("outputs over the hash threshold are stored and revealed by reference, across a restart; without a store, no commitment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dgrid-duties-"));
    const stateFile = join(dir, "inference-duties.json");
    const stored = new Map<string, Uint8Array>();
    const outputs = { put: async (hash: string, bytes: Uint8Array) => stored.set(hash, bytes) };
    const byHash = { outputsByHash: { thresholdBytes: 7, maxBytes: 1024, policy: { kind: "argmax" as const } } };
    const a = new InferenceDuties(
      { consAddress: CONS, stateFile },
      { executor: new FakeExecutor("honest"), logger: pino({ level: "silent" }), outputs },
    );
    // one row: y [1, 2] float32 = 8 bytes, over 7
    a.onAssigned([req(1n, "aa", byHash), req(2n, "aa")]);
    await a.idle();
    const committed = (await a.extension([req(1n, "aa"), req(2n, "aa")], 1 << 20)).commitments;
    const want = canonicalOutput(modelOutputs(x(1)));
    const hex = createHash("sha256").update(want).digest("hex");
    assert.deepEqual([...stored.keys()], [hex]);
    assert.deepEqual(stored.get(hex), want);
    const b = new InferenceDuties(
      { consAddress: CONS, stateFile },
      { executor: new FakeExecutor("honest"), logger: pino({ level: "silent" }), outputs },
    );
    const ve = await b.extension(
      [req(1n, "aa", { phase: "reveal", committed: true }), req(2n, "aa", { phase: "reveal", committed: true })],
      1 << 20,
    );
    const ref = ve.reveals[0].outputRef!;
    assert.equal(ve.reveals[0].outputs.length, 0);
    assert.equal(Buffer.from(ref.sha256).toString("hex"), hex);
    assert.equal(ref.sizeBytes, BigInt(want.length));
    assert.deepEqual(ref.digest, outputDigest({ kind: "argmax" }, modelOutputs(x(1))));
    assert.deepEqual(commitmentHash(1n, CONS, ve.reveals[0].salt, canonicalRef(ref)), committed[0].commitment);
    // the request without outputsByHash revealed inline
    assert.equal(ve.reveals[1].outputRef, undefined);
    assert.equal(ve.reveals[1].outputs.length, 1);
    // no output store: the node cannot serve the bytes, so it does not commit
    const c = duties(new FakeExecutor("honest"));
    c.onAssigned([req(3n, "aa", byHash)]);
    await c.idle();
    assert.equal(c.status(3n), "failed");
    rmSync(dir, { recursive: true, force: true });
  });

  it("outputs over max_output_bytes are committed as OUTPUT_TOO_LARGE; an error outcome survives a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dgrid-duties-"));
    const stateFile = join(dir, "inference-duties.json");
    const a = new InferenceDuties(
      { consAddress: CONS, stateFile },
      { executor: new FakeExecutor("honest"), logger: pino({ level: "silent" }) },
    );
    // the fake model's output for one row is 8 bytes
    a.onAssigned([req(1n, "aa", { maxOutputBytes: 7 }), req(2n, "aa", { maxOutputBytes: 8 })]);
    await a.idle();
    const committed = (await a.extension([req(1n, "aa"), req(2n, "aa")], 1 << 20)).commitments;
    const b = new InferenceDuties(
      { consAddress: CONS, stateFile },
      { executor: new FakeExecutor("honest"), logger: pino({ level: "silent" }) },
    );
    const ve = await b.extension(
      [req(1n, "aa", { phase: "reveal", committed: true }), req(2n, "aa", { phase: "reveal", committed: true })],
      1 << 20,
    );
    assert.equal(ve.reveals[0].error, ExecutionError.EXECUTION_ERROR_OUTPUT_TOO_LARGE);
    assert.deepEqual(
      commitmentHash(1n, CONS, ve.reveals[0].salt, canonicalError(ExecutionError.EXECUTION_ERROR_OUTPUT_TOO_LARGE)),
      committed[0].commitment,
    );
    assert.equal(ve.reveals[1].error, ExecutionError.EXECUTION_ERROR_UNSPECIFIED);
    assert.equal(ve.reveals[1].outputs.length, 1);
    rmSync(dir, { recursive: true, force: true });
  });

  it("reveals that do not fit the extension budget wait for a later height", async () => {
    const d = duties(new FakeExecutor("honest"));
    d.onAssigned([req(1n, "aa"), req(2n, "aa")]);
    await d.idle();
    const open = [
      req(1n, "aa", { phase: "reveal", committed: true }),
      req(2n, "aa", { phase: "reveal", committed: true }),
    ];
    assert.equal((await d.extension(open, 1 << 20)).reveals.length, 2);
    assert.equal((await d.extension(open, 250)).reveals.length, 1);
  });

  it("keeps finished work across a restart when given a state file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dgrid-duties-"));
    const stateFile = join(dir, "inference-duties.json");
    const a = new InferenceDuties(
      { consAddress: CONS, stateFile },
      { executor: new FakeExecutor("honest"), logger: pino({ level: "silent" }) },
    );
    a.onAssigned([req(9n, "aa")]);
    await a.idle();
    const committed = (await a.extension([req(9n, "aa")], 1 << 20)).commitments[0].commitment;
    const ex = new FakeExecutor("honest");
    const b = new InferenceDuties(
      { consAddress: CONS, stateFile },
      { executor: ex, logger: pino({ level: "silent" }) },
    );
    const ve = await b.extension([req(9n, "aa", { phase: "reveal", committed: true })], 1 << 20);
    assert.equal(ex.jobs.length, 0, "not run again");
    const r = ve.reveals[0];
    assert.deepEqual(commitmentHash(9n, CONS, r.salt, canonicalOutput(tensorsFromNamed(r.outputs))), committed);
    rmSync(dir, { recursive: true, force: true });
  });

  it("faulty executors (test/support): corrupt outputs are committed and revealed for the listed models; a silent executor never runs", async () => {
    const A = "a".repeat(64);
    const B = "b".repeat(64);
    const ex = new FakeExecutor("honest");
    const logger = pino({ level: "silent" });
    const corrupting = new CorruptingExecutor({ models: [A] }, { inner: ex, logger });
    const executor = new SilentExecutor({ models: [B] }, { inner: corrupting, logger });
    assert.equal(executor.provider, ex.provider);
    const d = new InferenceDuties({ consAddress: CONS }, { executor, logger });
    const C = "c".repeat(64);
    d.onAssigned([req(1n, A), req(2n, B), req(3n, C)]);
    await d.idle();
    assert.deepEqual(
      ex.jobs.map((j) => j.modelId),
      [A, C],
      "the silent model's work is never run",
    );
    assert.equal(d.status(2n), "failed");
    const ve = await d.extension([req(1n, A), req(2n, B), req(3n, C)], 1 << 20);
    assert.deepEqual(
      ve.commitments.map((c) => c.requestId),
      [1n, 3n],
    );
    const open = [req(1n, A, { phase: "reveal", committed: true }), req(3n, C, { phase: "reveal", committed: true })];
    const [r1, r3] = (await d.extension(open, 1 << 20)).reveals;
    // the corrupt reveal still matches its own commitment (provable dissent), but not the real output
    assert.deepEqual(
      commitmentHash(1n, CONS, r1.salt, canonicalOutput(tensorsFromNamed(r1.outputs))),
      ve.commitments[0].commitment,
    );
    assert.deepEqual(tensorsFromNamed(r1.outputs), corruptOutputs(modelOutputs(x(1))));
    assert.notDeepEqual(tensorsFromNamed(r1.outputs), modelOutputs(x(1)));
    assert.deepEqual(tensorsFromNamed(r3.outputs), modelOutputs(x(3)), "other models are honest");
  });

  it("corruptOutputs disagrees with the real output under exact, tolerance and argmax", () => {
    const t = (dtype: "float32" | "float64", shape: number[], v: number[]) => ({
      dtype,
      shape,
      data: new Uint8Array((dtype === "float32" ? Float32Array.from(v) : Float64Array.from(v)).buffer),
    });
    const cases = [
      { out: t("float32", [1, 2], [0.3, 0.7]) }, // classifier softmax
      { out: t("float32", [1, 1], [0.01]) }, // VAD probability
      { out: t("float64", [2, 3], [1, 5, 2, -1, -3, 0]) },
    ];
    const tol = { kind: "tolerance" as const, abs: 10n ** 14n, rel: 10n ** 15n };
    for (const real of cases) {
      const bad = corruptOutputs(real);
      assert.equal(agrees({ kind: "exact" }, real, bad), false);
      assert.equal(agrees(tol, real, bad), false);
      if (real.out.shape[1] > 1) assert.equal(agrees({ kind: "argmax" }, real, bad), false);
    }
    const ints = { i: { dtype: "int64" as const, shape: [2], data: new Uint8Array(16) } };
    assert.notDeepEqual(corruptOutputs(ints).i.data, ints.i.data);
    const bools = { b: { dtype: "bool" as const, shape: [2], data: Uint8Array.from([0, 1]) } };
    assert.deepEqual([...corruptOutputs(bools).b.data], [1, 0]);
  });

  it("fault flag values: every model or listed ids; faulty-node-main's command line carries them", () => {
    assert.equal(parseFaultModels("all"), "all");
    assert.equal(parseFaultModels(" ALL "), "all");
    const id = "ab".repeat(32);
    assert.deepEqual(parseFaultModels(` ${id.toUpperCase()}, ${id} `), [id, id]);
    assert.throws(() => parseFaultModels("not-a-model"), /invalid model id/);
    assert.throws(() => parseFaultModels(" , "), /no model ids/);
    const faults = { doubleSign: true, corruptOutputs: [id], silentExecutor: "all" as const };
    assert.deepEqual(parseFaultyNodeArgs(["--home", "/h", ...faultFlags(faults)]), {
      home: "/h",
      logLevel: undefined,
      faults,
    });
    assert.deepEqual(parseFaultyNodeArgs(["--home", "/h"]).faults, {});
    assert.throws(() => parseFaultyNodeArgs(["--home", "/h", "--corrupt"]), /Unknown option/);
  });

  it("more assigned work than the executor's queue holds: jobs wait in the duties, none fails with queue full", async () => {
    // an executor that holds at most 8 jobs and answers them later, like the OnnxExecutor's bounded queue
    class Bounded extends FakeExecutor {
      outstanding = 0;
      max = 0;
      override run(job: InferenceJob) {
        if (this.outstanding >= 8) return Promise.reject(ErrQueueFull.wrap("8 waiting"));
        this.outstanding++;
        this.max = Math.max(this.max, this.outstanding);
        return new Promise<void>((res) => setTimeout(res, 1)).then(() => {
          this.outstanding--;
          return super.run(job);
        });
      }
    }
    const ex = new Bounded("honest");
    const d = new InferenceDuties(
      { consAddress: CONS, maxInFlight: 4 },
      { executor: ex, logger: pino({ level: "silent" }) },
    );
    const reqs = Array.from({ length: 300 }, (_, i) => req(BigInt(i + 1), "aa"));
    d.onAssigned(reqs);
    await d.idle();
    assert.equal(ex.max, 4, "never more than maxInFlight on the executor");
    assert.deepEqual(
      ex.jobs.map((j) => j.requestId),
      reqs.map((r) => r.requestId.toString()),
      "in assignment order",
    );
    assert.equal((await d.extension(reqs, 1 << 20)).commitments.length, 300);
    // a full queue (shared with conformance checks) is retried, not a failure
    const ex2 = new Bounded("honest");
    ex2.outstanding = 8;
    setTimeout(() => {
      ex2.outstanding = 0;
    }, 100);
    const d2 = duties(ex2);
    d2.onAssigned([req(1n, "aa")]);
    await d2.idle();
    assert.equal(d2.status(1n), "done");
  });

  it("finished work is on disk before its commitment is in an extension (one write per extension)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dgrid-duties-"));
    const stateFile = join(dir, "inference-duties.json");
    const d = new InferenceDuties(
      { consAddress: CONS, stateFile },
      { executor: new FakeExecutor("honest"), logger: pino({ level: "silent" }) },
    );
    d.onAssigned([req(1n, "aa"), req(2n, "aa")]);
    await d.idle();
    assert.equal(existsSync(stateFile), false, "not written per job");
    const ve = await d.extension([req(1n, "aa"), req(2n, "aa")], 1 << 20);
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    for (const c of ve.commitments) {
      assert.equal(saved[c.requestId.toString()].commitment, Buffer.from(c.commitment).toString("base64"));
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
