// The PAYMENT-SIGNATURE size estimate the gateway refuses large inputs by: never below the header a
// real payment encodes to (the largest variant: a MsgExec with a fee granter), within a few percent
// of it, and its maxInputBytes agrees with where the estimate crosses the limit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodePaymentSignatureHeader } from "@x402/core/http";
import { OTHER_HEADERS, paymentSignatureSize } from "../../app/gateway/header-limit.ts";
import { parseInputs, paymentRequired, requirementsFor } from "../../app/gateway/terms.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { OFFLINE_CHAIN_ID, signPaymentOffline } from "../support/x402-payment.ts";

const spec = (name: string, width: number) => ({
  name,
  dtype: "float32",
  shape: [
    { size: 0, symbol: "batch" },
    { size: width, symbol: "" },
  ],
});
const model = {
  id: "ab".repeat(32),
  name: "wide",
  inputs: [spec("input", 16)],
  outputs: [spec("output", 4)],
  pricePerCall: { denom: "udgrid", amount: "1000" },
  delisted: false,
} as unknown as Model;
const pricing = { chainId: OFFLINE_CHAIN_ID, gasLimit: 400_000, gasPrice: "0.025udgrid", maxTimeoutSeconds: 60 };
const url = `http://127.0.0.1:8402/v1/models/${model.id}/infer`;
const LIMIT = 16_384;

function terms(rows: number) {
  const body = { dtype: "float32", shape: [rows, 16], data: Array.from({ length: rows * 16 }, (_, i) => i / 7) };
  const req = requirementsFor(model, parseInputs(body, model), 3, pricing);
  return { req, pr: paymentRequired(url, model, req) };
}

describe("PAYMENT-SIGNATURE size estimate", () => {
  it("bounds the real header from above, within 3% + 64 bytes", async () => {
    for (const rows of [1, 8, 40, 64, 200]) {
      const { req, pr } = terms(rows);
      const payload = await signPaymentOffline(req, {
        granter: true,
        feeGranter: "dgrid1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqn4q8jp",
      });
      // what @x402/core's x402Client sends: the scheme's payload with the resource and the accepted terms
      const header = encodePaymentSignatureHeader({ ...payload, resource: pr.resource } as never);
      const est = paymentSignatureSize(pr, LIMIT);
      assert.equal(est.inputBytes, rows * 64);
      assert.ok(est.bytes >= header.length, `${rows} rows: estimate ${est.bytes} < real ${header.length}`);
      assert.ok(est.bytes <= header.length * 1.03 + 64, `${rows} rows: estimate ${est.bytes} >> real ${header.length}`);
    }
  });

  it("maxInputBytes is where the estimate plus the other headers reaches the limit", () => {
    const { pr } = terms(1);
    const max = paymentSignatureSize(pr, LIMIT).maxInputBytes;
    assert.ok(max > 3000 && max < 4100, `max ${max}`);
    for (let rows = 1; rows <= 100; rows++) {
      const fits = paymentSignatureSize(terms(rows).pr, LIMIT).bytes + OTHER_HEADERS <= LIMIT;
      if (rows * 64 <= max - 8) assert.ok(fits, `${rows} rows (${rows * 64} bytes) should fit under max ${max}`);
      if (rows * 64 > max + 8) assert.ok(!fits, `${rows} rows (${rows * 64} bytes) should not fit over max ${max}`);
    }
    assert.ok(paymentSignatureSize(pr, 65_536).maxInputBytes > 4 * max - 1);
  });
});
