// A real single-validator node with the REST gateway on (a free port): dgrid routes answer with the
// app's state, a missing model is a 404 as on an SDK node, historical queries follow
// x-cosmos-block-height, Swagger is served, and bank balances once the SDK's bank protos exist.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import { createTestNode, freePort, type TestNode, waitForHeight } from "../support/node-process.ts";

describe("REST gateway on a node", { timeout: 120_000 }, () => {
  let node: TestNode;
  let api: string;
  before(async () => {
    node = await createTestNode();
    const port = await freePort();
    const cfg = loadConfig(node.home);
    cfg.api.enable = true;
    cfg.api.address = `tcp://127.0.0.1:${port}`;
    writeConfig(node.home, cfg);
    api = `http://127.0.0.1:${port}`;
    await node.start();
    // the block store saves a block before the app commits it (CometBFT's order), so RPC's latest
    // height can be one ahead of the state REST answers from: at RPC height 4 the app has 3
    await waitForHeight(node.rpcUrl, 4);
  });
  after(() => node?.stop());

  test("GET /dgrid/registry/v1/models and friends", async () => {
    const res = await fetch(`${api}/dgrid/registry/v1/models?pagination.count_total=true`);
    assert.equal(res.status, 200, await res.clone().text());
    const body: any = await res.json();
    assert.ok(Array.isArray(body.models));
    assert.equal(body.pagination.total, String(body.models.length));
    const height = Number(res.headers.get("grpc-metadata-x-cosmos-block-height"));
    assert.ok(height >= 3, `height header ${height}`);
    const params: any = await (await fetch(`${api}/dgrid/registry/v1/params`)).json();
    assert.equal(typeof params.params.max_model_bytes, "string", "uint64 as a string");
    assert.ok(node.logs.join("").includes(`"api":"${api}"`), "the node started line names the API URL");
  });

  test("a missing model or request is 404 with the query handler's message", async () => {
    const res = await fetch(`${api}/dgrid/registry/v1/models/${"0".repeat(64)}`);
    assert.equal(res.status, 404);
    const body: any = await res.json();
    assert.equal(body.code, 5);
    assert.equal(body.message, `model ${"0".repeat(64)}`);
    assert.deepEqual(body.details, []);
    assert.equal((await fetch(`${api}/dgrid/inference/v1/requests/999999`)).status, 404);
    const bad = await fetch(`${api}/dgrid/inference/v1/requesters/not-an-address/requests`);
    assert.equal(bad.status, 400);
  });

  test("x-cosmos-block-height reads an older state", async () => {
    const res = await fetch(`${api}/dgrid/registry/v1/params`, { headers: { "x-cosmos-block-height": "2" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("grpc-metadata-x-cosmos-block-height"), "2");
    const future = await fetch(`${api}/dgrid/registry/v1/params`, { headers: { "x-cosmos-block-height": "99999999" } });
    assert.ok(future.status >= 400 && future.status < 600);
    assert.equal(typeof ((await future.json()) as any).message, "string");
  });

  test("Swagger UI and the document; bank balances when the bank protos are there", async () => {
    assert.equal((await fetch(`${api}/swagger`)).status, 200);
    const doc: any = await (await fetch(`${api}/swagger/openapi.json`)).json();
    if (doc.paths["/cosmos/bank/v1beta1/balances/{address}"]) {
      const genesis: any = await (await fetch(`${node.rpcUrl}/genesis`)).json();
      const address = genesis.result.genesis.app_state.bank.balances[0].address;
      const res = await fetch(`${api}/cosmos/bank/v1beta1/balances/${address}`);
      assert.equal(res.status, 200);
      const body: any = await res.json();
      assert.ok(body.balances.length > 0);
      assert.deepEqual(Object.keys(body.pagination), ["next_key", "total"]);
    }
  });
});
