// x/bank operations: MsgSend and MsgMultiSend, mostly within the sender's balance, sometimes over it
// or to a fresh address (which creates the account).
import { MsgMultiSend, MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import type { OpEnv, Operation } from "./types.ts";
import { udgrid } from "./types.ts";

async function spendable(env: OpEnv, address: string): Promise<bigint> {
  return (await env.app.bankKeeper.getBalance(env.ctx, address, "udgrid")).amount;
}

/** an amount within `balance`, or (rarely) over it */
export function amountWithin(env: OpEnv, balance: bigint): { amount: bigint; invalid: boolean } {
  if (env.rng.chance(0.05)) return { amount: balance + 1n + env.rng.bigint(1000n), invalid: true };
  if (balance <= 1n) return { amount: 1n, invalid: balance < 1n };
  return { amount: 1n + env.rng.bigint(balance / 10n > 1n ? balance / 10n : 1n), invalid: false };
}

function recipient(env: OpEnv): string {
  return env.rng.chance(0.1) ? env.newAccount().address : env.rng.pick(env.accounts).address;
}

export const bankOps: Operation[] = [
  {
    name: "bank/send",
    weight: 100,
    async plan(env) {
      const from = await env.freeAccount();
      if (!from) return undefined;
      const { amount, invalid } = amountWithin(env, await spendable(env, from.address));
      const msg = MsgSend.fromPartial({ fromAddress: from.address, toAddress: recipient(env), amount: udgrid(amount) });
      return { signer: from, msgs: [{ typeUrl: MsgSend.typeUrl, value: MsgSend.encode(msg).finish() }], invalid };
    },
  },
  {
    name: "bank/multi-send",
    weight: 30,
    async plan(env) {
      const from = await env.freeAccount();
      if (!from) return undefined;
      const { amount, invalid } = amountWithin(env, await spendable(env, from.address));
      const n = env.rng.range(1, 3);
      const parts = Array.from({ length: n }, (_, i) =>
        i < n - 1 ? amount / BigInt(n) : amount - (amount / BigInt(n)) * BigInt(n - 1),
      );
      // the SDK refuses outputs that do not add up to the input: one in twenty does not
      const broken = env.rng.chance(0.05);
      const msg = MsgMultiSend.fromPartial({
        inputs: [{ address: from.address, coins: udgrid(amount) }],
        outputs: parts
          .filter((p) => p > 0n)
          .map((p, i) => ({ address: recipient(env), coins: udgrid(i === 0 && broken ? p + 1n : p) })),
      });
      return {
        signer: from,
        msgs: [{ typeUrl: MsgMultiSend.typeUrl, value: MsgMultiSend.encode(msg).finish() }],
        invalid: invalid || broken,
      };
    },
  },
];
