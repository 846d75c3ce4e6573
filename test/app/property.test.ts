// Property: random blocks of random sends (some overspending, some with wrong sequences) keep the
// supply invariant, match a simple balance model, and give identical app hashes on two apps.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import fc from "fast-check";
import type { DGridApp } from "../../app/app.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { block, genesis, initApp, newApp, send, signTx, testKey } from "./helpers.ts";

async function balance(app: DGridApp, address: string): Promise<bigint> {
  const r = await app.query({
    path: "/cosmos.bank.v1beta1.Query/Balance",
    data: QueryBalanceRequest.encode({ address, denom: "udgrid" }).finish(),
    height: 0n,
    prove: false,
  });
  return BigInt(QueryBalanceResponse.decode(r.value).balance?.amount ?? "0");
}

describe("app properties", () => {
  it("random sends: invariant, model balances, deterministic hashes", async () => {
    const keys = await Promise.all(["p0", "p1", "p2"].map(testKey));
    const start = [100_000n, 20_000n, 6_000n];
    const txArb = fc.record({
      from: fc.integer({ min: 0, max: 2 }),
      to: fc.integer({ min: 0, max: 2 }),
      amount: fc.bigInt({ min: 1n, max: 30_000n }),
      seqSkew: fc.constantFrom(0n, 0n, 0n, 1n),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(txArb, { maxLength: 4 }), { minLength: 1, maxLength: 3 }), async (blocks) => {
        const g = genesis(
          keys.map((k, i) => ({ address: k.address, coins: [{ denom: "udgrid", amount: String(start[i]) }] })),
        );
        const a = newApp();
        const b = newApp();
        await initApp(a, g);
        await initApp(b, g);
        const bal = [...start];
        const seq = [0n, 0n, 0n];
        let fees = 0n;
        for (let h = 0; h < blocks.length; h++) {
          const txs: Uint8Array[] = [];
          for (const t of blocks[h]) {
            const tx = await signTx(keys[t.from], [send(keys[t.from].address, keys[t.to].address, String(t.amount))], {
              accountNumber: BigInt(t.from),
              sequence: seq[t.from] + t.seqSkew,
              fee: "100",
            });
            txs.push(tx);
            // model, in block order: a rejected ante changes nothing; a failed send keeps fee + sequence
            if (t.seqSkew !== 0n || bal[t.from] < 100n) continue;
            bal[t.from] -= 100n;
            fees += 100n;
            seq[t.from] += 1n;
            if (bal[t.from] >= t.amount) {
              bal[t.from] -= t.amount;
              bal[t.to] += t.amount;
            }
          }
          const ra = await block(a, h + 1, txs);
          const rb = await block(b, h + 1, txs);
          assert.deepEqual(ra.appHash, rb.appHash);
          assert.deepEqual(await a.checkInvariants(), []);
        }
        for (let i = 0; i < 3; i++) assert.equal(await balance(a, keys[i].address), bal[i]);
        assert.equal(await balance(a, moduleAddress("fee_collector")), fees);
      }),
      { numRuns: 8 },
    );
  });
});
