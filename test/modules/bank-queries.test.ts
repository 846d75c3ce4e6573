import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  QueryDenomMetadataByQueryStringRequest,
  QueryDenomMetadataByQueryStringResponse,
  QueryDenomMetadataRequest,
  QueryDenomMetadataResponse,
  QueryDenomOwnersByQueryRequest,
  QueryDenomOwnersByQueryResponse,
  QueryDenomOwnersRequest,
  QueryDenomOwnersResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import pino from "pino";
import { Context } from "../../chain/baseapp/context.ts";
import { Router } from "../../chain/baseapp/module.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import { addressFromString, addressToString, moduleAddress } from "../../chain/types/address.ts";
import { AccountKeeper } from "../../modules/auth/keeper.ts";
import { defaultGenesis, initGenesis } from "../../modules/bank/genesis.ts";
import { BankKeeper } from "../../modules/bank/keeper.ts";
import { DenomAddressPrefix, denomAddressKey, StoreKey } from "../../modules/bank/keys.ts";
import { BankModule } from "../../modules/bank/module.ts";
import { MemCacheMultiStore, MemKV } from "../app/memory-store.ts";

const GOV = moduleAddress("gov");
const A = moduleAddress("user-a");
const B = moduleAddress("user-b");
const C = moduleAddress("user-c");

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
  const ak = new AccountKeeper({ permissions: { mint: ["minter"], burnpool: ["burner"] } });
  const bk = new BankKeeper({ blockedAddresses: [] }, { accountKeeper: ak });
  const router = new Router();
  new BankModule(bk, GOV).registerServices(router);
  const query = async <Req, Res>(
    method: string,
    req: { fromPartial(o: object): Req; encode(m: Req): { finish(): Uint8Array } },
    res: { decode(b: Uint8Array): Res },
    body: object,
  ): Promise<Res> => {
    const h = router.query(`/cosmos.bank.v1beta1.Query/${method}`);
    if (!h) throw new Error(`${method} is not served`);
    return res.decode(await h(ctx, req.encode(req.fromPartial(body)).finish()));
  };
  return { ctx, bk, query };
}

/** The reverse index as (denom, address) pairs, in store order. */
async function indexEntries(ctx: Context): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), DenomAddressPrefix)) {
    assert.equal(v.length, 0);
    const nul = k.indexOf(0);
    const denom = new TextDecoder().decode(k.subarray(0, nul));
    const addr = k.subarray(nul + 2, nul + 2 + k[nul + 1]);
    assert.equal(nul + 2 + k[nul + 1], k.length);
    out.push(`${denom} ${addressToString(addr)}`);
  }
  return out;
}

async function balanceEntries(bk: BankKeeper, ctx: Context): Promise<string[]> {
  const out: string[] = [];
  await bk.iterateAllBalances(ctx, (address, c) => {
    out.push(`${c.denom} ${address}`);
    return undefined;
  });
  return out.sort();
}

describe("bank denom -> address index", () => {
  it("has the SDK's key layout: 0x03 | denom | 0x00 | len(addr) | addr", () => {
    const addr = Uint8Array.from([7, 8, 9]);
    assert.deepEqual(denomAddressKey("ab", addr), Uint8Array.from([3, 0x61, 0x62, 0, 3, 7, 8, 9]));
  });

  it("follows every balance write: mint, send, send-all (deleted), burn, genesis import", async () => {
    const { ctx, bk } = setup();
    await bk.mintCoins(ctx, "mint", [
      { denom: "uab", amount: 10n },
      { denom: "uabc", amount: 100n },
    ]);
    await bk.sendCoinsFromModuleToAccount(ctx, "mint", A, [{ denom: "uabc", amount: 60n }]);
    await bk.sendCoins(ctx, A, B, [{ denom: "uabc", amount: 60n }]); // A holds none afterwards
    await bk.sendCoinsFromModuleToAccount(ctx, "mint", C, [{ denom: "uab", amount: 10n }]);
    await bk.sendCoinsFromAccountToModule(ctx, C, "burnpool", [{ denom: "uab", amount: 4n }]);
    await bk.burnCoins(ctx, "burnpool", [{ denom: "uab", amount: 4n }]);
    const idx = await indexEntries(ctx);
    assert.deepEqual([...idx].sort(), await balanceEntries(bk, ctx));
    assert.ok(!idx.includes(`uabc ${A}`) && idx.includes(`uabc ${B}`) && !idx.some((e) => e.endsWith("burnpool")));

    const g = setup();
    await initGenesis(g.ctx, g.bk, {
      ...defaultGenesis(),
      balances: [
        { address: A, coins: [{ denom: "udgrid", amount: "5" }] },
        {
          address: B,
          coins: [
            { denom: "uatom", amount: "1" },
            { denom: "udgrid", amount: "7" },
          ],
        },
      ],
    });
    assert.deepEqual((await indexEntries(g.ctx)).sort(), await balanceEntries(g.bk, g.ctx));
    assert.equal((await indexEntries(g.ctx)).length, 3);
  });
});

