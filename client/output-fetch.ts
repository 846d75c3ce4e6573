// Outputs by hash, client side (modules/inference/README.md#large-outputs). A result (or a batch
// item) whose outputs were revealed by hash carries an OutputRef (sha256 and size of the canonical
// output bytes, their layout, the digest the model's policy compares) and output_sources (each
// agreeing executor's sha256: under argmax or topk their bytes may differ where their digests agree).
// fetchOutputsByHash downloads the bytes from a node's GET <models_url>/outputs/<sha256> (a node that
// does not hold them asks its peers), trying the winner's hash first and then the other agreeing
// executors', and accepts bytes only when they hash to that sha256, have the reference's size,
// decode as canonical outputs of the reference's layout, and give the reference's digest under the
// policy: outputs a quorum of executors agreed on.
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import type { Policy } from "../chain/tensor/agreement.ts";
import { decodeCanonicalOutput, namedFromTensors } from "../chain/tensor/canonical.ts";
import { layoutsEqual, outputDigest, outputLayout } from "../chain/tensor/digest.ts";
import { bytesEqual } from "../chain/types/bytes.ts";
import type { OutputRef, OutputSource } from "../proto/gen/dgrid/inference/v1/inference.ts";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";

/** No node served bytes that check out against the reference; `reasons` says what each try gave. */
export class OutputFetchError extends Error {
  constructor(
    message: string,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "OutputFetchError";
  }
}

/** What a result or batch item says of its outputs by hash. */
export interface OutputsByHash {
  outputRef?: OutputRef;
  outputSources: OutputSource[];
}

/** Why `bytes` are not the referenced outputs, or undefined when they are (and then the tensors). */
export function checkOutputBytes(
  ref: OutputRef,
  expectedSha256: Uint8Array,
  policy: Policy,
  bytes: Uint8Array,
): { outputs: NamedTensor[] } | { error: string } {
  if (BigInt(bytes.length) !== ref.sizeBytes)
    return { error: `${bytes.length} bytes, the reference says ${ref.sizeBytes}` };
  if (!bytesEqual(sha256(bytes), expectedSha256)) return { error: "the bytes do not hash to the executor's sha256" };
  let outputs: ReturnType<typeof decodeCanonicalOutput>;
  try {
    outputs = decodeCanonicalOutput(bytes);
  } catch (e) {
    return { error: `not canonical outputs: ${(e as Error).message}` };
  }
  if (!layoutsEqual(outputLayout(outputs), ref.layout))
    return { error: "the outputs' names, dtypes or shapes differ from the reference" };
  if (!bytesEqual(outputDigest(policy, outputs), ref.digest))
    return { error: `the outputs' ${policy.kind} digest differs from the agreed one` };
  return { outputs: namedFromTensors(outputs) };
}

/**
 * The outputs a reference stands for, fetched from `baseUrl` (a node's models_url) and checked
 * (see the header). Throws OutputFetchError when no agreeing executor's bytes can be had.
 */
export async function fetchOutputsByHash(
  baseUrl: string,
  target: OutputsByHash,
  policy: Policy,
  doFetch: typeof fetch = fetch,
): Promise<NamedTensor[]> {
  const ref = target.outputRef;
  if (!ref) throw new Error("the result carries its outputs inline (no output_ref)");
  const hashes = [ref.sha256, ...target.outputSources.map((s) => s.sha256)];
  const seen = new Set<string>();
  const reasons: string[] = [];
  for (const h of hashes) {
    const hex = toHex(h);
    if (seen.has(hex)) continue;
    seen.add(hex);
    const url = `${baseUrl.replace(/\/+$/, "")}/outputs/${hex}`;
    let bytes: Uint8Array;
    try {
      const res = await doFetch(url);
      if (!res.ok) {
        await res.body?.cancel();
        reasons.push(`${hex}: HTTP ${res.status}`);
        continue;
      }
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      reasons.push(`${hex}: ${(e as Error).message}`);
      continue;
    }
    const checked = checkOutputBytes(ref, h, policy, bytes);
    if ("outputs" in checked) return checked.outputs;
    reasons.push(`${hex}: ${checked.error}`);
  }
  throw new OutputFetchError(
    `no node at ${baseUrl} served outputs that match the result (${reasons.join("; ")})`,
    reasons,
  );
}
