// Executor assignment (pure, deterministic, bigint only): k executors drawn without replacement
// from the candidates, each draw weighted by weight = bonded power x reputation score, seeded by
// the block hash and the request id.
//
//   candidates are sorted by validator address (the caller's order never matters);
//   draw i: r = uint256(sha256(seed | u64be(request id) | u32be(i))) mod (sum of remaining weights);
//   the candidate whose cumulative weight range contains r is taken and removed.
import { toHex, u32be, u64be } from "../../chain/types/bytes.ts";
import { sha256 } from "./commitment.ts";

export interface WeightedCandidate {
  /** valoper address (unique) */
  validator: string;
  consAddress: Uint8Array;
  weight: bigint;
}

function bytesToBigInt(b: Uint8Array): bigint {
  return BigInt(`0x${toHex(b) || "0"}`);
}

export function assignExecutors(
  candidates: readonly WeightedCandidate[],
  k: number,
  seed: Uint8Array,
  requestId: bigint,
): WeightedCandidate[] {
  const pool = candidates
    .filter((c) => c.weight > 0n)
    .sort((a, b) => (a.validator < b.validator ? -1 : a.validator > b.validator ? 1 : 0));
  for (let i = 1; i < pool.length; i++) {
    if (pool[i].validator === pool[i - 1].validator) throw new Error(`duplicate candidate ${pool[i].validator}`);
  }
  const chosen: WeightedCandidate[] = [];
  const idBytes = u64be(requestId);
  for (let draw = 0; draw < k && pool.length > 0; draw++) {
    let total = 0n;
    for (const c of pool) total += c.weight;
    let r = bytesToBigInt(sha256(seed, idBytes, u32be(draw))) % total;
    let pick = pool.length - 1;
    for (let j = 0; j < pool.length; j++) {
      if (r < pool[j].weight) {
        pick = j;
        break;
      }
      r -= pool[j].weight;
    }
    chosen.push(pool[pick]);
    pool.splice(pick, 1);
  }
  return chosen;
}
