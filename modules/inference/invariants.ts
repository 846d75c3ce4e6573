// Invariants of the inference module: the escrow holds exactly the pending requests' fees, and the
// work indexes (pending, deadlines, executors, unassigned) follow the requests.
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { bytesEqual } from "../../chain/types/bytes.ts";
import { type InferenceRequest, RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { BankKeeperI } from "./expected-keepers.ts";
import { type InferenceKeeper, isPending } from "./keeper.ts";
import { ByExecutorPrefix, DeadlinePrefix, EscrowAccountName, readU64, StoreKey, UnassignedPrefix } from "./keys.ts";

export async function escrowInvariant(
  ctx: Context,
  k: InferenceKeeper,
  bank: BankKeeperI,
): Promise<{ broken: boolean; message: string }> {
  const fees = await k.pendingFees(ctx);
  const addr = moduleAddress(EscrowAccountName);
  const denoms = new Set([...fees.keys(), "udgrid"]);
  const diffs: string[] = [];
  for (const d of [...denoms].sort()) {
    const held = (await bank.getBalance(ctx, addr, d)).amount;
    const owed = fees.get(d) ?? 0n;
    if (held !== owed) diffs.push(`${d}: escrow holds ${held}, pending fees ${owed}`);
  }
  return { broken: diffs.length > 0, message: `inference escrow invariant: ${diffs.join("; ")}` };
}

/**
 * Invariant: the work indexes follow the requests. Every pending key is a pending request's and the
 * pending count is their number; every deadline key is the deadline of the phase its request is in,
 * and a request in the commit or reveal phase has that key; every executor key names one of the
 * request's executors while it is pending; an unassigned key is a request not yet assigned.
 */
export async function indexInvariant(ctx: Context, k: InferenceKeeper): Promise<{ broken: boolean; message: string }> {
  const store = ctx.kvStore(StoreKey);
  const problems: string[] = [];
  const requests = new Map<bigint, InferenceRequest | undefined>();
  const request = async (id: bigint) => {
    if (!requests.has(id)) requests.set(id, await k.getRequest(ctx, id));
    return requests.get(id);
  };
  const pending = await k.pendingIds(ctx);
  for (const id of pending) {
    const r = await request(id);
    if (!r || !isPending(r.status)) problems.push(`pending key of request ${id} in status ${r?.status ?? "none"}`);
  }
  const count = await k.pendingCount(ctx);
  if (count !== BigInt(pending.length)) problems.push(`pending count ${count}, ${pending.length} pending keys`);
  const deadlines = new Set<string>();
  for await (const [key] of iteratePrefix(store, DeadlinePrefix)) {
    const height = readU64(key, 0);
    const id = readU64(key, 8);
    deadlines.add(`${height}/${id}`);
    const r = await request(id);
    const due =
      r?.status === RequestStatus.REQUEST_STATUS_COMMIT
        ? r.commitDeadline
        : r?.status === RequestStatus.REQUEST_STATUS_REVEAL
          ? r.revealDeadline
          : undefined;
    if (due !== height) problems.push(`deadline key ${height} of request ${id} in status ${r?.status ?? "none"}`);
  }
  for (const id of pending) {
    const r = await request(id);
    if (r?.status === RequestStatus.REQUEST_STATUS_COMMIT && !deadlines.has(`${r.commitDeadline}/${id}`))
      problems.push(`request ${id} in the commit phase has no deadline key`);
    if (r?.status === RequestStatus.REQUEST_STATUS_REVEAL && !deadlines.has(`${r.revealDeadline}/${id}`))
      problems.push(`request ${id} in the reveal phase has no deadline key`);
  }
  for await (const [key] of iteratePrefix(store, ByExecutorPrefix)) {
    const cons = key.subarray(0, key.length - 8);
    const id = readU64(key, key.length - 8);
    const r = await request(id);
    if (!r || !isPending(r.status) || !r.executors.some((e) => bytesEqual(e.consAddress, cons)))
      problems.push(`executor key of request ${id} that is not pending work of that executor`);
  }
  for await (const [key] of iteratePrefix(store, UnassignedPrefix)) {
    const id = readU64(key);
    const r = await request(id);
    if (r?.status !== RequestStatus.REQUEST_STATUS_UNSPECIFIED)
      problems.push(`unassigned key of request ${id} in status ${r?.status ?? "none"}`);
  }
  return {
    broken: problems.length > 0,
    message: `inference index invariant: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ""}`,
  };
}
