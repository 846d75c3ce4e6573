// Model cards and discovery through the CLI, against a real DGridApp behind the fake RPC: two models
// registered with cards (`tx registry register-model --task --tag --license`), a card updated by its
// creator, and `query registry models` read with each filter and each sort, both directions. The
// settlements that feed usage / agreement / latency are recorded in a block through the registry
// keeper, standing in for the inference module's settlement call (wired once its batching lands).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import type { DGridApp } from "../../app/app.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { DEMO_GOLDEN_PATH, DEMO_MODEL_PATH } from "../../models/demo.ts";
import type { SettlementRecord } from "../../modules/registry/stats.ts";
import { genesis } from "../app/helpers.ts";
import { FakeStakingKeeper, fakeValidator } from "../inference/harness.ts";
import { fixturePath, VAD_MODEL_PATH } from "../support/models.ts";
import { type AppNode, startGenesisAppNode } from "./app-node.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const DEMO = sha(DEMO_MODEL_PATH);
const VAD = sha(VAD_MODEL_PATH);

/** A model endpoint that takes PUT /models like a node's. */
async function modelEndpoint(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const hash = createHash("sha256");
    let size = 0;
    req.on("data", (d: Buffer) => {
      hash.update(d);
      size += d.length;
    });
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ id: hash.digest("hex"), size }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return { server, port: typeof addr === "object" && addr ? addr.port : 0 };
}

