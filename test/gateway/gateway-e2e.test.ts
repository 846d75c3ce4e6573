// The x402 gateway in process against one devnet node: the unpaid 402's shape; a paid call through
// @x402/fetch's wrapFetchWithPayment with createDGridX402Client returns the output the chain stored,
// with PAYMENT-RESPONSE and a receipt; the same PAYMENT-SIGNATURE replayed is refused; a wrong-shaped
// input gets a 400 and moves no balance; an input too large for the payment header is a 413 naming the
// most that fits, and that much round-trips through @x402/fetch under Node's default 16 KiB header
// limit. Run under `flock /tmp/dgrid-e2e.lock`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { toHex } from "@cosmjs/encoding";
import { decodePaymentRequiredHeader, decodePaymentResponseHeader } from "@x402/core/http";
import { wrapFetchWithPayment } from "@x402/fetch";
import { devnetAddress, devnetWallet } from "../../app/devnet.ts";
import type { RunningGateway } from "../../app/gateway/gateway.ts";
import { DGridClient } from "../../client/index.ts";
import { createDGridX402Client, wrapFetchWithDGridPayment } from "../../client/x402.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import { type DevnetNode, startDevnetNode } from "../support/devnet-node.ts";
import { startTestGateway } from "../support/test-gateway.ts";

const MODEL_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
const input = { dtype: "float32", shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 8 - 1) };

