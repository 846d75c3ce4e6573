// AuthzKeeper (SDK v0.50 x/authz/keeper): grants keyed by granter / grantee / message type, the
// expiration queue pruned each BeginBlock, and MsgExec's dispatch of messages their granters signed
// through the app's msg router. Deterministic: block time from the context, store-ordered iteration.
import { Grant, GrantQueueItem } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Context } from "../../chain/baseapp/context.ts";
import { withAttribute } from "../../chain/baseapp/events.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { msToNs, timestampToNs, timeToJson } from "../../chain/baseapp/time.ts";
import { CodedError, ErrTxDecode, ErrUnauthorized } from "../../chain/errors/errors.ts";
import { addressFromString, addressToString } from "../../chain/types/address.ts";
import { concat } from "../../chain/types/bytes.ts";
import { MsgRequestInferenceResponse } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { type Authorization, packAuthorization, unpackAuthorization } from "./authorization.ts";
import { MsgRequestInferenceTypeUrl } from "./authorizations/inference.ts";
import {
  ErrAuthorizationExpired,
  ErrAuthorizationNumOfSigners,
  ErrInvalidExpirationTime,
  ErrNoAuthorizationFound,
  ErrNoGrantKeyFound,
} from "./errors.ts";
import * as ev from "./events.ts";
import type { AccountKeeperI, BankKeeperI, InferenceKeeperI, MsgRouterI } from "./expected-keepers.ts";
import { forfeitGrantedRequests, recordGrantedRequest } from "./granted-requests.ts";
import {
  GrantPrefix,
  GrantQueuePrefix,
  grantQueueKey,
  grantQueueTimePrefix,
  grantStoreKey,
  parseGrantKey,
  parseGrantQueueKey,
  StoreKey,
} from "./keys.ts";

/** gas per grant-queue entry looked at (the SDK's gasCostPerIteration) */
const GasPerQueueIteration = 20;

export interface AuthzKeeperDeps {
  accountKeeper: AccountKeeperI;
  bankKeeper: BankKeeperI;
  router: MsgRouterI;
  /** absent: an InferenceAuthorization accepts nothing */
  inferenceKeeper?: InferenceKeeperI;
}

/** A message of a MsgExec, resolved by the router and decoded. */
export interface ExecMsg {
  typeUrl: string;
  msg: unknown;
}

export class AuthzKeeper {
  readonly storeKey = StoreKey;

  constructor(readonly deps: AuthzKeeperDeps) {}

  // ---- grants ----

  async getGrant(ctx: Context, granter: string, grantee: string, msgType: string): Promise<Grant | undefined> {
    const b = await ctx
      .kvStore(StoreKey)
      .get(grantStoreKey(addressFromString(granter), addressFromString(grantee), msgType));
    return b ? Grant.decode(b) : undefined;
  }

  /** SaveGrant: stores (or replaces) the grant, keeps the expiration queue in step, emits EventGrant. */
  async saveGrant(
    ctx: Context,
    granter: string,
    grantee: string,
    authorization: Authorization,
    expiration: Timestamp | undefined,
  ): Promise<void> {
    const now = msToNs(ctx.timeMs);
    if (expiration && timestampToNs(expiration) <= now)
      throw ErrInvalidExpirationTime.wrap(
        `expiration must be after the current block time (${timeToJson(now)}), got ${timeToJson(timestampToNs(expiration))}`,
      );
    const gr = addressFromString(granter);
    const ge = addressFromString(grantee);
    const msgType = authorization.kind.msgTypeUrl(authorization.value);
    const key = grantStoreKey(gr, ge, msgType);
    const store = ctx.kvStore(StoreKey);
    const old = await store.get(key);
    const oldExp = old ? Grant.decode(old).expiration : undefined;
    const same = oldExp && expiration && timestampToNs(oldExp) === timestampToNs(expiration);
    if (oldExp && !same) await this.removeFromGrantQueue(ctx, gr, ge, msgType, timestampToNs(oldExp));
    if (expiration && !same) await this.insertIntoGrantQueue(ctx, gr, ge, msgType, timestampToNs(expiration));
    // a new grant replaces the old one with its own limits: credits owed to the old one lapse
    if (msgType === MsgRequestInferenceTypeUrl) await forfeitGrantedRequests(ctx, gr, ge);
    const value = authorization.kind.onGrant
      ? { ...authorization, value: authorization.kind.onGrant(ctx, authorization.value) }
      : authorization;
    store.set(key, Grant.encode({ authorization: packAuthorization(value), expiration }).finish());
    ctx.eventManager.emit(ev.grant(msgType, granter, grantee));
  }

