// `tx registry register-model` and `tx inference request` against a real DGridApp behind the fake RPC:
// the upload goes to the model endpoint the node reports in its status (no fixed port), both txs
// estimate their gas, and a request the chain would refuse or refund is refused before signing with
// the reason (a bare JSON array as input, an unserved model, a max fee below price x executors).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { DEMO_MODEL_PATH, demoModel } from "../../models/demo.ts";
import { GenesisState as RegistryGenesis } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { genesis } from "../app/helpers.ts";
import { FakeStakingKeeper, fakeValidator } from "../inference/harness.ts";
import { fixturePath, VAD_MODEL_PATH } from "../support/models.ts";
import { type AppNode, startGenesisAppNode } from "./app-node.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

const DEMO_ID = createHash("sha256").update(readFileSync(DEMO_MODEL_PATH)).digest("hex");

/** A model endpoint that takes PUT /models like a node's (the id is the body's sha256). */
async function fakeModelEndpoint(): Promise<{ server: Server; port: number; uploads: string[] }> {
  const uploads: string[] = [];
  const server = createServer((req, res) => {
    const hash = createHash("sha256");
    let size = 0;
    req.on("data", (d: Buffer) => {
      hash.update(d);
      size += d.length;
    });
    req.on("end", () => {
      if (req.method !== "PUT" || req.url !== "/models") {
        res.statusCode = 404;
        res.end("{}");
        return;
      }
      const id = hash.digest("hex");
      uploads.push(id);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ id, size }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return { server, port: typeof addr === "object" && addr ? addr.port : 0, uploads };
}

describe("inference CLI against the in-process app", () => {
  let app: AppNode;
  let endpoint: Awaited<ReturnType<typeof fakeModelEndpoint>>;
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];
  const input = join(home, "x.json");

  before(async () => {
    const r = await cli(["keys", "add", "alice", "--recover", ...ring, "-o", "json"], { stdin: KNOWN_MNEMONIC });
    assert.equal(r.code, 0, r.stderr);
    const alice = JSON.parse(r.stdout).address as string;
    // one bonded validator (a stand-in staking keeper, as the inference tests use) serves the model
    const validator = fakeValidator("val");
    const valoper = validator.operator;
    const state: Record<string, unknown> = genesis([
      { address: alice, coins: [{ denom: "udgrid", amount: "1000000000" }] },
    ]);
    // the demo model (price 1000udgrid), served by one validator
    state.registry = snakeKeys(
      RegistryGenesis.toJSON({
        params: undefined,
        models: [demoModel(alice)],
        servers: [{ modelId: DEMO_ID, validator: valoper, provider: "cpu", sinceHeight: 0n }],
        conformanceFailures: [],
        modelStats: [],
        creatorEarnings: [],
      }),
    );
    endpoint = await fakeModelEndpoint();
    // as a node listening on every interface reports it: the CLI reaches it where the RPC is
    app = (
      await startGenesisAppNode(state, {
        stakingKeeper: new FakeStakingKeeper([validator]),
        statusOther: { models_url: `http://0.0.0.0:${endpoint.port}` },
      })
    ).node;
    writeFileSync(input, JSON.stringify({ dtype: "float32", shape: [1, 16], data: new Array(16).fill(0.5) }));
  });
  after(async () => {
    await app?.node.close();
    endpoint?.server.close();
  });

  const request = (args: string[]) =>
    cli([
      "tx",
      "inference",
      "request",
      ...args,
      "--from",
      "alice",
      "--node",
      app.node.url,
      "-y",
      "-o",
      "json",
      ...ring,
    ]);

  it("a plain JSON array as an input names the expected form", async () => {
    const bare = join(home, "bare.json");
    writeFileSync(bare, JSON.stringify([0.5, 1, 2]));
    const r = await request([DEMO_ID, "--input", `input=${bare}`, "--max-fee", "3000udgrid"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /--input input: a plain JSON array is not a tensor; .*\{"dtype": "float32", "shape": \[1, 16\]/,
    );
  });

  it("a max fee below price x executors names the amount needed and why", async () => {
    const r = await request([DEMO_ID, "--input", `input=${input}`, "--max-fee", "1000udgrid"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /--max-fee 1000udgrid does not cover this request: it costs 3000udgrid \(the model's price 1000udgrid per execution x 3 executors, the chain's default redundancy\); pass --max-fee 3000udgrid/,
    );
    const k1 = await request([DEMO_ID, "--input", `input=${input}`, "--max-fee", "1000udgrid", "--redundancy", "2"]);
    assert.match(k1.stderr, /it costs 2000udgrid .*x 2 executors\)/);
    assert.equal(app.node.broadcast.length, 0, "nothing was signed");
  });

  it("a request with enough max fee is estimated (--gas auto) and accepted", async () => {
    const r = await request([DEMO_ID, "--input", `input=${input}`, "--max-fee", "3000udgrid"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(app.node.calls.filter((c) => c.params?.path === "/cosmos.tx.v1beta1.Service/Simulate").length, 1);
    const res = await app.deliver();
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
  });

  it("--inputs-file sends a batch: the max fee covers price x items x executors, the request carries the items", async () => {
    const items = join(home, "items.json");
    const row = (v: number) => ({ input: { dtype: "float32", shape: [1, 16], data: new Array(16).fill(v) } });
    writeFileSync(items, JSON.stringify([row(0.1), row(0.2), row(0.3)]));
    const low = await request([DEMO_ID, "--inputs-file", items, "--max-fee", "3000udgrid"]);
    assert.equal(low.code, 1);
    assert.match(low.stderr, /it costs 9000udgrid \(.* per execution x 3 items x 3 executors/);
    const both = await request([
      DEMO_ID,
      "--inputs-file",
      items,
      "--input",
      `input=${input}`,
      "--max-fee",
      "9000udgrid",
    ]);
    assert.match(both.stderr, /--input or --inputs-file, not both/);
    const r = await request([DEMO_ID, "--inputs-file", items, "--max-fee", "9000udgrid"]);
    assert.equal(r.code, 0, r.stderr);
    const res = await app.deliver();
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
    const created = res.txResults[0].events.find((e) => e.type === "request_created");
    // one validator serves the model: 3 items x 1 executor charged, the other executions never are
    const attr = (k: string) => created?.attributes.find((a) => a.key === k)?.value;
    assert.deepEqual([attr("fee"), attr("uncharged")], ["3000udgrid", "6000udgrid"]);
  });

  it("register-model uploads to the endpoint the node reports and registers; an unserved model is refused", async () => {
    const golden = fixturePath("silero-vad.golden.json");
    const r = await cli([
      "tx",
      "registry",
      "register-model",
      VAD_MODEL_PATH,
      "--from",
      "alice",
      "--name",
      "silero-vad",
      "--model-version",
      "4",
      "--policy",
      "tolerance:0.0001:0.001",
      "--price",
      "500udgrid",
      "--golden",
      golden,
      "--node",
      app.node.url,
      "--broadcast-mode",
      "sync",
      "-y",
      "-o",
      "json",
      ...ring,
    ]);
    const id = createHash("sha256").update(readFileSync(VAD_MODEL_PATH)).digest("hex");
    assert.deepEqual(endpoint.uploads, [id], r.stderr);
    // block mode's wait for inclusion is the fake node's canned answer; the real app delivers it here
    const res = await app.deliver();
    assert.equal(res.txResults.at(-1)?.code, 0, res.txResults.at(-1)?.log);
    const models = await cli(["query", "registry", "models", "--node", app.node.url, "-o", "json"]);
    assert.ok(JSON.parse(models.stdout).models.some((m: { id: string }) => m.id === id));

    const vadInput = join(home, "vad.json");
    writeFileSync(vadInput, JSON.stringify({ dtype: "float32", shape: [1, 512], data: new Array(512).fill(0) }));
    const unserved = await request([id, "--input", `input=${vadInput}`, "--max-fee", "1500udgrid"]);
    assert.equal(unserved.code, 1);
    assert.match(unserved.stderr, /no validator serves model [0-9a-f]{64} yet .*would be refunded/);
  });
});