describe("bank queries: DenomOwners, DenomOwnersByQuery, DenomMetadataByQueryString", () => {
  it("DenomOwners pages the holders of one denom with their balance; ByQuery answers the same", async () => {
    const { ctx, bk, query } = setup();
    await bk.mintCoins(ctx, "mint", [
      { denom: "uab", amount: 1000n },
      { denom: "uabc", amount: 1000n },
    ]);
    for (const [to, n] of [
      [A, 1n],
      [B, 2n],
      [C, 3n],
    ] as const) {
      await bk.sendCoinsFromModuleToAccount(ctx, "mint", to, [{ denom: "uab", amount: n }]);
    }
    await bk.sendCoinsFromModuleToAccount(ctx, "mint", A, [{ denom: "uabc", amount: 9n }]);
    const mint = moduleAddress("mint");
    // holders in address-byte order; "uabc" holders are not "uab" holders
    const expected = [A, B, C, mint]
      .sort((x, y) => Buffer.compare(addressFromString(x), addressFromString(y)))
      .map((address) => ({ address, balance: { denom: "uab", amount: "" } }));
    for (const e of expected) e.balance.amount = (await bk.getBalance(ctx, e.address, "uab")).amount.toString();

    const all = await query("DenomOwners", QueryDenomOwnersRequest, QueryDenomOwnersResponse, { denom: "uab" });
    assert.deepEqual(all.denomOwners, expected);
    assert.equal(all.pagination?.total, 4n); // no limit: counted, as the SDK's Paginate

    const p1 = await query("DenomOwners", QueryDenomOwnersRequest, QueryDenomOwnersResponse, {
      denom: "uab",
      pagination: { limit: 3n, countTotal: true },
    });
    assert.deepEqual(p1.denomOwners, expected.slice(0, 3));
    assert.equal(p1.pagination?.total, 4n);
    assert.ok((p1.pagination?.nextKey.length ?? 0) > 0);
    const p2 = await query("DenomOwners", QueryDenomOwnersRequest, QueryDenomOwnersResponse, {
      denom: "uab",
      pagination: { key: p1.pagination?.nextKey, limit: 3n },
    });
    assert.deepEqual(p2.denomOwners, expected.slice(3));
    assert.equal(p2.pagination?.nextKey.length, 0);

    const byQuery = await query("DenomOwnersByQuery", QueryDenomOwnersByQueryRequest, QueryDenomOwnersByQueryResponse, {
      denom: "uab",
      pagination: { limit: 3n, countTotal: true },
    });
    assert.deepEqual(byQuery, p1);

    // a holder that sends everything away is no holder any more; an unheld denom has none
    await bk.sendCoins(ctx, A, B, [{ denom: "uabc", amount: 9n }]);
    const abc = await query("DenomOwners", QueryDenomOwnersRequest, QueryDenomOwnersResponse, { denom: "uabc" });
    assert.deepEqual(
      abc.denomOwners.map((o) => o.address),
      [B, mint].sort((x, y) => Buffer.compare(addressFromString(x), addressFromString(y))),
    );
    const none = await query("DenomOwners", QueryDenomOwnersRequest, QueryDenomOwnersResponse, { denom: "uzzz" });
    assert.deepEqual(none.denomOwners, []);
  });

  it("bad denoms are InvalidArgument with sdk.ValidateDenom's text", async () => {
    const { query } = setup();
    for (const [method, req, res] of [
      ["DenomOwners", QueryDenomOwnersRequest, QueryDenomOwnersResponse],
      ["DenomOwnersByQuery", QueryDenomOwnersByQueryRequest, QueryDenomOwnersByQueryResponse],
      ["DenomMetadataByQueryString", QueryDenomMetadataByQueryStringRequest, QueryDenomMetadataByQueryStringResponse],
    ] as const) {
      for (const denom of ["", "1bad"]) {
        await assert.rejects(
          query(method, req as typeof QueryDenomOwnersRequest, res as typeof QueryDenomOwnersResponse, { denom }),
          { message: `rpc error: code = InvalidArgument desc = invalid denom: ${denom}: invalid request` },
        );
      }
    }
  });

  it("DenomMetadataByQueryString is DenomMetadata: the metadata, or NotFound", async () => {
    const { ctx, bk, query } = setup();
    await initGenesis(ctx, bk, defaultGenesis());
    const byPath = await query("DenomMetadata", QueryDenomMetadataRequest, QueryDenomMetadataResponse, {
      denom: "udgrid",
    });
    const byQuery = await query(
      "DenomMetadataByQueryString",
      QueryDenomMetadataByQueryStringRequest,
      QueryDenomMetadataByQueryStringResponse,
      { denom: "udgrid" },
    );
    assert.equal(byQuery.metadata?.symbol, "DGRID");
    assert.deepEqual(byQuery, byPath);
    await assert.rejects(
      query(
        "DenomMetadataByQueryString",
        QueryDenomMetadataByQueryStringRequest,
        QueryDenomMetadataByQueryStringResponse,
        { denom: "ibc/ABC" },
      ),
      { message: "rpc error: code = NotFound desc = client metadata for denom ibc/ABC: key not found" },
    );
  });
});
