// NodeInference (validator/node-inference.ts) without a chain: store + endpoint + executor start,
// the demo model's golden vectors pass through the registry entry's policy, a missing CUDA provider
// is a clear startup error, a duties-executor decorator reaches the duties only; plus the CLI's
// policy / tensor JSON parsing.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import pino from "pino";
import { DEMO_MODEL_PATH, demoModel, sha256Hex } from "../../models/demo.ts";
import type { InferenceExecutor, InferenceJob } from "../../validator/executor/types.ts";
import { parsePolicy } from "../../validator/golden/policy-text.ts";
import { conformanceModel, NodeInference, type NodeInferenceOptions } from "../../validator/node-inference.ts";
import { freePort } from "../support/node-process.ts";
import { testTempDir } from "../support/temp-dir.ts";

const logger = pino({ level: "silent" });

async function options(provider: "cpu" | "cuda", laddr = ""): Promise<NodeInferenceOptions> {
  return {
    home: testTempDir("dgrid-nodeinf-"),
    consAddress: new Uint8Array(20).fill(1),
    models: { laddr, maxModelBytes: 1 << 20, peers: [], import: [DEMO_MODEL_PATH] },
    inference: {
      executionProvider: provider,
      workers: 1,
      timeoutMs: 10_000,
      operatorKey: "",
      keyringBackend: "test",
      syncIntervalMs: 1000,
    },
  };
}

describe("NodeInference", () => {
  it("imports the demo model, serves it over HTTP, and its golden vectors pass under its policy", async () => {
    const port = await freePort();
    const ni = new NodeInference(await options("cpu", `tcp://127.0.0.1:${port}`), { logger });
    try {
      await ni.start();
      const id = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
      assert.equal(await ni.store.has(id), true);
      assert.equal(ni.modelsUrl, `http://127.0.0.1:${port}`);
      const got = await fetch(`${ni.modelsUrl}/models/${id}`);
      assert.equal(got.status, 200);
      assert.equal(sha256Hex(new Uint8Array(await got.arrayBuffer())), id);
      // PUT from loopback is accepted (same bytes: 200, not created)
      const put = await fetch(`${ni.modelsUrl}/models`, { method: "PUT", body: readFileSync(DEMO_MODEL_PATH) });
      assert.equal(put.status, 200);
      const res = await ni.checker!.check(conformanceModel(demoModel("dgrid1creator")));
      assert.equal(res.pass, true, JSON.stringify(res.vectors));
      assert.ok(ni.duties);
    } finally {
      await ni.close();
    }
  });

  it("deps.dutiesExecutor wraps the executor of the duties only (golden-vector checks keep the plain one)", async () => {
    const jobs: InferenceJob[] = [];
    let wrapped: InferenceExecutor | undefined;
    const dutiesExecutor = (inner: InferenceExecutor): InferenceExecutor => {
      wrapped = inner;
      return {
        provider: inner.provider,
        run: (job) => {
          jobs.push(job);
          return inner.run(job);
        },
        close: () => inner.close(),
      };
    };
    const ni = new NodeInference(await options("cpu"), { logger, dutiesExecutor });
    try {
      await ni.start();
      assert.equal(wrapped, ni.executor);
      const m = demoModel("dgrid1creator");
      const res = await ni.checker!.check(conformanceModel(m));
      assert.equal(res.pass, true, JSON.stringify(res.vectors));
      assert.equal(jobs.length, 0, "conformance ran on the plain executor");
      ni.duties!.onAssigned([
        {
          requestId: 1n,
          modelId: m.id,
          inputs: m.goldenVectors[0].inputs,
          sessionOptions: conformanceModel(m).sessionOptions,
          phase: "commit",
          committed: false,
          revealed: false,
          maxOutputBytes: 262_144,
        },
      ]);
      await ni.duties!.idle();
      assert.deepEqual(
        jobs.map((j) => j.requestId),
        ["1"],
      );
      assert.equal(ni.duties!.status(1n), "done");
    } finally {
      await ni.close();
    }
  });

  it("a failing golden vector fails the check", async () => {
    const ni = new NodeInference(await options("cpu"), { logger });
    try {
      await ni.start();
      const m = demoModel("dgrid1creator");
      const out = m.goldenVectors[0].outputs[0];
      out.data = out.data.slice();
      out.data[0] ^= 0x40;
      const res = await ni.checker!.check(conformanceModel(m));
      assert.equal(res.pass, false);
    } finally {
      await ni.close();
    }
  });

  it("--execution-provider cuda without CUDA is a clear startup error", async (t) => {
    const ni = new NodeInference(await options("cuda"), { logger });
    try {
      await ni.start();
      t.skip("this machine has a working CUDA provider");
    } catch (e) {
      assert.match((e as Error).message, /execution provider "cuda" is not available.*--execution-provider cpu/s);
    } finally {
      await ni.close();
    }
  });
});

describe("policy and tensor JSON parsing", () => {
  it("parses policies into proto form (tolerances as LegacyDec atoms)", () => {
    assert.deepEqual(parsePolicy("exact"), { exact: {} });
    assert.deepEqual(parsePolicy("argmax"), { argmax: {} });
    assert.deepEqual(parsePolicy("topk:3"), { topk: { k: 3 } });
    assert.deepEqual(parsePolicy("tolerance:0.0001:0.001"), {
      tolerance: { abs: "100000000000000", rel: "1000000000000000" },
    });
    for (const bad of ["", "exactly", "topk:0", "topk:x", "tolerance:1", "tolerance:-1:0", "argmax:2"]) {
      assert.throws(() => parsePolicy(bad), /invalid/);
    }
  });
});
