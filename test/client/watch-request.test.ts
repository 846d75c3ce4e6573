// watchRequest on a real node: a request for the devnet's demo MLP is followed over the websocket
// through assigned -> committed -> revealed -> finalized, ending with the stored result; a request
// that settled before the watch started is reported at once from the store; an unknown id is refused.
// Blocks are 1 s apart so that the watch is subscribed before the commit phase closes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { devnetWallet } from "../../app/devnet.ts";
import { DGridClient, type RequestUpdate, type SigningDGridClient, tensorFromArray } from "../../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import { RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { type DevnetNode, startDevnetNode } from "../support/devnet-node.ts";
import { seededFloats } from "../support/mlp-model.ts";

const MODEL_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));

describe("watchRequest on a devnet node", () => {
  let node: DevnetNode | undefined;
  let client: SigningDGridClient | undefined;
  before(async () => {
    node = await startDevnetNode({ timeoutCommitMs: 1000 });
    client = await DGridClient.connectWithSigner(node.rpcUrl, await devnetWallet("user"), {
      broadcastPollIntervalMs: 100,
    });
  });
  after(async () => {
    client?.disconnect();
    await node?.stop();
  });

  it("sees the states in order over the websocket and ends with the finalized result", async () => {
    const c = client!;
    const input = tensorFromArray(seededFloats(77, 32), [2, 16]);
    const { requestId, height } = await c.requestInference(MODEL_ID, { input }, { maxFee: "1000udgrid" });
    const updates: RequestUpdate[] = [];
    for await (const u of c.watchRequest(requestId, { timeoutMs: 60_000 })) updates.push(u);
    const log = JSON.stringify(updates.map((u) => [u.state, u.height]));
    assert.deepEqual(
      updates.map((u) => u.state),
      ["assigned", "committed", "revealed", "finalized"],
      log,
    );
    // everything after the assignment happened after the watch started: seen live, in block order
    const live = updates.slice(1).map((u) => u.height);
    assert.ok(
      live.every((h) => h !== undefined && h > height),
      log,
    );
    // numerically: sort() alone compares as strings, and 10 < 9 there (heights 9 -> 10 failed the test)
    assert.deepEqual(
      [...live].sort((a, b) => (a ?? 0) - (b ?? 0)),
      live,
      log,
    );
    const last = updates[3];
    assert.equal(last.state, "finalized");
    if (last.state !== "finalized") return;
    assert.equal(last.result.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    assert.equal(Number(last.result.height), last.height);
    assert.deepEqual(last.result, await c.getResult(requestId));
    const revealed = updates[2];
    assert.ok(revealed.state === "revealed" && revealed.validators.length === 1, log);
  });

  it("reports a request that settled before the watch from the store; refuses an unknown id", async () => {
    const c = client!;
    const input = tensorFromArray(seededFloats(78, 16), [1, 16]);
    const { requestId } = await c.requestInference(MODEL_ID, { input }, { maxFee: "1000udgrid" });
    const result = await c.waitForResult(requestId, { timeoutMs: 60_000 });
    const again: RequestUpdate[] = [];
    for await (const u of c.watchRequest(requestId, { timeoutMs: 10_000 })) again.push(u);
    assert.equal(again.length, 1);
    assert.equal(again[0].state, "finalized");
    assert.deepEqual(again[0].state === "finalized" && again[0].result, result);
    assert.equal(again[0].height, Number(result.height));

    await assert.rejects(async () => {
      for await (const _ of c.watchRequest(999_999n, { timeoutMs: 10_000 })) assert.fail("no update expected");
    }, /request 999999 not found/);
  });
});