  /** DeleteGrant: removes the grant (ErrNoAuthorizationFound when there is none), emits EventRevoke. */
  async deleteGrant(ctx: Context, granter: string, grantee: string, msgType: string): Promise<void> {
    const gr = addressFromString(granter);
    const ge = addressFromString(grantee);
    const key = grantStoreKey(gr, ge, msgType);
    const store = ctx.kvStore(StoreKey);
    const b = await store.get(key);
    if (!b)
      throw ErrNoAuthorizationFound.wrap(
        `failed to delete grant with granter ${granter}, grantee ${grantee} and msg type ${msgType}`,
      );
    const grant = Grant.decode(b);
    if (grant.expiration) await this.removeFromGrantQueue(ctx, gr, ge, msgType, timestampToNs(grant.expiration));
    if (msgType === MsgRequestInferenceTypeUrl) await forfeitGrantedRequests(ctx, gr, ge);
    store.delete(key);
    ctx.eventManager.emit(ev.revoke(msgType, granter, grantee));
  }

  /** Replaces the authorization of an existing grant, its expiration unchanged (no event, as the SDK). */
  async updateAuthorization(ctx: Context, granter: string, grantee: string, authorization: Authorization) {
    const msgType = authorization.kind.msgTypeUrl(authorization.value);
    const key = grantStoreKey(addressFromString(granter), addressFromString(grantee), msgType);
    const store = ctx.kvStore(StoreKey);
    const b = await store.get(key);
    if (!b) throw ErrNoAuthorizationFound.wrap(`no grant of ${msgType} from ${granter} to ${grantee} to update`);
    const grant = Grant.decode(b);
    store.set(key, Grant.encode({ ...grant, authorization: packAuthorization(authorization) }).finish());
  }

