// x/feegrant keeper (SDK v0.50 x/feegrant/keeper/keeper.go): grants keyed by grantee then granter,
// the expiration queue that MsgPruneAllowances drains, and UseGrantedFees for the ante handler.
import { Grant } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import type { Coin } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { msToNs } from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest, ErrNotFound, ErrUnauthorized } from "../../chain/errors/errors.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { concat, prefixEnd } from "../../chain/types/bytes.ts";
import { accept, decodeAllowance, encodeAllowance, expiresAt, type FeeAllowance } from "./allowance.ts";
import {
  EventTypeRevokeFeeGrant,
  EventTypeSetFeeGrant,
  EventTypeUpdateFeeGrant,
  EventTypeUseFeeGrant,
  grantEvent,
} from "./events.ts";
import type { AccountKeeperI, BankKeeperI } from "./expected-keepers.ts";
import {
  allowanceByExpTimeKey,
  FeeAllowanceKeyPrefix,
  FeeAllowanceQueueKeyPrefix,
  feeAllowanceKey,
  feeAllowanceQueueKey,
  parseQueueKey,
  StoreKey,
} from "./keys.ts";

export interface FeegrantKeeperDeps {
  accountKeeper: AccountKeeperI;
  bankKeeper: BankKeeperI;
}

/** A stored grant with its allowance decoded. */
export interface StoredGrant {
  granter: string;
  grantee: string;
  allowance: FeeAllowance;
}

export class FeegrantKeeper {
  readonly storeKey = StoreKey;

  constructor(
    _options: Record<string, never>,
    private readonly deps: FeegrantKeeperDeps,
  ) {}

  /** GrantAllowance: refuses a second grant for the pair and a past expiration; creates the grantee's account. */
  async grantAllowance(ctx: Context, granter: string, grantee: string, allowance: FeeAllowance): Promise<void> {
    const granterBz = addressFromString(granter);
    const granteeBz = addressFromString(grantee);
    if (await this.getGrant(ctx, granter, grantee)) throw ErrInvalidRequest.wrap("fee allowance already exists");
    // a grantee the chain has not seen gets its account here, so its first tx (whose fee the granter
    // pays) finds an account number and sequence; its public key is set by that tx
    if (!(await this.deps.accountKeeper.getAccount(ctx, grantee))) {
      if (this.deps.bankKeeper.blockedAddr(grantee))
        throw ErrUnauthorized.wrap(`${grantee} is not allowed to receive funds`);
      this.deps.accountKeeper.setAccount(ctx, await this.deps.accountKeeper.newAccountWithAddress(ctx, grantee));
    }
    const exp = expiresAt(allowance);
    if (exp !== undefined && exp < msToNs(ctx.timeMs))
      throw ErrInvalidRequest.wrap("expiration is before current block time");
    const store = ctx.kvStore(StoreKey);
    if (exp !== undefined) store.set(feeAllowanceQueueKey(exp, granterBz, granteeBz), new Uint8Array());
    store.set(feeAllowanceKey(granterBz, granteeBz), encodeGrant(granter, grantee, allowance));
    ctx.eventManager.emit(grantEvent(EventTypeSetFeeGrant, granter, grantee));
  }

  /** UpdateAllowance: stores the allowance's new state after a use. */
  async updateAllowance(ctx: Context, granter: string, grantee: string, allowance: FeeAllowance): Promise<void> {
    if (!(await this.getGrant(ctx, granter, grantee))) throw ErrNotFound.wrap("fee-grant not found");
    ctx
      .kvStore(StoreKey)
      .set(
        feeAllowanceKey(addressFromString(granter), addressFromString(grantee)),
        encodeGrant(granter, grantee, allowance),
      );
    ctx.eventManager.emit(grantEvent(EventTypeUpdateFeeGrant, granter, grantee));
  }

