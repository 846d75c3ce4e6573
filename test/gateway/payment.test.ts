// The x402 terms and payment checks without a chain: requirements from a model and inputs, the
// header encodings round-trip, a correctly signed payment passes, and each way a payment can differ
// from the terms (inputs, fee, gas, chain id, sequence, signer, message) is refused with its reason.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodePaymentRequiredHeader,
  decodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentSignatureHeader,
} from "@x402/core/http";
import type { PaymentRequirements } from "@x402/core/types";
import { checkSignature, checkTerms, decodePayment, PaymentError } from "../../app/gateway/payment.ts";
import {
  GatewayError,
  parseInputs,
  paymentRequired,
  requirementsFor,
  sameTerms,
  txFee,
} from "../../app/gateway/terms.ts";
import { dgridExtra } from "../../client/x402-terms.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { OFFLINE_CHAIN_ID, signPaymentOffline } from "../support/x402-payment.ts";

const CHAIN = OFFLINE_CHAIN_ID;
const model = {
  id: "ab".repeat(32),
  name: "m",
  inputs: [
    {
      name: "input",
      dtype: "float32",
      shape: [
        { size: 0, symbol: "batch" },
        { size: 4, symbol: "" },
      ],
    },
  ],
  outputs: [
    {
      name: "output",
      dtype: "float32",
      shape: [
        { size: 0, symbol: "batch" },
        { size: 2, symbol: "" },
      ],
    },
  ],
  pricePerCall: { denom: "udgrid", amount: "1000" },
  delisted: false,
} as unknown as Model;
const pricing = { chainId: CHAIN, gasLimit: 400_000, gasPrice: "0.025udgrid", maxTimeoutSeconds: 60 };
const body = { dtype: "float32", shape: [1, 4], data: [1, 2, 3, 4] };

function offer(b: unknown = body): PaymentRequirements {
  return requirementsFor(model, parseInputs(b, model), 2, pricing);
}

const sign = signPaymentOffline;

const account = { accountNumber: 3, sequence: 7 };

function refused(fn: () => void, reason: string, re: RegExp) {
  assert.throws(fn, (e: unknown) => e instanceof PaymentError && e.reason === reason && re.test(e.message));
}

describe("x402 terms", () => {
  it("asks for price x redundancy + ceil(gas x gas price) in udgrid, paid to the inference escrow", () => {
    const req = offer();
    assert.equal(txFee(400_000, "0.025udgrid"), 10_000n);
    assert.equal(req.amount, String(2 * 1000 + 10_000));
    assert.equal(req.scheme, "exact");
    assert.equal(req.network, `cosmos:${CHAIN}`);
    assert.equal(req.asset, "udgrid");
    assert.match(req.payTo, /^dgrid1/);
    const extra = dgridExtra(req);
    assert.equal(extra.inferenceFee, "2000");
    assert.equal(extra.txFee, "10000");
    assert.deepEqual(Object.keys(extra.inputs), ["input"]);
    assert.equal((extra.inputSpecs[0] as { name: string }).name, "input");
    const pr = paymentRequired("http://x/v1/models/a/infer", model, req);
    assert.deepEqual(decodePaymentRequiredHeader(encodePaymentRequiredHeader(pr)), pr);
  });

  it("refuses wrong-shaped or malformed input with a 400 naming the problem", () => {
    const bad = (b: unknown, re: RegExp) =>
      assert.throws(
        () => parseInputs(b, model),
        (e: unknown) => e instanceof GatewayError && e.status === 400 && re.test(e.message),
      );
    bad({ dtype: "float32", shape: [1, 5], data: [1, 2, 3, 4, 5] }, /input/);
    bad({ dtype: "int32", shape: [1, 4], data: [1, 2, 3, 4] }, /dtype|int32/);
    bad({ dtype: "float32", shape: [1, 4], data: [1, 2] }, /bytes/);
    bad([1, 2, 3, 4], /plain JSON array/);
    bad({ inputs: { other: body } }, /input/);
  });

  it("names the first term an accepted requirement changed", () => {
    const a = offer();
    assert.equal(sameTerms(a, offer()), undefined);
    assert.match(sameTerms({ ...a, amount: "1" }, a) ?? "", /amount/);
    assert.match(sameTerms(offer({ ...body, data: [4, 3, 2, 1] }), a) ?? "", /inputHash/);
  });
});

describe("x402 payment checks", () => {
  it("passes a payment signed to the terms, and its header round-trips", async () => {
    const req = offer();
    const payload = await sign(req);
    const back = decodePaymentSignatureHeader(encodePaymentSignatureHeader(payload as never));
    const p = decodePayment(back);
    checkTerms(p, req);
    checkSignature(p, CHAIN, account);
    assert.equal(p.payer, p.signer);
    assert.equal(p.viaExec, false);
    assert.match(p.txHash, /^[0-9A-F]{64}$/);
  });

  it("passes a MsgExec of the request by the grantee, paid by the granter", async () => {
    const req = offer();
    const p = decodePayment(await sign(req, { granter: true }));
    checkTerms(p, req);
    checkSignature(p, CHAIN, account);
    assert.equal(p.viaExec, true);
    assert.notEqual(p.payer, p.signer);
  });

  it("refuses inputs, model, fee, gas or redundancy other than offered", async () => {
    const req = offer();
    const p = async (o: Parameters<typeof sign>[1]) => decodePayment(await sign(req, o));
    refused(() => checkTerms(decodePayment({ payload: {} }), req), "invalid_payload", /missing/);
    const a = await p({ mutate: (m) => (m.inputs[0].data = new Uint8Array(16)) });
    refused(() => checkTerms(a, req), "invalid_payload", /hash/);
    const b = await p({ mutate: (m) => (m.modelId = "cd".repeat(32)) });
    refused(() => checkTerms(b, req), "invalid_payload", /model/);
    const c = await p({ mutate: (m) => (m.maxFee = { denom: "udgrid", amount: "1" }) });
    refused(() => checkTerms(c, req), "invalid_payload", /max fee/);
    const d = await p({ fee: "1" });
    refused(() => checkTerms(d, req), "invalid_payload", /tx fee/);
    const e = await p({ gas: 1 });
    refused(() => checkTerms(e, req), "invalid_payload", /gas limit/);
    const f = await p({ mutate: (m) => (m.redundancy = 5) });
    refused(() => checkTerms(f, req), "invalid_payload", /redundancy/);
    const g = await sign(req, { mutate: (m) => (m.requester = "dgrid1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqn4q8jp") });
    refused(() => decodePayment(g), "invalid_payload", /is not the tx signer/);
  });

  it("refuses another chain id, account number, a stale or future sequence and an unknown signer", async () => {
    const req = offer();
    const other = decodePayment(await sign(req, { chainId: "other-1" }));
    refused(() => checkSignature(other, CHAIN, account), "invalid_signature", /signature/);
    const acct = decodePayment(await sign(req, { accountNumber: 4 }));
    refused(() => checkSignature(acct, CHAIN, account), "invalid_signature", /signature/);
    const stale = decodePayment(await sign(req, { sequence: 6 }));
    refused(() => checkSignature(stale, CHAIN, account), "payment_already_used", /sequence 6/);
    refused(() => checkSignature(stale, CHAIN, null), "invalid_payload", /no account/);
    const ahead = decodePayment(await sign(req, { sequence: 8 }));
    refused(() => checkSignature(ahead, CHAIN, account), "invalid_payload", /sequence 8, ahead/);
  });
});
