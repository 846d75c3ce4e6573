// Per-model usage and quality counters folded from settlements (pure; integers only). The record is
// bounded: counters, one coin per fee denom, and a ring of the latest LATENCY_WINDOW latencies from
// which the p50 / p99 are recomputed on each settlement.
import { addCoins, fromProtoCoins, toProtoCoins } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import type { CreatorEarnings, ModelStats } from "../../proto/gen/dgrid/registry/v1/registry.ts";

/** Latencies kept per model (the window p50 / p99 are taken over). */
export const LATENCY_WINDOW = 64;
const U32_MAX = 0xffff_ffff;
const PPM = 1_000_000n;

/** How the executors' outputs of a settled request compared. */
export type Agreement = "unanimous" | "majority" | "no_quorum" | "none";

/** What the inference module reports of one settled request (RegistryKeeper.recordSettlement). */
export interface SettlementRecord {
  /** true: finalized with a result; false: refunded */
  finalized: boolean;
  /** finalized: unanimous or majority; a refund for lack of quorum: no_quorum; other refunds: none */
  agreement: Agreement;
  /** items (batch rows) the request carried; 1 for an unbatched request */
  items: number;
  /**
   * of those, the items whose fee went back: all of a refunded request's (the default when refunded);
   * a finalized batch's items without a quorum (default 0 when finalized)
   */
  itemsRefunded?: number;
  /** finalized only: blocks from the request's inclusion to its result */
  latencyBlocks?: number;
  /** finalized only: what the model's creator was paid */
  creatorFee?: { denom: string; amount: string };
}

/**
 * What the inference module needs of the registry at settlement (its expected keeper, CONTRACTS.md):
 * one call per settled or refunded request, in the block that settles it. RegistryKeeper implements it.
 */
export interface SettlementRecorderI {
  recordSettlement(ctx: Context, modelId: string, record: SettlementRecord): Promise<unknown>;
}

export function emptyStats(modelId: string): ModelStats {
  return {
    modelId,
    requestsFinalized: 0n,
    requestsRefunded: 0n,
    items: 0n,
    unanimous: 0n,
    majority: 0n,
    noQuorum: 0n,
    creatorFees: [],
    latencyWindow: [],
    latencyNext: 0,
    latencyP50: 0,
    latencyP99: 0,
    agreementPpm: 0n,
    lastHeight: 0n,
    itemsRefunded: 0n,
  };
}

/** Nearest-rank percentile (p in 1..100) of integers. 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p * sorted.length) / 100) - 1];
}

export function checkRecord(r: SettlementRecord): void {
  if (!Number.isSafeInteger(r.items) || r.items < 0) throw ErrInvalidRequest.wrap(`settlement items ${r.items}`);
  const back = r.itemsRefunded;
  if (back !== undefined && (!Number.isSafeInteger(back) || back < 0 || back > r.items))
    throw ErrInvalidRequest.wrap(`settlement items_refunded ${back} outside 0..${r.items}`);
  if (r.finalized && back !== undefined && back >= r.items && r.items > 0)
    throw ErrInvalidRequest.wrap("a finalized request settles at least one item");
  if (r.finalized && r.agreement !== "unanimous" && r.agreement !== "majority")
    throw ErrInvalidRequest.wrap(`a finalized request's agreement is unanimous or majority, not ${r.agreement}`);
  if (!r.finalized && r.agreement !== "no_quorum" && r.agreement !== "none")
    throw ErrInvalidRequest.wrap(`a refunded request's agreement is no_quorum or none, not ${r.agreement}`);
  if (r.latencyBlocks !== undefined && (!Number.isSafeInteger(r.latencyBlocks) || r.latencyBlocks < 0))
    throw ErrInvalidRequest.wrap(`settlement latency ${r.latencyBlocks}`);
  if (r.creatorFee && !/^\d{1,78}$/.test(r.creatorFee.amount))
    throw ErrInvalidRequest.wrap(`settlement creator fee amount ${r.creatorFee.amount}`);
}

/** The stats after one more settlement at `height` (prev is not changed). */
export function applySettlement(prev: ModelStats, r: SettlementRecord, height: number): ModelStats {
  checkRecord(r);
  const s: ModelStats = { ...prev, latencyWindow: [...prev.latencyWindow], lastHeight: BigInt(height) };
  if (r.finalized) {
    const back = r.itemsRefunded ?? 0;
    s.requestsFinalized += 1n;
    s.items += BigInt(r.items - back);
    s.itemsRefunded += BigInt(back);
    if (r.agreement === "unanimous") s.unanimous += 1n;
    else s.majority += 1n;
    if (r.latencyBlocks !== undefined) {
      const v = Math.min(r.latencyBlocks, U32_MAX);
      if (s.latencyWindow.length < LATENCY_WINDOW) s.latencyWindow.push(v);
      else s.latencyWindow[s.latencyNext] = v;
      s.latencyNext = (s.latencyNext + 1) % LATENCY_WINDOW;
      s.latencyP50 = percentile(s.latencyWindow, 50);
      s.latencyP99 = percentile(s.latencyWindow, 99);
    }
    if (r.creatorFee && BigInt(r.creatorFee.amount) > 0n)
      s.creatorFees = toProtoCoins(addCoins(fromProtoCoins(s.creatorFees), fromProtoCoins([r.creatorFee])));
  } else {
    s.requestsRefunded += 1n;
    s.itemsRefunded += BigInt(r.itemsRefunded ?? r.items);
    if (r.agreement === "no_quorum") s.noQuorum += 1n;
  }
  const judged = s.unanimous + s.majority + s.noQuorum;
  s.agreementPpm = judged === 0n ? 0n : (s.unanimous * PPM) / judged;
  return s;
}

/** A creator's earnings after one more settlement of one of its models. */
export function applyEarnings(prev: CreatorEarnings, r: SettlementRecord): CreatorEarnings {
  if (!r.finalized) return prev;
  const fees =
    r.creatorFee && BigInt(r.creatorFee.amount) > 0n
      ? toProtoCoins(addCoins(fromProtoCoins(prev.fees), fromProtoCoins([r.creatorFee])))
      : prev.fees;
  return { ...prev, fees, requestsFinalized: prev.requestsFinalized + 1n };
}

/** Throws unless a stats record is within its bounds and consistent (genesis). */
export function validateStats(s: ModelStats): void {
  const fail = (m: string) => {
    throw ErrInvalidRequest.wrap(`registry genesis: stats of ${s.modelId}: ${m}`);
  };
  if (s.latencyWindow.length > LATENCY_WINDOW) fail(`latency_window longer than ${LATENCY_WINDOW}`);
  if (s.latencyNext >= LATENCY_WINDOW) fail(`latency_next must be below ${LATENCY_WINDOW}`);
  if (s.latencyWindow.length < LATENCY_WINDOW && s.latencyNext !== s.latencyWindow.length % LATENCY_WINDOW)
    fail("latency_next must be the window's length while it is filling");
  if (s.latencyP50 !== percentile(s.latencyWindow, 50) || s.latencyP99 !== percentile(s.latencyWindow, 99))
    fail("latency_p50 / latency_p99 are not the window's percentiles");
  const judged = s.unanimous + s.majority + s.noQuorum;
  if (s.agreementPpm !== (judged === 0n ? 0n : (s.unanimous * PPM) / judged))
    fail("agreement_ppm is not unanimous / (unanimous + majority + no_quorum)");
  if (s.unanimous + s.majority !== s.requestsFinalized) fail("unanimous + majority must equal requests_finalized");
  if (s.noQuorum > s.requestsRefunded) fail("no_quorum exceeds requests_refunded");
}
