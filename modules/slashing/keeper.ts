// SlashingKeeper (SDK v0.50 x/slashing/keeper + x/evidence's equivocation handler): signing info per
// consensus address, the missed-block bitmap over the signed-blocks window, the consensus address
// -> pubkey relation, downtime jailing (BeginBlock over the last commit), double-sign slashing and
// tombstoning (BeginBlock over the block's misbehavior), unjail, and the staking hooks.

import type { ValidatorSigningInfo } from "cosmjs-types/cosmos/slashing/v1beta1/slashing";
import { ValidatorSigningInfo as SigningInfoProto } from "cosmjs-types/cosmos/slashing/v1beta1/slashing";
import { BondStatus, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { Any } from "cosmjs-types/google/protobuf/any";
import { type Misbehavior, MisbehaviorType } from "cosmjs-types/tendermint/abci/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Context } from "../../chain/baseapp/context.ts";
import { decFromProtoString, decQuo, decTruncateInt, formatDec } from "../../chain/baseapp/dec.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import {
  DoubleSignJailEndTimeNs,
  msToNs,
  nsToTimestamp,
  timestampToNs,
  timeToJson,
  UnixEpochNs,
} from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import { BitmapChunk } from "./bitmap.ts";
import {
  ErrMissingSelfDelegation,
  ErrNoSigningInfoFound,
  ErrNoValidatorForAddress,
  ErrSelfDelegationTooLowToUnjail,
  ErrValidatorJailed,
  ErrValidatorNotJailed,
  ErrValidatorTombstoned,
} from "./errors.ts";
import * as ev from "./events.ts";
import type { SlashingStakingHooks, StakingKeeperI, ValAddressLike } from "./expected-keepers.ts";
import {
  addrPubkeyRelationKey,
  chunkIndexFromKey,
  consAddressFromPubkeyAny,
  consAddressToString,
  MissedBlockBitmapChunkSize,
  missedBlockBitmapKey,
  missedBlockBitmapPrefixKey,
  ParamsKey,
  StoreKey,
  signingInfoAddressFromKey,
  ValidatorSigningInfoKeyPrefix,
  ValidatorUpdateDelay,
  validatorSigningInfoKey,
} from "./keys.ts";
import {
  decodeParams,
  defaultParams,
  encodeParams,
  minSignedPerWindowInt,
  type SlashingParams,
  validateParams,
} from "./params.ts";

export interface SlashingKeeperOptions {
  /**
   * Evidence older than BOTH of these is ignored (SDK: ctx.ConsensusParams().Evidence). The app does
   * not hand consensus params to modules, so they are keeper options; set them to the genesis
   * consensus_params.evidence values (defaults: CometBFT's 100000 blocks and 48h).
   */
  evidenceMaxAgeNumBlocks?: bigint;
  /** nanoseconds */
  evidenceMaxAgeDurationNs?: bigint;
}

export interface SlashingKeeperDeps {
  stakingKeeper: StakingKeeperI;
}

export interface MissedBlock {
  index: bigint;
  missed: boolean;
}

const CHUNK = MissedBlockBitmapChunkSize;

/** A fresh signing info (types.NewValidatorSigningInfo). */
export function newSigningInfo(consAddr: Uint8Array, startHeight: bigint): ValidatorSigningInfo {
  return {
    address: consAddressToString(consAddr),
    startHeight,
    indexOffset: 0n,
    jailedUntil: nsToTimestamp(UnixEpochNs),
    tombstoned: false,
    missedBlocksCounter: 0n,
  };
}

/** Operator address bytes from a bech32 valoper string or raw bytes. */
function valAddrBytes(v: ValAddressLike): Uint8Array {
  return typeof v === "string" ? addressFromString(v, Bech32PrefixValAddr) : v;
}

function valAddrString(v: ValAddressLike): string {
  return typeof v === "string" ? v : addressToString(v, Bech32PrefixValAddr);
}

/** validator.TokensFromShares(shares).TruncateInt() */
function tokensFromShares(v: Validator, sharesText: string): bigint {
  const delShares = decFromProtoString(v.delegatorShares);
  if (delShares === 0n) return 0n;
  const shares = decFromProtoString(sharesText);
  const tokens = BigInt(v.tokens || "0");
  return decTruncateInt(decQuo(shares * tokens, delShares));
}

export class SlashingKeeper {
  readonly storeKey = StoreKey;
  private readonly maxAgeNumBlocks: bigint;
  private readonly maxAgeDurationNs: bigint;

