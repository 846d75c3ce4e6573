// The gateway's x402 facilitator routes (GET /supported, POST /verify, POST /settle) through
// @x402/core's own HTTPFacilitatorClient against one devnet node, so interop is the library's, not
// our own fetches: the supported kind; a valid payment verifies with its payer; each wrong thing
// (amount, model, inputs, network, chain id, signature, sequence, version, malformed payload, an
// exceeded InferenceAuthorization) is invalid with its reason and moves no balance; a settle moves
// the payer's balance by exactly the offered amount and a second settle of it is refused.
// Run under `flock /tmp/dgrid-e2e.lock`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { stringToPath } from "@cosmjs/crypto";
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { HTTPFacilitatorClient } from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { MsgGrant } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DEVNET_MNEMONIC, devnetAddress, devnetWallet } from "../../app/devnet.ts";
import type { RunningGateway } from "../../app/gateway/gateway.ts";
import { DGridClient, type SigningDGridClient } from "../../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import { InferenceAuthorization } from "../../proto/gen/dgrid/inference/v1/authz.ts";
import { type DevnetNode, startDevnetNode } from "../support/devnet-node.ts";
import { startTestGateway } from "../support/test-gateway.ts";
import { offeredTerms, signPayment } from "../support/x402-payment.ts";

const MODEL_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
const input = { dtype: "float32", shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 16) };

