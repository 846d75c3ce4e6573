import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { Context } from "../../chain/baseapp/context.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { AccountKeeper } from "../../modules/auth/keeper.ts";
import { exportGenesis, initGenesis, validateGenesis } from "../../modules/bank/genesis.ts";
import { totalSupplyInvariant } from "../../modules/bank/invariants.ts";
import { BankKeeper } from "../../modules/bank/keeper.ts";
import { BalancesPrefix, StoreKey } from "../../modules/bank/keys.ts";
import { MemCacheMultiStore, MemKV } from "../app/memory-store.ts";

function setup() {
  const stores = new Map([
    ["acc", new MemKV()],
    ["bank", new MemKV()],
  ]);
  const ms = new MemCacheMultiStore({ getStore: (n: string) => stores.get(n) as MemKV });
  const ctx = new Context(
    ms,
    { height: 1, timeMs: 0, chainId: "t" },
    new InfiniteGasMeter(),
    "finalize",
    pino({ level: "silent" }),
  );
  const ak = new AccountKeeper({ permissions: { fee_collector: [], mint: ["minter"], burnpool: ["burner"] } });
  const bk = new BankKeeper({ blockedAddresses: [moduleAddress("fee_collector")] }, { accountKeeper: ak });
  return { ctx, ak, bk };
}

const A = moduleAddress("user-a");
const B = moduleAddress("user-b");
const udgrid = (n: bigint) => [{ denom: "udgrid", amount: n }];

describe("bank keeper", () => {
  it("mint, send, burn keep the supply invariant; permissions enforced", async () => {
    const { ctx, bk } = setup();
    await bk.mintCoins(ctx, "mint", udgrid(1000n));
    await bk.sendCoinsFromModuleToAccount(ctx, "mint", A, udgrid(600n));
    await bk.sendCoins(ctx, A, B, udgrid(100n));
    assert.equal((await bk.getBalance(ctx, A, "udgrid")).amount, 500n);
    assert.equal((await bk.getBalance(ctx, B, "udgrid")).amount, 100n);
    await assert.rejects(
      bk.sendCoins(ctx, B, A, udgrid(101n)),
      /spendable balance 100udgrid is smaller than 101udgrid: insufficient funds/,
    );
    await assert.rejects(bk.mintCoins(ctx, "burnpool", udgrid(1n)), /does not have permissions to mint/);
    await assert.rejects(
      bk.sendCoinsFromModuleToAccount(ctx, "mint", moduleAddress("fee_collector"), udgrid(1n)),
      /not allowed to receive funds/,
    );
    await bk.sendCoinsFromAccountToModule(ctx, A, "burnpool", udgrid(50n));
    await bk.burnCoins(ctx, "burnpool", udgrid(50n));
    assert.deepEqual(await bk.getTotalSupply(ctx), udgrid(950n));
    assert.equal((await totalSupplyInvariant(ctx, bk)).broken, false);
    const types = ctx.eventManager.events().map((e) => e.type);
    assert.ok(types.includes("coinbase") && types.includes("burn") && types.includes("coin_spent"));
  });

  it("send disabled per denom", async () => {
    const { ctx, bk } = setup();
    bk.setSendEnabled(ctx, "udgrid", false);
    await assert.rejects(bk.isSendEnabledCoins(ctx, udgrid(1n)), /udgrid transfers are currently disabled/);
    await bk.isSendEnabledCoins(ctx, [{ denom: "uother", amount: 1n }]);
  });

  it("genesis: supply computed, wrong supply rejected, export matches, pagination", async () => {
    const { ctx, bk } = setup();
    const g = {
      balances: [
        {
          address: A,
          coins: [
            { denom: "uatom", amount: "5" },
            { denom: "udgrid", amount: "10" },
          ],
        },
        { address: B, coins: [{ denom: "udgrid", amount: "20" }] },
      ],
      supply: [],
    };
    await initGenesis(ctx, bk, g);
    assert.deepEqual(await bk.getTotalSupply(ctx), [
      { denom: "uatom", amount: 5n },
      { denom: "udgrid", amount: 30n },
    ]);
    const out = await exportGenesis(ctx, bk);
    assert.equal(out.balances.length, 2);
    assert.deepEqual(out.supply, [
      { denom: "uatom", amount: "5" },
      { denom: "udgrid", amount: "30" },
    ]);
    await assert.rejects(
      initGenesis(setup().ctx, bk, { ...g, supply: [{ denom: "udgrid", amount: "1" }] }),
      /genesis supply is incorrect/,
    );
    assert.throws(() => validateGenesis({ balances: [g.balances[0], g.balances[0]] }), /duplicate balance/);
    // pagination over all balances: 3 entries, pages of 2
    const store = ctx.kvStore(StoreKey);
    const p1 = await paginate(
      store,
      BalancesPrefix,
      { key: new Uint8Array(), offset: 0n, limit: 2n, countTotal: true, reverse: false },
      (k) => k,
    );
    assert.equal(p1.items.length, 2);
    assert.equal(p1.pagination.total, 3n);
    const p2 = await paginate(
      store,
      BalancesPrefix,
      { key: p1.pagination.nextKey, offset: 0n, limit: 2n, countTotal: false, reverse: false },
      (k) => k,
    );
    assert.equal(p2.items.length, 1);
    assert.equal(p2.pagination.nextKey.length, 0);
    const off = await paginate(
      store,
      BalancesPrefix,
      { key: new Uint8Array(), offset: 1n, limit: 5n, countTotal: false, reverse: false },
      (k) => k,
    );
    assert.deepEqual(off.items, [...p1.items.slice(1), ...p2.items]);
  });
});