  constructor(
    options: SlashingKeeperOptions,
    private readonly deps: SlashingKeeperDeps,
  ) {
    this.maxAgeNumBlocks = options.evidenceMaxAgeNumBlocks ?? 100_000n;
    this.maxAgeDurationNs = options.evidenceMaxAgeDurationNs ?? 48n * 3600n * 1_000_000_000n;
  }

  get sk(): StakingKeeperI {
    return this.deps.stakingKeeper;
  }

  // ---- params ----

  async getParams(ctx: Context): Promise<SlashingParams> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? decodeParams(b) : defaultParams();
  }

  setParams(ctx: Context, p: SlashingParams): void {
    validateParams(p);
    ctx.kvStore(StoreKey).set(ParamsKey, encodeParams(p));
  }

  // ---- signing info ----

  async getSigningInfo(ctx: Context, consAddr: Uint8Array): Promise<ValidatorSigningInfo | undefined> {
    const b = await ctx.kvStore(StoreKey).get(validatorSigningInfoKey(consAddr));
    return b ? SigningInfoProto.decode(b) : undefined;
  }

  async hasSigningInfo(ctx: Context, consAddr: Uint8Array): Promise<boolean> {
    return ctx.kvStore(StoreKey).has(validatorSigningInfoKey(consAddr));
  }

  setSigningInfo(ctx: Context, consAddr: Uint8Array, info: ValidatorSigningInfo): void {
    ctx.kvStore(StoreKey).set(validatorSigningInfoKey(consAddr), SigningInfoProto.encode(info).finish());
  }

  /** Every signing info in key order (consensus address bytes). */
  async iterateSigningInfos(
    ctx: Context,
    fn: (consAddr: Uint8Array, info: ValidatorSigningInfo) => Promise<boolean | undefined> | boolean | undefined,
  ): Promise<void> {
    for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), ValidatorSigningInfoKeyPrefix)) {
      if ((await fn(Uint8Array.from(signingInfoAddressFromKey(k)), SigningInfoProto.decode(v))) === true) break;
    }
  }

  async jailUntil(ctx: Context, consAddr: Uint8Array, untilNs: bigint): Promise<void> {
    const info = await this.getSigningInfo(ctx, consAddr);
    if (!info)
      throw ErrNoSigningInfoFound.wrap(
        `cannot jail validator with consensus address ${consAddressToString(consAddr)} that does not have any signing information`,
      );
    info.jailedUntil = nsToTimestamp(untilNs);
    this.setSigningInfo(ctx, consAddr, info);
  }

  async tombstone(ctx: Context, consAddr: Uint8Array): Promise<void> {
    const info = await this.getSigningInfo(ctx, consAddr);
    if (!info)
      throw ErrNoSigningInfoFound.wrap(
        `cannot tombstone validator with consensus address ${consAddressToString(consAddr)} that does not have any signing information`,
      );
    if (info.tombstoned) throw ErrValidatorTombstoned.wrap("cannot tombstone validator that is already tombstoned");
    info.tombstoned = true;
    this.setSigningInfo(ctx, consAddr, info);
  }

  async isTombstoned(ctx: Context, consAddr: Uint8Array): Promise<boolean> {
    return (await this.getSigningInfo(ctx, consAddr))?.tombstoned ?? false;
  }

  // ---- missed-block bitmap ----

  private async chunk(ctx: Context, consAddr: Uint8Array, chunkIndex: bigint): Promise<BitmapChunk> {
    const b = await ctx.kvStore(StoreKey).get(missedBlockBitmapKey(consAddr, chunkIndex));
    return b ? BitmapChunk.decode(b) : BitmapChunk.empty();
  }

  /** true if the validator missed the block at this window index (0 <= index < window). */
  async getMissedBlockBitmapValue(ctx: Context, consAddr: Uint8Array, index: bigint): Promise<boolean> {
    const c = await this.chunk(ctx, consAddr, index / CHUNK);
    return c.test(Number(index % CHUNK));
  }

  async setMissedBlockBitmapValue(ctx: Context, consAddr: Uint8Array, index: bigint, missed: boolean): Promise<void> {
    if (index < 0n) throw ErrInvalidRequest.wrap(`negative missed block index ${index}`);
    const chunkIndex = index / CHUNK;
    const c = await this.chunk(ctx, consAddr, chunkIndex);
    c.set(Number(index % CHUNK), missed);
    // a chunk with no missed block is deleted rather than kept as zeros (the SDK keeps it): genesis
    // carries set bits only, so a kept empty chunk would make an exported and re-imported state
    // differ, and the store would hold a key per validator and chunk that says nothing
    const key = missedBlockBitmapKey(consAddr, chunkIndex);
    if (c.isEmpty()) ctx.kvStore(StoreKey).delete(key);
    else ctx.kvStore(StoreKey).set(key, c.encode());
  }

  async deleteMissedBlockBitmap(ctx: Context, consAddr: Uint8Array): Promise<void> {
    const store = ctx.kvStore(StoreKey);
    const prefix = missedBlockBitmapPrefixKey(consAddr);
    const keys: Uint8Array[] = [];
    for await (const [k] of iteratePrefix(store, prefix)) keys.push(Uint8Array.from(k));
    for (const k of keys) {
      const full = new Uint8Array(prefix.length + k.length);
      full.set(prefix, 0);
      full.set(k, prefix.length);
      store.delete(full);
    }
  }

  /** The missed entries of a validator's bitmap (GetValidatorMissedBlocks), by index. */
  async getValidatorMissedBlocks(ctx: Context, consAddr: Uint8Array): Promise<MissedBlock[]> {
    const out: MissedBlock[] = [];
    for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), missedBlockBitmapPrefixKey(consAddr))) {
      const base = chunkIndexFromKey(k) * CHUNK;
      const c = BitmapChunk.decode(v);
      for (let i = 0; i < Number(CHUNK); i++) if (c.test(i)) out.push({ index: base + BigInt(i), missed: true });
    }
    return out;
  }

  // ---- address -> pubkey ----

  addPubkey(ctx: Context, pubkey: Any): void {
    const addr = consAddressFromPubkeyAny(pubkey);
    ctx.kvStore(StoreKey).set(addrPubkeyRelationKey(addr), Any.encode(pubkey).finish());
  }

  async getPubkey(ctx: Context, consAddr: Uint8Array): Promise<Any | undefined> {
    const b = await ctx.kvStore(StoreKey).get(addrPubkeyRelationKey(consAddr));
    return b ? Any.decode(b) : undefined;
  }

  deletePubkey(ctx: Context, consAddr: Uint8Array): void {
    ctx.kvStore(StoreKey).delete(addrPubkeyRelationKey(consAddr));
  }

  // ---- BeginBlock ----

  /** SDK slashing BeginBlocker then evidence BeginBlocker, on this block's FinalizeBlock data. */
  async beginBlocker(ctx: Context): Promise<void> {
    const votes = ctx.block.lastCommit?.votes ?? [];
    const misbehavior = ctx.block.misbehavior ?? [];
    if (votes.length === 0 && misbehavior.length === 0) return;
    const params = await this.getParams(ctx);
    for (const vote of votes) {
      const v = vote.validator;
      if (!v) continue;
      await this.handleValidatorSignature(ctx, v.address, v.power, vote.blockIdFlag, params);
    }
    for (const m of misbehavior) {
      if (m.type === MisbehaviorType.DUPLICATE_VOTE || m.type === MisbehaviorType.LIGHT_CLIENT_ATTACK) {
        await this.handleEquivocationEvidence(ctx, m, params);
      } else {
        ctx.logger.error({ module: "x/evidence", type: m.type }, "ignored unknown evidence type");
      }
    }
  }

  /**
   * HandleValidatorSignature (keeper/infractions.go): one call per validator of the last commit.
   * Only BLOCK_ID_FLAG_ABSENT counts as missed (a nil vote is a signature).
   */
  async handleValidatorSignature(
    ctx: Context,
    consAddr: Uint8Array,
    power: bigint,
    flag: BlockIDFlag,
    params?: SlashingParams,
  ): Promise<void> {
    const p = params ?? (await this.getParams(ctx));
    const height = BigInt(ctx.height);
    const addr = consAddressToString(consAddr);
    const log = { module: "x/slashing", height: ctx.height, validator: addr };

    const validator = await this.sk.validatorByConsAddr(ctx, consAddr);
    if (!validator) {
      // the SDK errors out of BeginBlock here (IsValidatorJailed); we skip the vote deterministically
      ctx.logger.error(log, "validator in the last commit is unknown to staking; signature ignored");
      return;
    }
    // don't update missed blocks when the validator is jailed
    if (validator.jailed) return;

    const info = await this.getSigningInfo(ctx, consAddr);
    if (!info) {
      ctx.logger.error(log, "expected signing info for validator but not found; signature ignored");
      return;
    }

    const window = p.signedBlocksWindow;
    const index = info.indexOffset % window;
    info.indexOffset += 1n;

    const previous = await this.getMissedBlockBitmapValue(ctx, consAddr, index);
    const missed = flag === BlockIDFlag.BLOCK_ID_FLAG_ABSENT;
    if (!previous && missed) {
      await this.setMissedBlockBitmapValue(ctx, consAddr, index, true);
      info.missedBlocksCounter += 1n;
    } else if (previous && !missed) {
      await this.setMissedBlockBitmapValue(ctx, consAddr, index, false);
      info.missedBlocksCounter -= 1n;
    }

    const minSignedPerWindow = minSignedPerWindowInt(p);
    if (missed) {
      ctx.eventManager.emit(ev.liveness(addr, info.missedBlocksCounter, ctx.height));
      ctx.logger.debug({ ...log, missed: Number(info.missedBlocksCounter) }, "absent validator");
    }

    const minHeight = info.startHeight + window;
    const maxMissed = window - minSignedPerWindow;
    // past the minimum height and too many missed blocks: punish
    if (height > minHeight && info.missedBlocksCounter > maxMissed) {
      // the stake that signed the last commit: ValidatorUpdateDelay before it, and one more for LastCommit
      const distributionHeight = ctx.height - ValidatorUpdateDelay - 1;
      const burned = await this.sk.slash(ctx, consAddr, distributionHeight, power, p.slashFractionDowntime);
      ctx.eventManager.emit(ev.slashDowntime(addr, power, burned));
      await this.sk.jail(ctx, consAddr);
      const jailedUntilNs = msToNs(ctx.timeMs) + p.downtimeJailDurationNs;
      info.jailedUntil = nsToTimestamp(jailedUntilNs);
      // reset the counter and bitmap so the validator is not slashed again right after re-bonding
      info.missedBlocksCounter = 0n;
      info.indexOffset = 0n;
      await this.deleteMissedBlockBitmap(ctx, consAddr);
      ctx.logger.info(
        {
          ...log,
          min_height: Number(minHeight),
          threshold: Number(minSignedPerWindow),
          slashed: formatDec(p.slashFractionDowntime),
          jailed_until: timeToJson(jailedUntilNs),
        },
        "slashing and jailing validator due to liveness fault",
      );
    }
    this.setSigningInfo(ctx, consAddr, info);
  }

  /**
   * x/evidence HandleEquivocationEvidence: slash at slash_fraction_double_sign for the stake at the
   * infraction (distribution height = infraction height - ValidatorUpdateDelay), jail, jail forever,
   * tombstone. Ignored when too old, unknown/unbonded validator, no pubkey relation or signing info,
   * or already tombstoned.
   */
  async handleEquivocationEvidence(ctx: Context, m: Misbehavior, params?: SlashingParams): Promise<void> {
    const p = params ?? (await this.getParams(ctx));
    const consAddr = m.validator?.address ?? new Uint8Array();
    const power = m.validator?.power ?? 0n;
    if (consAddr.length === 0) return;
    const addr = consAddressToString(consAddr);
    const infractionHeight = m.height;
    const log = { module: "x/evidence", validator: addr, infraction_height: Number(infractionHeight) };

    const ageDurationNs = msToNs(ctx.timeMs) - timestampToNs(m.time);
    const ageBlocks = BigInt(ctx.height) - infractionHeight;
    if (ageDurationNs > this.maxAgeDurationNs && ageBlocks > this.maxAgeNumBlocks) {
      ctx.logger.info(log, "ignored equivocation; evidence too old");
      return;
    }

    const validator = await this.sk.validatorByConsAddr(ctx, consAddr);
    if (!validator || validator.status === BondStatus.BOND_STATUS_UNBONDED) {
      ctx.logger.info(log, "ignored equivocation; validator unknown or unbonded");
      return;
    }
    if (!(await this.getPubkey(ctx, consAddr))) {
      ctx.logger.info(log, "ignored equivocation; expected pubkey for validator but not found");
      return;
    }
    if (!(await this.hasSigningInfo(ctx, consAddr))) {
      // the SDK panics here; a block must never crash the app
      ctx.logger.error(log, "ignored equivocation; expected signing info for validator but not found");
      return;
    }
    if (await this.isTombstoned(ctx, consAddr)) {
      ctx.logger.info(log, "ignored equivocation; validator already tombstoned");
      return;
    }
    ctx.logger.info(log, "confirmed equivocation");

    const distributionHeight = Number(infractionHeight) - ValidatorUpdateDelay;
    const burned = await this.sk.slash(ctx, consAddr, distributionHeight, power, p.slashFractionDoubleSign);
    ctx.eventManager.emit(ev.slashWithReason(addr, power, ev.AttributeValueDoubleSign, burned));
    if (!validator.jailed) {
      await this.sk.jail(ctx, consAddr);
      ctx.eventManager.emit(ev.jailed(addr));
    }
    await this.jailUntil(ctx, consAddr, DoubleSignJailEndTimeNs);
    await this.tombstone(ctx, consAddr);
  }

  // ---- unjail ----

  /** Keeper.Unjail (keeper/unjail.go). */
  async unjail(ctx: Context, operatorBech32: string): Promise<void> {
    const valBytes = addressFromString(operatorBech32, Bech32PrefixValAddr);
    const validator = await this.sk.validator(ctx, operatorBech32);
    if (!validator) throw ErrNoValidatorForAddress.wrap(operatorBech32);

    // cannot be unjailed without a self-delegation of at least min_self_delegation
    const selfDel = await this.sk.delegation(ctx, addressToString(valBytes), operatorBech32);
    if (!selfDel) throw ErrMissingSelfDelegation.wrap(operatorBech32);
    const tokens = tokensFromShares(validator, selfDel.shares);
    const minSelfBond = BigInt(validator.minSelfDelegation || "0");
    if (tokens < minSelfBond) throw ErrSelfDelegationTooLowToUnjail.wrap(`${tokens} less than ${minSelfBond}`);

    if (!validator.jailed) throw ErrValidatorNotJailed.wrap(operatorBech32);

    const consAddr = consAddressFromPubkeyAny(validator.consensusPubkey);
    // a jailed validator without signing info was never bonded (jailed for a low self-delegation)
    const info = await this.getSigningInfo(ctx, consAddr);
    if (info) {
      if (info.tombstoned) throw ErrValidatorJailed.wrap(`validator ${operatorBech32} is tombstoned`);
      const untilNs = timestampToNs(info.jailedUntil);
      if (msToNs(ctx.timeMs) < untilNs)
        throw ErrValidatorJailed.wrap(`validator ${operatorBech32} is jailed until ${timeToJson(untilNs)}`);
    }
    await this.sk.unjail(ctx, consAddr);
  }

  // ---- staking hooks ----

  /** The hooks object to register with staking (`stakingKeeper.setHooks(slashingKeeper.hooks())`). */
  hooks(): SlashingStakingHooks {
    const noop = async () => {};
    return {
      afterValidatorBonded: async (ctx, consAddr, valAddr) => {
        const info = await this.getSigningInfo(ctx, consAddr);
        if (info) info.startHeight = BigInt(ctx.height);
        this.setSigningInfo(ctx, consAddr, info ?? newSigningInfo(consAddr, BigInt(ctx.height)));
        // DGrid: also make sure the address -> pubkey relation exists (a validator imported from an
        // exported genesis never passes through afterValidatorCreated)
        if (!(await this.getPubkey(ctx, consAddr))) {
          const v = await this.sk.validator(ctx, valAddrString(valAddr));
          if (v?.consensusPubkey) this.addPubkey(ctx, v.consensusPubkey);
        }
      },
      afterValidatorRemoved: async (ctx, consAddr) => {
        this.deletePubkey(ctx, consAddr);
      },
      afterValidatorCreated: async (ctx, valAddr) => {
        valAddrBytes(valAddr); // a malformed address is a caller bug: throw
        const v = await this.sk.validator(ctx, valAddrString(valAddr));
        if (!v) throw ErrNoValidatorForAddress.wrap(valAddrString(valAddr));
        this.addPubkey(ctx, v.consensusPubkey as Any);
      },
      afterValidatorBeginUnbonding: noop,
      beforeValidatorModified: noop,
      beforeDelegationCreated: noop,
      beforeDelegationSharesModified: noop,
      beforeDelegationRemoved: noop,
      afterDelegationModified: noop,
      beforeValidatorSlashed: noop,
    };
  }
}