describe("x402 facilitator routes through HTTPFacilitatorClient", { timeout: 120_000 }, () => {
  let node: DevnetNode;
  let gw: RunningGateway;
  let client: DGridClient;
  let owner: SigningDGridClient;
  let facilitator: HTTPFacilitatorClient;
  let req: PaymentRequirements;
  let user = "";
  let agent = "";
  let userSigner: DirectSecp256k1HdWallet;
  let agentSigner: DirectSecp256k1HdWallet;

  before(async () => {
    node = await startDevnetNode();
    gw = await startTestGateway(node.rpcUrl);
    client = await DGridClient.connect(node.rpcUrl);
    userSigner = await devnetWallet("user");
    user = await devnetAddress("user");
    agentSigner = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, {
      prefix: "dgrid",
      hdPaths: [stringToPath("m/44'/118'/0'/0/9")],
    });
    agent = (await agentSigner.getAccounts())[0].address;
    facilitator = new HTTPFacilitatorClient({ url: gw.url, timeoutMs: 60_000 });
    req = await offeredTerms(`${gw.url}/v1/models/${MODEL_ID}/infer`, input);
    // the agent: an account to sign from (its own tx fee) and an inference allowance below one call
    owner = await DGridClient.connectWithSigner(node.rpcUrl, userSigner);
    await owner.send(agent, "1000000udgrid");
    await owner.submit([
      {
        typeUrl: MsgGrant.typeUrl,
        value: MsgGrant.fromPartial({
          granter: user,
          grantee: agent,
          grant: {
            authorization: {
              typeUrl: "/dgrid.inference.v1.InferenceAuthorization",
              value: InferenceAuthorization.encode(
                InferenceAuthorization.fromPartial({ spendLimit: [{ denom: "udgrid", amount: "1" }] }),
              ).finish(),
            },
          },
        }),
      },
    ]);
  });
  after(async () => {
    owner?.disconnect();
    client?.disconnect();
    await gw?.close();
    await node?.stop();
  });

  const balance = async (a: string) => BigInt((await client.getBalance(a, "udgrid")).amount);

  it("GET /supported lists exact on cosmos:<chain-id>", async () => {
    const s = await facilitator.getSupported();
    assert.deepEqual(s.kinds, [{ x402Version: 2, scheme: "exact", network: `cosmos:${gw.chainId}` }]);
    assert.deepEqual(s.extensions, []);
    assert.equal(req.network, `cosmos:${gw.chainId}`);
  });

  it("POST /verify accepts a payment signed to the terms and names the payer; nothing moves", async () => {
    const before = await balance(user);
    const v = await facilitator.verify(await signPayment(node.rpcUrl, userSigner, req), req);
    assert.deepEqual({ isValid: v.isValid, payer: v.payer }, { isValid: true, payer: user });
    assert.equal(await balance(user), before);
  });

  it("POST /verify refuses each wrong thing with its invalidReason and moves no balance", async () => {
    const before = [await balance(user), await balance(agent)];
    const sign = (o: Parameters<typeof signPayment>[3] = {}) => signPayment(node.rpcUrl, userSigner, req, o);
    const account = await client.stargate.getAccount(user);
    assert.ok(account && account.sequence > 0);
    const good = await sign();
    const tx = TxRaw.decode(fromBase64(good.payload.transaction as string));
    const forged = TxRaw.fromPartial({ ...tx, signatures: [tx.signatures[0].map((b, i) => (i === 5 ? b ^ 1 : b))] });
    const withTx = (t: string): PaymentPayload => ({ ...good, payload: { transaction: t } });
    const cases: [string, PaymentPayload, PaymentRequirements, string, RegExp][] = [
      ["requirements with another amount", good, { ...req, amount: "1" }, "invalid_payment_requirements", /amount/],
      [
        "a tx with another max fee",
        await sign({ mutate: (m) => (m.maxFee = { denom: "udgrid", amount: "1" }) }),
        req,
        "invalid_payload",
        /max fee/,
      ],
      ["a tx with a lower tx fee", await sign({ fee: "1" }), req, "invalid_payload", /tx fee/],
      [
        "a tx for another model",
        await sign({ mutate: (m) => (m.modelId = "cd".repeat(32)) }),
        req,
        "invalid_payload",
        /model/,
      ],
      [
        "a tx with other inputs",
        await sign({ mutate: (m) => (m.inputs[0].data = new Uint8Array(64)) }),
        req,
        "invalid_payload",
        /hash/,
      ],
      ["requirements on another network", good, { ...req, network: "cosmos:other-1" }, "invalid_network", /other-1/],
      ["a tx signed for another chain id", await sign({ chainId: "other-1" }), req, "invalid_signature", /signature/],
      ["a forged signature", withTx(toBase64(TxRaw.encode(forged).finish())), req, "invalid_signature", /signature/],
      [
        "a stale sequence",
        await sign({ sequence: account.sequence - 1 }),
        req,
        "payment_already_used",
        new RegExp(`sequence ${account.sequence - 1}`),
      ],
      [
        "a sequence ahead of the account",
        await sign({ sequence: account.sequence + 1 }),
        req,
        "invalid_payload",
        /ahead/,
      ],
      ["payload.transaction not base64", withTx("%%% not base64 %%%"), req, "invalid_payload", /base64/],
      [
        "payload.transaction not a TxRaw",
        withTx(toBase64(new Uint8Array([0xff, 0xff, 0xff]))),
        req,
        "invalid_payload",
        /TxRaw/,
      ],
      ["x402Version 1", { ...good, x402Version: 1 }, req, "invalid_x402_version", /2/],
      [
        "a MsgExec over an exceeded InferenceAuthorization",
        await signPayment(node.rpcUrl, agentSigner, req, { granter: user }),
        req,
        "insufficient_funds",
        /spend limit/,
      ],
    ];
    for (const [what, payload, requirements, reason, message] of cases) {
      const v = await facilitator.verify(payload, requirements);
      assert.equal(v.isValid, false, what);
      assert.equal(v.invalidReason, reason, `${what}: ${v.invalidMessage}`);
      assert.match(v.invalidMessage ?? "", message, what);
    }
    assert.deepEqual([await balance(user), await balance(agent)], before);
  });

  it("POST /verify and /settle answer a malformed body with 400", async () => {
    for (const path of ["/verify", "/settle"]) {
      const bad = await fetch(`${gw.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"paymentPayload": ',
      });
      assert.equal(bad.status, 400, path);
      const missing = await fetch(`${gw.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ x402Version: 2, paymentPayload: {} }),
      });
      assert.equal(missing.status, 400, path);
      assert.equal(((await missing.json()) as { error: string }).error, "invalid_request");
    }
  });

  it("POST /settle broadcasts once: the payer pays exactly the amount, a second settle is refused", async () => {
    const payload = await signPayment(node.rpcUrl, userSigner, req);
    const before = await balance(user);
    const s = await facilitator.settle(payload, req);
    assert.equal(s.success, true, s.errorMessage);
    assert.equal(s.payer, user);
    assert.equal(s.network, `cosmos:${gw.chainId}`);
    assert.match(s.transaction, /^[0-9A-F]{64}$/);
    const included = await client.stargate.getTx(s.transaction);
    assert.equal(included?.code, 0);
    // at inclusion: the inference fee is escrowed and the tx fee collected, nothing else
    assert.equal(before - (await balance(user)), BigInt(req.amount));

    const again = await facilitator.settle(payload, req);
    assert.equal(again.success, false);
    assert.equal(again.errorReason, "payment_already_used");
    const v = await facilitator.verify(payload, req);
    assert.equal(v.invalidReason, "payment_already_used");
    assert.equal(before - (await balance(user)), BigInt(req.amount));
  });
});
