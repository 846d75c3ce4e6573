// The marketplace's measured usage and quality end to end (issue 17) on a 3-validator localnet of
// `dgrid start` processes: two code-generated MLPs registered through the CLI with cards
// (`tx registry register-model --task --tag --license --description`), model A at 2000udgrid, model B
// at 1000udgrid, and validator 2 corrupting B's outputs (test fault). A gets 3 requests, B gets 1,
// at k = 3: A's settle unanimously, B's by a majority over the corrupt executor. Then
// `query registry models --tag marketplace --sort usage|price|agreement|latency [--reverse]` and the
// REST route /dgrid/registry/v1/discover/models list them in the order the requests sent and the
// prices call for (latency: by the p50/p99 the stats report), each with its stats (requests,
// items, creator fees, latencies) and executors serving it; `query reputation validator-stats`
// shows the corrupt validator's dissent and the honest ones' jobs.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEVNET_HD_PATHS, DEVNET_MNEMONIC, devnetWallet } from "../../app/devnet.ts";
import { Keyring } from "../../chain/keyring/keyring.ts";
import { DGridClient, type SigningDGridClient, tensorFromArray } from "../../client/index.ts";
import { RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { createTestLocalnet, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { valoperOf, waitFor } from "../support/localnet-staking.ts";
import { buildMlpModel, seededFloats } from "../support/mlp-model.ts";
import { dgrid } from "../support/node-process.ts";

const TX_FEE = { amount: [{ denom: "udgrid", amount: "50000" }], gas: "15000000" };
const MLP = {
  a: buildMlpModel({ inputs: 8, hidden: 16, outputs: 3, seed: 1701 }),
  b: buildMlpModel({ inputs: 8, hidden: 16, outputs: 3, seed: 1702 }),
};
const ID = {
  a: createHash("sha256").update(MLP.a).digest("hex"),
  b: createHash("sha256").update(MLP.b).digest("hex"),
};
const PRICE = { a: 2000n, b: 1000n };
const SENT = { a: 3, b: 1 };

interface Listed {
  id: string;
  price_per_call: { amount: string };
  servers: number;
  stats: {
    requests_finalized: string;
    items: string;
    unanimous?: string;
    majority?: string;
    agreement_ppm: string;
    latency_p50?: number;
    latency_p99?: number;
    latency_window: number[];
    creator_fees: { denom: string; amount: string }[];
  };
}

interface RestListed {
  model: { id: string };
  stats: Listed["stats"];
  servers: number;
}

describe("marketplace: measured usage and quality on a localnet (issue 17)", { timeout: 240_000 }, () => {
  let net: TestLocalnet;
  let user: SigningDGridClient;
  let dir = "";
  let txFlags: string[] = [];
  let queryFlags: string[] = [];

  before(async () => {
    net = await createTestLocalnet({
      validators: 3,
      timeoutCommitMs: 300,
      params: { slashing: { signed_blocks_window: "10000", min_signed_per_window: "0.010000000000000000" } },
      faults: (i) => (i === 2 ? { corruptOutputs: [ID.b] } : undefined),
    });
    for (let i = 0; i < 3; i++) net.start(i);
    await waitAllHeight(net.nodes, 2, 120_000);
    user = await DGridClient.connectWithSigner(net.nodes[0].rpcUrl, await devnetWallet("user"));
    dir = mkdtempSync(join(tmpdir(), "dgrid-marketplace-"));
    await new Keyring({ backend: "test", dir }).add("creator", DEVNET_MNEMONIC, DEVNET_HD_PATHS.creator);
    const creator = (await (await devnetWallet("creator")).getAccounts())[0].address;
    await user.send(creator, "100000000udgrid", "", TX_FEE);
    queryFlags = ["--node", net.nodes[0].rpcUrl, "-o", "json"];
    txFlags = ["--home", dir, "--keyring-backend", "test", "--yes", ...queryFlags];
  });
  after(async () => {
    user?.disconnect();
    if (net) await net.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const json = async (args: string[]) => {
    const r = await dgrid([...args, ...(args[0] === "tx" ? txFlags : queryFlags)]);
    return JSON.parse(r.stdout);
  };

  it("two models registered with cards get different numbers of requests; discovery lists them in that order, each way", async () => {
    const files = { a: join(dir, "mlp-a.onnx"), b: join(dir, "mlp-b.onnx") };
    const goldens = { a: join(dir, "mlp-a.golden.json"), b: join(dir, "mlp-b.golden.json") };
    await Promise.all(
      (["a", "b"] as const).map((key) => {
        writeFileSync(files[key], MLP[key]);
        const flags = ["--random", "1", "--seed", "7", "--dim", "batch=1", "--policy", "exact", "--out", goldens[key]];
        return dgrid(["models", "golden", files[key], ...flags]);
      }),
    );
    // one creator account: one registration after the other (its sequence)
    for (const key of ["a", "b"] as const) {
      const out = await json([
        "tx",
        "registry",
        "register-model",
        files[key],
        "--from",
        "creator",
        "--name",
        `market-${key}`,
        "--model-version",
        "1",
        "--policy",
        "exact",
        "--price",
        `${PRICE[key]}udgrid`,
        "--creator-share",
        "0.1",
        "--golden",
        goldens[key],
        "--skip-calibration",
        "--node-models",
        `http://127.0.0.1:${net.nodes[0].modelsPort}`,
        "--task",
        "classification",
        "--tag",
        "marketplace",
        "--tag",
        `mlp-${key}`,
        "--license",
        "MIT",
        "--description",
        `test MLP ${key}`,
        "--gas",
        "auto",
      ]);
      assert.equal(out.code, 0, JSON.stringify(out));
      assert.equal(out.model_id, ID[key]);
    }
    const servers = async (id: string) => (await user.query.registry.modelServers(id)).servers.length;
    for (const id of [ID.a, ID.b])
      await waitFor(`3 servers of ${id.slice(0, 8)}`, async () => (await servers(id)) === 3, 120_000);

    // A: 3 requests, B: 1 (at k = 3, one at a time so the corrupt node's reputation stays above the floor)
    const ids: bigint[] = [];
    for (const key of ["a", "b"] as const) {
      for (let i = 0; i < SENT[key]; i++) {
        const { requestId } = await user.requestInference(
          ID[key],
          { input: tensorFromArray(seededFloats(100 + i, 8), [1, 8]) },
          { maxFee: `${PRICE[key] * 3n}udgrid`, redundancy: 3 },
        );
        ids.push(requestId);
      }
    }
    const results = await Promise.all(ids.map((id) => user.awaitResult(id, { timeoutMs: 90_000, pollMs: 300 })));
    for (const r of results) assert.equal(r.status, RequestStatus.REQUEST_STATUS_FINALIZED, r.reason);
    assert.deepEqual(results[SENT.a].dissenting, [valoperOf(net.nodes[2])], "B: the corrupt executor is outvoted");

    const order = (ids: string[]) => ids.map((id) => (id === ID.a ? "a" : id === ID.b ? "b" : id));
    // each sort through the CLI (one process each, in parallel) ...
    const sorts = ["usage", "price", "agreement", "latency"] as const;
    const cli = Object.fromEntries(
      await Promise.all(
        sorts.map(async (sort) => {
          const out = await json(["query", "registry", "models", "--tag", "marketplace", "--sort", sort]);
          return [sort, out.models as Listed[]] as const;
        }),
      ),
    ) as Record<(typeof sorts)[number], Listed[]>;
    // ... and through the REST route the explorer reads, both ways
    const rest = async (sort: string, reverse: boolean) => {
      const q = `tag=marketplace&sort=${sort}${reverse ? "&pagination.reverse=true" : ""}`;
      const res = await fetch(`${net.nodes[0].apiUrl}/dgrid/registry/v1/discover/models?${q}`);
      assert.equal(res.status, 200);
      return ((await res.json()) as { models: RestListed[] }).models;
    };
    const want = { usage: ["a", "b"], price: ["b", "a"], agreement: ["a", "b"] } as Record<string, string[]>;
    // latency: by p50, then p99, then id, as the stats report them
    const lat = (m: Listed) => [m.stats.latency_p50 ?? 0, m.stats.latency_p99 ?? 0, m.id] as const;
    const [x, y] = cli.latency.map(lat);
    assert.ok(
      x[0] < y[0] || (x[0] === y[0] && (x[1] < y[1] || (x[1] === y[1] && x[2] < y[2]))),
      `latency order ${JSON.stringify([x, y])}`,
    );
    want.latency = order(cli.latency.map((m) => m.id));
    for (const sort of sorts) {
      assert.deepEqual(order(cli[sort].map((m) => m.id)), want[sort], `CLI --sort ${sort}`);
      const fwd = await rest(sort, false);
      assert.deepEqual(order(fwd.map((m) => m.model.id)), want[sort], `REST sort=${sort}`);
      const rev = await rest(sort, true);
      assert.deepEqual(order(rev.map((m) => m.model.id)), [...want[sort]].reverse(), `REST sort=${sort} reversed`);
    }
    // ... and through the client's typed query (one sort each way is enough: it is the same query)
    const typed = await user.query.registry.discoverModels({ tag: "marketplace", sort: "usage" });
    assert.deepEqual(order(typed.models.map((m) => m.model?.id ?? "")), want.usage, "client discoverModels");
    assert.deepEqual(
      typed.models.map((m) => [m.stats?.requestsFinalized, m.servers]),
      [
        [BigInt(SENT.a), 3],
        [BigInt(SENT.b), 3],
      ],
    );
    const typedRev = await user.query.registry.discoverModels({ tag: "marketplace", sort: "price" }, { reverse: true });
    assert.deepEqual(order(typedRev.models.map((m) => m.model?.id ?? "")), [...want.price].reverse());
    const creator = (await (await devnetWallet("creator")).getAccounts())[0].address;
    const mine = await user.query.registry.creatorModels(creator);
    for (const id of [ID.a, ID.b])
      assert.ok(
        mine.models.some((m) => m.model?.id === id),
        `creatorModels lists ${id}`,
      );
    assert.deepEqual(await user.query.registry.modelLineage(ID.a), { ids: [ID.a], latest: ID.a });

    for (const m of cli.usage) {
      const key = order([m.id])[0] as "a" | "b";
      assert.equal(m.stats.requests_finalized, String(SENT[key]), `${key}: requests`);
      assert.equal(m.stats.items, String(SENT[key]), `${key}: items`);
      assert.equal(m.stats.latency_window.length, SENT[key], `${key}: one latency per request`);
      // the creator's 10% of price x 3 executions per request
      const fee = m.stats.creator_fees.find((c) => c.denom === "udgrid")?.amount;
      assert.equal(fee, String((PRICE[key] * 3n * BigInt(SENT[key])) / 10n), `${key}: creator fees`);
      assert.equal(m.servers, 3, `${key}: executors serving it`);
    }
    // proto JSON leaves out zero counters
    const agreement = (m: Listed) => [m.stats.unanimous ?? "0", m.stats.majority ?? "0"];
    assert.deepEqual(agreement(cli.usage[0]), ["3", "0"]);
    assert.deepEqual(agreement(cli.usage[1]), ["0", "1"]);
    const viaRest = await rest("usage", false);
    assert.deepEqual(
      viaRest.map((m) => [m.stats.requests_finalized, m.servers]),
      [
        ["3", 3],
        ["1", 3],
      ],
    );
  });

  it("validator stats: the corrupt validator dissented once, the honest ones did every job", async () => {
    const valoper = (i: number) => valoperOf(net.nodes[i]);
    const [bad, all] = await Promise.all([
      json(["query", "reputation", "validator-stats", valoper(2)]),
      json(["query", "reputation", "validator-stats"]),
    ]);
    assert.deepEqual([bad.stats.jobs_done, bad.stats.jobs_missed, bad.stats.jobs_dissented], ["3", "0", "1"]);
    const typed = await user.query.reputation.validatorStats(valoper(2));
    assert.deepEqual([typed.stats.jobsDone, typed.stats.jobsMissed, typed.stats.jobsDissented], [3n, 0n, 1n]);
    assert.equal(typed.reputation?.scorePpm, BigInt(bad.reputation.score_ppm));
    const typedAll = await user.query.reputation.allValidatorStats();
    assert.deepEqual(
      typedAll.stats.map((x) => x.validator),
      [0, 1, 2].map(valoper).sort(),
    );
    assert.ok(BigInt(bad.reputation.score_ppm) < 800_000n, "its score fell");
    assert.deepEqual(
      (all.stats as { validator: string }[]).map((s) => s.validator),
      [0, 1, 2].map(valoper).sort(),
    );
    for (const i of [0, 1]) {
      const res = await fetch(`${net.nodes[0].apiUrl}/dgrid/reputation/v1/validator_stats/${valoper(i)}`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { stats: Record<string, string | undefined> };
      const s = body.stats;
      assert.deepEqual([s.jobs_done, s.jobs_missed ?? "0", s.jobs_dissented ?? "0"], ["4", "0", "0"], `validator ${i}`);
    }
  });
});
