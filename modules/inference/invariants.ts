// Invariant: the escrow module account holds exactly the fees of the pending requests.
import type { Context } from "../../chain/baseapp/context.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import type { BankKeeperI } from "./expected-keepers.ts";
import type { InferenceKeeper } from "./keeper.ts";
import { EscrowAccountName } from "./keys.ts";

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
