// Signing in the page, loaded only when the "try it" form is used (it brings @dgrid/client and
// CosmJS, most of the explorer's bytes): the dev chain's public key (config.json's devMnemonic) or
// Keplr (window.keplr, after suggesting the chain). Sends MsgRequestInference and follows it.
import {
  DGridClient,
  type KeplrWallet,
  keplrChainInfo,
  RequestStatus,
  type RequestUpdate,
  resultTensors,
  type SigningDGridClient,
  type Tensor,
  tensorFromArray,
  tensorToArray,
} from "@dgrid/client";
import type { TensorSpec } from "./types.ts";

export function keplr(): KeplrWallet | undefined {
  return (window as { keplr?: KeplrWallet }).keplr;
}

export function connectDevKey(rpc: string, mnemonic: string): Promise<SigningDGridClient> {
  return DGridClient.fromMnemonic(rpc, mnemonic);
}

export async function connectKeplr(rpc: string, rest: string, chainId: string): Promise<SigningDGridClient> {
  const k = keplr();
  if (!k) throw new Error("Keplr is not installed in this browser");
  await k.experimentalSuggestChain(keplrChainInfo({ chainId, rpc, rest }));
  await k.enable(chainId);
  return DGridClient.connectWithSigner(rpc, k.getOfflineSigner(chainId));
}

/** A tensor of `spec` from comma-separated numbers (symbolic dimensions sized by the count). */
export function tensorOf(spec: TensorSpec, text: string): Tensor {
  const values = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((v) => {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`input ${spec.name}: "${v}" is not a number`);
      return n;
    });
  const fixed = spec.shape.reduce((a, d) => a * (d.size || 1), 1);
  const free = spec.shape.filter((d) => !d.size).length;
  if (values.length % fixed !== 0 || (free === 0 && values.length !== fixed))
    throw new Error(
      `input ${spec.name}: ${values.length} values do not fill [${spec.shape.map((d) => d.symbol || d.size)}]`,
    );
  // the first symbolic dimension takes what the fixed ones leave (the batch), the others are 1
  let rest = values.length / fixed;
  const shape = spec.shape.map((d) => {
    if (d.size) return d.size;
    const n = rest;
    rest = 1;
    return n;
  });
  switch (spec.dtype) {
    case "float32":
      return tensorFromArray(Float32Array.from(values), shape);
    case "float64":
      return tensorFromArray(Float64Array.from(values), shape);
    case "int32":
      return tensorFromArray(Int32Array.from(values), shape);
    case "int64":
      return tensorFromArray(
        BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))),
        shape,
      );
    default:
      throw new Error(`input ${spec.name}: the form builds float32/float64/int32/int64 inputs, not ${spec.dtype}`);
  }
}

export interface Phase {
  state: RequestUpdate["state"] | "included";
  height?: number;
  detail: string;
  /** on "included" */
  requestId?: string;
}

export interface Outcome {
  state: "finalized" | "refunded" | "failed";
  outputs: Record<string, string>;
  reason: string;
}

/** Sends the request and reports its phases (included, assigned, committed, revealed, settled). */
export async function submitRequest(
  client: SigningDGridClient,
  modelId: string,
  inputs: Record<string, Tensor>,
  onPhase: (p: Phase) => void,
): Promise<{ requestId: string; outcome: Outcome }> {
  const { requestId, height, transactionHash } = await client.requestInference(modelId, inputs);
  onPhase({ state: "included", height, detail: `tx ${transactionHash}`, requestId: requestId.toString() });
  for await (const u of client.watchRequest(requestId, { timeoutMs: 120_000 })) {
    const detail =
      u.state === "assigned"
        ? `executors ${u.executors.join(", ")}`
        : u.state === "committed"
          ? `${u.committed} commitments`
          : u.state === "revealed"
            ? `revealed by ${u.validators.join(", ")}`
            : "";
    onPhase({ state: u.state, height: u.height, detail });
    if (u.state === "finalized" || u.state === "refunded") {
      const r = u.result;
      const failed = u.state === "finalized" && r.status === RequestStatus.REQUEST_STATUS_FAILED;
      // outputs revealed by hash: fetched from the node's /outputs endpoint and checked by the client
      let shown = r;
      if (r.outputRef && !failed && u.state === "finalized") {
        try {
          shown = { ...r, outputs: await client.fetchOutputs(requestId) };
        } catch (e) {
          return {
            requestId: requestId.toString(),
            outcome: { state: u.state, outputs: {}, reason: `outputs by hash not fetched: ${(e as Error).message}` },
          };
        }
      }
      const outputs = Object.fromEntries(
        Object.entries(resultTensors(shown)).map(([name, t]) => [
          name,
          Array.from(tensorToArray(t), String).join(", "),
        ]),
      );
      return {
        requestId: requestId.toString(),
        outcome: { state: failed ? "failed" : u.state, outputs, reason: r.reason },
      };
    }
  }
  throw new Error(`request ${requestId}: the watch ended before it settled`);
}