  /**
   * Deletes the grant and its queue entry. (SDK v0.50 deletes the queue entry under the pair in the
   * wrong order, leaving it behind; DGrid deletes the entry it wrote, as later SDK versions do.)
   */
  async revokeAllowance(ctx: Context, granter: string, grantee: string): Promise<void> {
    const grant = await this.getGrant(ctx, granter, grantee);
    if (!grant) throw ErrNotFound.wrap("fee-grant not found");
    const granterBz = addressFromString(granter);
    const granteeBz = addressFromString(grantee);
    const store = ctx.kvStore(StoreKey);
    store.delete(feeAllowanceKey(granterBz, granteeBz));
    const exp = expiresAt(grant.allowance);
    if (exp !== undefined) store.delete(feeAllowanceQueueKey(exp, granterBz, granteeBz));
    ctx.eventManager.emit(grantEvent(EventTypeRevokeFeeGrant, granter, grantee));
  }

  /** The grant from granter to grantee, or undefined (an expired, unpruned grant is still returned). */
  async getGrant(ctx: Context, granter: string, grantee: string): Promise<StoredGrant | undefined> {
    const bz = await ctx.kvStore(StoreKey).get(feeAllowanceKey(addressFromString(granter), addressFromString(grantee)));
    return bz && bz.length > 0 ? decodeGrant(bz) : undefined;
  }

  /**
   * UseGrantedFees: the ante handler asks whether granter pays `fee` for grantee's tx of these
   * messages. Throws the allowance's refusal; on success stores the allowance's new state, or
   * deletes the grant when it is used up.
   */
  async useGrantedFees(
    ctx: Context,
    granter: string,
    grantee: string,
    fee: readonly Coin[],
    msgTypeUrls: readonly string[],
  ): Promise<void> {
    const grant = await this.getGrant(ctx, granter, grantee);
    if (!grant) throw ErrNotFound.wrap("fee-grant not found");
    const { remove, error } = accept(grant.allowance, msToNs(ctx.timeMs), fee, msgTypeUrls, ctx.gasMeter);
    if (remove) {
      // an expired grant is deleted and the fee refused; the tx's failure discards the deletion too
      await this.revokeAllowance(ctx, granter, grantee);
      if (error) throw error;
      ctx.eventManager.emit(grantEvent(EventTypeUseFeeGrant, granter, grantee));
      return;
    }
    if (error) throw error;
    ctx.eventManager.emit(grantEvent(EventTypeUseFeeGrant, granter, grantee));
    await this.updateAllowance(ctx, granter, grantee, grant.allowance);
  }

  /** Every grant, in store order (grantee, then granter). */
  async allGrants(ctx: Context): Promise<StoredGrant[]> {
    const out: StoredGrant[] = [];
    const store = ctx.kvStore(StoreKey);
    for await (const [, v] of store.iterate({ start: FeeAllowanceKeyPrefix, end: prefixEnd(FeeAllowanceKeyPrefix) })) {
      out.push(decodeGrant(v));
    }
    return out;
  }

  /**
   * RemoveExpiredAllowances: deletes up to `limit` grants that expired before the block time (the
   * SDK's range ends at the time key + 0x00, so a grant expiring exactly now stays, as Accept takes it).
   */
  async removeExpiredAllowances(ctx: Context, limit: number): Promise<number> {
    const store = ctx.kvStore(StoreKey);
    const end = concat(allowanceByExpTimeKey(msToNs(ctx.timeMs)), [0]);
    const keys: Uint8Array[] = [];
    for await (const [k] of store.iterate({ start: FeeAllowanceQueueKeyPrefix, end })) {
      keys.push(Uint8Array.from(k));
      if (keys.length === limit) break;
    }
    for (const k of keys) {
      store.delete(k);
      const { granter, grantee } = parseQueueKey(k);
      store.delete(feeAllowanceKey(granter, grantee));
    }
    return keys.length;
  }
}

export function encodeGrant(granter: string, grantee: string, allowance: FeeAllowance): Uint8Array {
  return Grant.encode({ granter, grantee, allowance: encodeAllowance(allowance) }).finish();
}

export function decodeGrant(bz: Uint8Array): StoredGrant {
  const g = Grant.decode(bz);
  return { granter: g.granter, grantee: g.grantee, allowance: decodeAllowance(g.allowance) };
}
