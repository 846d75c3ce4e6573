// How large the paid retry's PAYMENT-SIGNATURE header will be, before the gateway offers terms. The
// DGrid scheme carries the inputs in the terms (extra.inputs, base64) because an x402 scheme sees only
// the requirements; the payment repeats those terms (`accepted`) and adds the signed tx, which holds
// the inputs again, and the whole is base64 once more: about 3.6 header bytes per input byte. Past
// the HTTP server's header limit (Node: 16 KiB unless --max-http-header-size) the paid retry would be
// cut off with a bare 431, so the gateway refuses such an input up front with a reason instead.
import type { PaymentRequired } from "@x402/core/types";

/** protobuf bytes of a signed payment tx beyond its input data (measured: 380 plain, 510 as a MsgExec with a fee granter) */
const TX_OVERHEAD = 500;
/** per input tensor: name, dtype, shape and field tags */
const TENSOR_OVERHEAD = 32;
/** the rest of the paid request's header section: request line, host, content-type/-length, user agent, ... */
export const OTHER_HEADERS = 1024;

const base64Length = (n: number) => 4 * Math.ceil(n / 3);

export interface SignatureSize {
  /** estimated PAYMENT-SIGNATURE header value, bytes (an upper bound for the DGrid scheme's payloads) */
  bytes: number;
  /** input data bytes */
  inputBytes: number;
  /** the most input data bytes whose payment fits `limit` with these terms otherwise unchanged */
  maxInputBytes: number;
}

/**
 * The PAYMENT-SIGNATURE a client will send for `pr` (one requirement, inputs in extra.inputs as
 * base64 tensors): base64 of {x402Version, payload: {transaction}, resource, accepted}.
 */
export function paymentSignatureSize(pr: PaymentRequired, limit: number): SignatureSize {
  const req = pr.accepts[0];
  const inputs = Object.values((req.extra?.inputs ?? {}) as Record<string, { data?: string }>);
  const b64 = inputs.map((t) => (typeof t.data === "string" ? t.data : ""));
  const dataB64 = b64.reduce((n, d) => n + d.length, 0);
  const inputBytes = b64.reduce((n, d) => n + (d.length / 4) * 3 - (d.match(/=*$/)?.[0].length ?? 0), 0);
  const txFixed = TX_OVERHEAD + TENSOR_OVERHEAD * inputs.length;
  const json = (txB64: number) =>
    JSON.stringify({ x402Version: pr.x402Version, payload: { transaction: "" }, resource: pr.resource, accepted: req })
      .length + txB64;
  const bytes = base64Length(json(base64Length(inputBytes + txFixed)));
  // the JSON without the input data; every input byte costs 4/3 in `accepted` and 4/3 in the tx, then x4/3
  const fixedJson = json(0) - dataB64 + (4 * txFixed) / 3;
  const maxInputBytes = Math.max(0, Math.floor((((limit - OTHER_HEADERS) * 3) / 4 - fixedJson - 8) * (3 / 8)));
  return { bytes, inputBytes, maxInputBytes };
}