  /** Every grant in store order (granter, grantee, message type). */
  async iterateGrants(
    ctx: Context,
    fn: (granter: string, grantee: string, grant: Grant) => void | Promise<void>,
  ): Promise<void> {
    for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), GrantPrefix)) {
      const { granter, grantee } = parseGrantKey(k);
      await fn(addressToString(granter), addressToString(grantee), Grant.decode(v));
    }
  }

  // ---- expiration queue ----

  private async queueItem(ctx: Context, key: Uint8Array): Promise<GrantQueueItem | undefined> {
    const b = await ctx.kvStore(StoreKey).get(key);
    return b ? GrantQueueItem.decode(b) : undefined;
  }

  private async insertIntoGrantQueue(ctx: Context, gr: Uint8Array, ge: Uint8Array, msgType: string, expNs: bigint) {
    const key = grantQueueKey(expNs, gr, ge);
    const item = (await this.queueItem(ctx, key)) ?? { msgTypeUrls: [] };
    item.msgTypeUrls.push(msgType);
    ctx.kvStore(StoreKey).set(key, GrantQueueItem.encode(item).finish());
  }

  private async removeFromGrantQueue(ctx: Context, gr: Uint8Array, ge: Uint8Array, msgType: string, expNs: bigint) {
    const key = grantQueueKey(expNs, gr, ge);
    const item = await this.queueItem(ctx, key);
    if (!item) throw ErrNoGrantKeyFound.wrap("can't remove grant from the expire queue, grant key not found");
    const urls = item.msgTypeUrls;
    for (let i = 0; i < urls.length; i++) {
      ctx.gasMeter.consume(GasPerQueueIteration, "grant queue");
      if (urls[i] === msgType) {
        // swap with the last and drop it (the SDK's order)
        urls[i] = urls[urls.length - 1];
        urls.pop();
        ctx.kvStore(StoreKey).set(key, GrantQueueItem.encode({ msgTypeUrls: urls }).finish());
        break;
      }
    }
  }

  /** DequeueAndDeleteExpiredGrants: grants that expired before this block's time are deleted (no events). */
  async dequeueAndDeleteExpiredGrants(ctx: Context): Promise<void> {
    const store = ctx.kvStore(StoreKey);
    // exclusive end = the time prefix of now + 0x00: a grant expiring exactly now is still valid
    const end = concat(grantQueueTimePrefix(msToNs(ctx.timeMs)), [0]);
    const due: [Uint8Array, GrantQueueItem][] = [];
    for await (const [k, v] of store.iterate({ start: GrantQueuePrefix, end }))
      due.push([Uint8Array.from(k), GrantQueueItem.decode(v)]);
    for (const [key, item] of due) {
      const { granter, grantee } = parseGrantQueueKey(key.subarray(GrantQueuePrefix.length));
      store.delete(key);
      for (const url of item.msgTypeUrls) {
        store.delete(grantStoreKey(granter, grantee, url));
        if (url === MsgRequestInferenceTypeUrl) await forfeitGrantedRequests(ctx, granter, grantee);
      }
    }
  }

  // ---- MsgExec ----

  /**
   * DispatchActions: each message's single signer is its granter; unless that is the grantee itself,
   * the grantee's authorization for the message type must accept it (and is updated or deleted as it
   * says). Accepted messages run through the router as if the granter had sent them; their events
   * carry authz_msg_index. Returns each message's response bytes.
   */
  async dispatchActions(ctx: Context, grantee: string, msgs: readonly ExecMsg[]): Promise<Uint8Array[]> {
    const results: Uint8Array[] = [];
    for (let i = 0; i < msgs.length; i++) {
      const { typeUrl, msg } = msgs[i];
      const reg = this.deps.router.msg(typeUrl);
      if (!reg) throw ErrTxDecode.wrap(`unable to resolve type URL ${typeUrl}`);
      const signers = reg.type.signers(msg);
      if (signers.length !== 1) throw ErrAuthorizationNumOfSigners.wrap(`msg ${i} has ${signers.length} signers`);
      const granter = signers[0];
      let paidFee: { fee: { denom: string; amount: bigint }; periodReset?: Timestamp } | undefined;
      if (granter !== grantee) {
        const grant = await this.getGrant(ctx, granter, grantee, typeUrl);
        if (!grant)
          throw ErrNoAuthorizationFound.wrap(
            `failed to get grant with given granter: ${granter}, grantee: ${grantee} & msgType: ${typeUrl}`,
          );
        if (grant.expiration && timestampToNs(grant.expiration) < msToNs(ctx.timeMs))
          throw ErrAuthorizationExpired.wrap(`grant of ${typeUrl} from ${granter} to ${grantee} expired`);
        const auth = unpackAuthorization(grant.authorization);
        const resp = await auth.kind.accept(ctx, auth.value, msg, { inferenceKeeper: this.deps.inferenceKeeper });
        if (resp.delete) await this.deleteGrant(ctx, granter, grantee, typeUrl);
        else if (resp.updated !== undefined)
          await this.updateAuthorization(ctx, granter, grantee, { kind: auth.kind, value: resp.updated });
        if (!resp.accept) throw ErrUnauthorized.wrap(`authorization of ${typeUrl} refused msg ${i}`);
        const spent = resp.spent?.[0];
        if (typeUrl === MsgRequestInferenceTypeUrl && !resp.delete && spent && spent.amount > 0n)
          paidFee = { fee: spent, periodReset: (resp.updated as { periodReset?: Timestamp }).periodReset };
      }
      const inner = ctx.with({});
      let response: { typeUrl: string; value: Uint8Array };
      try {
        response = await reg.handler(inner, msg);
      } catch (e) {
        if (e instanceof CodedError)
          throw new CodedError(e.registered, `failed to execute message; message ${i}: ${e.message}`);
        throw e;
      }
      if (paidFee) {
        const { requestId } = MsgRequestInferenceResponse.decode(response.value);
        await recordGrantedRequest(ctx, { granter, grantee, requestId, ...paidFee });
      }
      ctx.eventManager.emitMany(withAttribute(inner.eventManager.events(), "authz_msg_index", String(i)));
      results.push(response.value);
    }
    return results;
  }
}