describe("registry CLI: model cards and discovery", () => {
  let app: AppNode;
  let dgrid: DGridApp;
  let endpoint: Awaited<ReturnType<typeof modelEndpoint>>;
  let alice = "";
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];

  before(async () => {
    const r = await cli(["keys", "add", "alice", "--recover", ...ring, "-o", "json"], { stdin: KNOWN_MNEMONIC });
    assert.equal(r.code, 0, r.stderr);
    alice = JSON.parse(r.stdout).address as string;
    const state = genesis([{ address: alice, coins: [{ denom: "udgrid", amount: "1000000000" }] }]);
    endpoint = await modelEndpoint();
    ({ app: dgrid, node: app } = await startGenesisAppNode(state, {
      stakingKeeper: new FakeStakingKeeper([fakeValidator("val")]),
      statusOther: { models_url: `http://127.0.0.1:${endpoint.port}` },
    }));
  });
  after(async () => {
    await app?.node.close();
    endpoint?.server.close();
  });

  const node = () => ["--node", app.node.url];
  async function tx(args: string[]) {
    const r = await cli([
      ...args,
      "--from",
      "alice",
      ...node(),
      "--broadcast-mode",
      "sync",
      "-y",
      "-o",
      "json",
      ...ring,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = await app.deliver();
    assert.equal(res.txResults.at(-1)?.code, 0, res.txResults.at(-1)?.log);
  }
  async function models(...args: string[]): Promise<string[]> {
    const r = await cli(["query", "registry", "models", ...args, ...node(), "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout).models as { id: string }[]).map((m) => m.id);
  }

  it("registers two models with cards; the discovery query filters and sorts them each way", async () => {
    const register = (file: string, golden: string, price: string, card: string[]) =>
      tx([
        "tx",
        "registry",
        "register-model",
        file,
        "--name",
        "m",
        "--model-version",
        "1",
        "--price",
        price,
        "--golden",
        golden,
        "--skip-calibration",
        ...card,
      ]);
    await register(DEMO_MODEL_PATH, DEMO_GOLDEN_PATH, "1000udgrid", [
      "--task",
      "classification",
      "--tag",
      "demo",
      "--license",
      "MIT",
    ]);
    await register(VAD_MODEL_PATH, fixturePath("silero-vad.golden.json"), "500udgrid", [
      "--task",
      "speech",
      "--tag",
      "vad",
      "--source-uri",
      "https://github.com/snakers4/silero-vad",
      "--policy",
      "tolerance:0.0001:0.001",
    ]);
    const one = JSON.parse((await cli(["query", "registry", "model", VAD, ...node(), "-o", "json"])).stdout);
    assert.deepEqual(
      [one.card.task, one.card.tags, one.card.source_uri],
      ["speech", ["vad"], "https://github.com/snakers4/silero-vad"],
    );

    // price: cheapest first
    assert.deepEqual(await models("--sort", "price"), [VAD, DEMO]);
    assert.deepEqual(await models("--sort", "price", "--reverse"), [DEMO, VAD]);
    assert.deepEqual(await models("--task", "speech"), [VAD]);
    assert.deepEqual(await models("--tag", "demo"), [DEMO]);
    assert.deepEqual(await models("--creator", alice, "--limit", "1"), [VAD]);

    // settlements (what the inference module reports): demo 3 unanimous in 2 blocks; vad 1 majority in
    // 9 blocks and 1 refund for lack of quorum
    const fee = { denom: "udgrid", amount: "100" };
    const settle: [string, SettlementRecord][] = [
      ...[1, 2, 3].map((): [string, SettlementRecord] => [
        DEMO,
        { finalized: true, agreement: "unanimous", items: 1, latencyBlocks: 2, creatorFee: fee },
      ]),
      [VAD, { finalized: true, agreement: "majority", items: 1, latencyBlocks: 9, creatorFee: fee }],
      [VAD, { finalized: false, agreement: "no_quorum", items: 1 }],
    ];
    const registry = dgrid.modules.find((m) => m.name === "registry") as {
      endBlock?: (ctx: Context) => Promise<object>;
    };
    registry.endBlock = async (ctx) => {
      for (const [id, record] of settle) await dgrid.registryKeeper.recordSettlement(ctx, id, record);
      return {};
    };
    await app.deliver();
    delete registry.endBlock;

    assert.deepEqual(await models("--sort", "usage"), [DEMO, VAD]);
    assert.deepEqual(await models("--sort", "usage", "--reverse"), [VAD, DEMO]);
    assert.deepEqual(await models("--sort", "agreement"), [DEMO, VAD]);
    assert.deepEqual(await models("--sort", "agreement", "--reverse"), [VAD, DEMO]);
    assert.deepEqual(await models("--sort", "latency"), [DEMO, VAD]);
    assert.deepEqual(await models("--sort", "latency", "--reverse"), [VAD, DEMO]);
    const shown = JSON.parse(
      (await cli(["query", "registry", "models", "--sort", "latency", ...node(), "-o", "json"])).stdout,
    );
    assert.deepEqual(
      shown.models.map((m: { stats: { latency_p50: number; agreement_ppm: string } }) => [
        m.stats.latency_p50,
        m.stats.agreement_ppm ?? "0", // proto JSON leaves out zeros
      ]),
      [
        [2, "1000000"],
        [9, "0"],
      ],
    );
    const creator = JSON.parse((await cli(["query", "registry", "creator", alice, ...node(), "-o", "json"])).stdout);
    assert.deepEqual(creator.earnings.fees, [{ denom: "udgrid", amount: "400" }]);
    assert.equal(creator.models.length, 2);
  });

  it("the creator updates a card: the flags given change those fields; bad values are refused before signing", async () => {
    await tx(["tx", "registry", "update-model-card", VAD, "--tag", "vad", "--tag", "fast"]);
    assert.deepEqual(await models("--tag", "fast"), [VAD]);
    const one = JSON.parse((await cli(["query", "registry", "model", VAD, ...node(), "-o", "json"])).stdout);
    assert.deepEqual([one.card.task, one.card.tags], ["speech", ["vad", "fast"]]);
    const bad = await cli(["query", "registry", "models", "--task", "translation", ...node(), "-o", "json"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--task must be one of classification, detection, ocr/);
    const refused = await cli([
      "tx",
      "registry",
      "update-model-card",
      VAD,
      "--tag",
      "Not A Tag",
      "--from",
      "alice",
      ...node(),
      "-y",
      "-o",
      "json",
      ...ring,
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr + refused.stdout, /tag "Not A Tag" must be/);
  });
});