describe("x402 gateway on a devnet node", { timeout: 90_000 }, () => {
  let node: DevnetNode;
  let gw: RunningGateway;
  let client: DGridClient;
  let user = "";
  before(async () => {
    node = await startDevnetNode();
    gw = await startTestGateway(node.rpcUrl);
    client = await DGridClient.connect(node.rpcUrl);
    user = await devnetAddress("user");
  });
  after(async () => {
    client?.disconnect();
    await gw?.close();
    await node?.stop();
  });
  const url = () => `${gw.url}/v1/models/${MODEL_ID}/infer`;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url(), {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("answers an unpaid call with 402 and x402 v2 terms", async () => {
    const res = await post(input);
    assert.equal(res.status, 402);
    const pr = decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED") ?? "");
    assert.equal(pr.x402Version, 2);
    const [req] = pr.accepts;
    assert.equal(req.scheme, "exact");
    assert.equal(req.network, `cosmos:${gw.chainId}`);
    assert.equal(req.asset, "udgrid");
    assert.equal(req.extra.modelId, MODEL_ID);
    assert.equal(BigInt(req.amount), BigInt(req.extra.inferenceFee as string) + 10_000n);
    assert.ok(req.maxTimeoutSeconds > 0);
  });

  let paidHeader = "";
  it("a paid call through wrapFetchWithPayment returns the chain's stored output", async () => {
    const signer = await devnetWallet("user");
    const before = BigInt((await client.getBalance(user)).amount);
    const paying = wrapFetchWithPayment(
      async (input, init) => {
        const r = new Request(input, init);
        paidHeader = r.headers.get("PAYMENT-SIGNATURE") ?? paidHeader;
        return fetch(r);
      },
      createDGridX402Client(signer, { rpcUrl: node.rpcUrl }),
    );
    const res = await paying(url(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(body));
    const settle = decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE") ?? "");
    assert.equal(settle.success, true);
    assert.equal(settle.transaction, body.txHash);
    const stored = await client.query.inference.result(body.requestId);
    assert.equal(toHex(stored.outputHash), body.receipt.outputHash);
    assert.equal(body.outputs.output.data, Buffer.from(stored.outputs[0].data).toString("base64"));
    assert.equal(body.receipt.modelHash, MODEL_ID);
    assert.deepEqual(body.receipt.agreeing, stored.agreeing);
    const after = BigInt((await client.getBalance(user)).amount);
    // exactly the tx fee plus what the chain settled (creator + executors + community pool)
    const settled = [stored.creatorPaid, stored.executorsPaid, stored.communityPaid].reduce(
      (n, c) => n + BigInt(c?.amount ?? 0),
      0n,
    );
    assert.ok(settled > 0n);
    assert.equal(before - after, 10_000n + settled);
  });

  it("refuses a replayed PAYMENT-SIGNATURE", async () => {
    assert.ok(paidHeader);
    const before = (await client.getBalance(user)).amount;
    const res = await post(input, { "PAYMENT-SIGNATURE": paidHeader });
    assert.equal(res.status, 402);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, "payment_already_used", body.message);
    assert.equal((await client.getBalance(user)).amount, before);
  });

  it("wrapFetchWithDGridPayment pays an honest gateway and refuses terms for other inputs, signing nothing", async () => {
    const signer = await devnetWallet("user");
    const paying = wrapFetchWithDGridPayment(fetch, signer, { rpcUrl: node.rpcUrl });
    const call = (body: unknown, f = paying) =>
      f(url(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const ok = await call(input);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.ok(((await ok.json()) as { outputs: unknown }).outputs);

    // a dishonest gateway: answers every call with the honest terms for another input
    const other = { ...input, data: input.data.map((x) => -x) };
    const theirTerms = (await post(other)).headers.get("PAYMENT-REQUIRED") ?? "";
    const sent: string[] = [];
    const dishonest: typeof fetch = async (i, init) => {
      const r = new Request(i, init);
      const sig = r.headers.get("PAYMENT-SIGNATURE");
      if (sig) sent.push(sig);
      return new Response("{}", { status: 402, headers: { "PAYMENT-REQUIRED": theirTerms } });
    };
    const before = (await client.getBalance(user)).amount;
    await assert.rejects(
      call(input, wrapFetchWithDGridPayment(dishonest, signer, { rpcUrl: node.rpcUrl })),
      /terms are for other inputs/,
    );
    assert.deepEqual(sent, [], "no payment was signed for the other inputs");
    // the plain scheme, which trusts the terms, would have signed them: the check is what refused
    const trusting = wrapFetchWithPayment(dishonest, createDGridX402Client(signer, { rpcUrl: node.rpcUrl }));
    await call(input, trusting).catch(() => undefined);
    assert.equal(sent.length, 1);
    assert.equal((await client.getBalance(user)).amount, before);
  });

  it("refuses a wrong-shaped input with 400 and moves no balance", async () => {
    const signer = await devnetWallet("user");
    const before = (await client.getBalance(user)).amount;
    const paying = wrapFetchWithPayment(fetch, createDGridX402Client(signer, { rpcUrl: node.rpcUrl }));
    const res = await paying(url(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dtype: "float32", shape: [1, 15], data: Array(15).fill(0) }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, "invalid_input");
    assert.match(body.message, /input/);
    assert.equal((await client.getBalance(user)).amount, before);
  });

  it("refuses an input too large for the payment header with 413; the size it names round-trips", async () => {
    const rows = (n: number) => ({
      dtype: "float32",
      shape: [n, 16],
      data: Array.from({ length: n * 16 }, (_, i) => (i % 9) / 9),
    });
    const before = (await client.getBalance(user)).amount;
    const big = await post(rows(80));
    assert.equal(big.status, 413);
    assert.equal(big.headers.get("PAYMENT-REQUIRED"), null);
    const body = (await big.json()) as { error: string; message: string };
    assert.equal(body.error, "input_too_large");
    assert.match(body.message, /5120 bytes .* over this gateway's 16384-byte HTTP header limit/);
    assert.equal((await client.getBalance(user)).amount, before);
    const fit = Number(/at most about (\d+) bytes/.exec(body.message)?.[1]);
    assert.ok(fit > 3000 && fit < 4100, body.message);
    // the largest whole batch under that: 64 bytes a row
    const paying = wrapFetchWithPayment(
      fetch,
      createDGridX402Client(await devnetWallet("user"), { rpcUrl: node.rpcUrl }),
    );
    const res = await paying(url(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(rows(Math.floor(fit / 64))),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const out = (await res.json()) as { outputs: { output: { shape: number[] } } };
    assert.deepEqual(out.outputs.output.shape, [Math.floor(fit / 64), 4]);
  });
});
