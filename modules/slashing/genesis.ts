// x/slashing genesis (SDK x/slashing/keeper/genesis.go, types/genesis.go) in the SDK's JSON shape:
// { params, signing_infos: [{address, validator_signing_info}], missed_blocks: [{address, missed_blocks: [{index, missed}]}] }.
// Runs after staking's genesis. The address -> pubkey relations are restored here for every staking
// validator (SDK x/slashing InitGenesis): an exported genesis imports validators without staking's
// afterValidatorCreated hook, and without the relation double-sign evidence against them is ignored.
import type { ValidatorSigningInfo } from "cosmjs-types/cosmos/slashing/v1beta1/slashing";
import type { Context } from "../../chain/baseapp/context.ts";
import { nsToTimestamp, timeFromJson, timestampToNs, timeToJson } from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import type { SlashingKeeper } from "./keeper.ts";
import { consAddressFromString, consAddressToString } from "./keys.ts";
import { defaultParams, type ParamsJson, paramsFromJson, paramsToJson, validateParams } from "./params.ts";

export interface SigningInfoJson {
  address: string;
  start_height: string;
  index_offset: string;
  jailed_until: string;
  tombstoned: boolean;
  missed_blocks_counter: string;
}

export interface GenesisJson {
  params: ParamsJson;
  signing_infos: { address: string; validator_signing_info: SigningInfoJson }[];
  missed_blocks: { address: string; missed_blocks: { index: string; missed: boolean }[] }[];
}

export function defaultGenesis(): GenesisJson {
  return { params: paramsToJson(defaultParams()), signing_infos: [], missed_blocks: [] };
}

export function signingInfoToJson(i: ValidatorSigningInfo): SigningInfoJson {
  return {
    address: i.address,
    start_height: i.startHeight.toString(),
    index_offset: i.indexOffset.toString(),
    jailed_until: timeToJson(timestampToNs(i.jailedUntil)),
    tombstoned: i.tombstoned,
    missed_blocks_counter: i.missedBlocksCounter.toString(),
  };
}

function int64(v: unknown, what: string): bigint {
  const s = String(v ?? "0");
  if (!/^-?\d+$/.test(s)) throw ErrInvalidRequest.wrap(`invalid ${what} "${s}"`);
  const n = BigInt(s);
  if (n < 0n) throw ErrInvalidRequest.wrap(`${what} cannot be negative: ${s}`);
  return n;
}

export function signingInfoFromJson(j: Partial<SigningInfoJson>): ValidatorSigningInfo {
  return {
    address: String(j.address ?? ""),
    startHeight: int64(j.start_height, "start_height"),
    indexOffset: int64(j.index_offset, "index_offset"),
    jailedUntil: nsToTimestamp(timeFromJson(String(j.jailed_until ?? "1970-01-01T00:00:00Z"))),
    tombstoned: Boolean(j.tombstoned),
    missedBlocksCounter: int64(j.missed_blocks_counter, "missed_blocks_counter"),
  };
}

interface ParsedGenesis {
  params: ReturnType<typeof paramsFromJson>;
  signingInfos: { consAddr: Uint8Array; info: ValidatorSigningInfo }[];
  missedBlocks: { consAddr: Uint8Array; blocks: { index: bigint; missed: boolean }[] }[];
}

function parseGenesis(json: unknown): ParsedGenesis {
  const j = (json ?? {}) as Partial<GenesisJson>;
  const params = paramsFromJson(j.params);
  const signingInfos = (j.signing_infos ?? []).map((s) => {
    const consAddr = consAddressFromString(String(s.address));
    const info = signingInfoFromJson(s.validator_signing_info ?? {});
    return { consAddr, info };
  });
  const missedBlocks = (j.missed_blocks ?? []).map((m) => ({
    consAddr: consAddressFromString(String(m.address)),
    blocks: (m.missed_blocks ?? []).map((b) => ({
      index: int64(b.index, "missed block index"),
      missed: Boolean(b.missed),
    })),
  }));
  return { params, signingInfos, missedBlocks };
}

/**
 * ValidateGenesis: valid params (Params.Validate: positive window and jail duration, fractions in
 * [0, 1]), valcons addresses, non-negative heights/offsets/counters, no duplicate addresses.
 * DGrid does not require the SDK's genesis-only minimums (window >= 10, jail >= 1 minute), so that
 * localnets and tests may use short windows.
 */
export function validateGenesis(json: unknown): void {
  const g = parseGenesis(json);
  validateParams(g.params);
  const seen = new Set<string>();
  for (const s of g.signingInfos) {
    const a = consAddressToString(s.consAddr);
    if (seen.has(a)) throw ErrInvalidRequest.wrap(`duplicate signing info for ${a}`);
    seen.add(a);
  }
  const seenMissed = new Set<string>();
  for (const m of g.missedBlocks) {
    const a = consAddressToString(m.consAddr);
    if (seenMissed.has(a)) throw ErrInvalidRequest.wrap(`duplicate missed blocks for ${a}`);
    seenMissed.add(a);
  }
}

export async function initGenesis(ctx: Context, keeper: SlashingKeeper, json: unknown): Promise<void> {
  validateGenesis(json);
  const g = parseGenesis(json);
  keeper.setParams(ctx, g.params);
  for (const v of await keeper.sk.getAllValidators(ctx))
    if (v.consensusPubkey) keeper.addPubkey(ctx, v.consensusPubkey);
  for (const s of g.signingInfos) keeper.setSigningInfo(ctx, s.consAddr, s.info);
  for (const m of g.missedBlocks) {
    for (const b of m.blocks) await keeper.setMissedBlockBitmapValue(ctx, m.consAddr, b.index, b.missed);
  }
}

export async function exportGenesis(ctx: Context, keeper: SlashingKeeper): Promise<GenesisJson> {
  const out: GenesisJson = { params: paramsToJson(await keeper.getParams(ctx)), signing_infos: [], missed_blocks: [] };
  await keeper.iterateSigningInfos(ctx, async (consAddr, info) => {
    const address = consAddressToString(consAddr);
    out.signing_infos.push({ address, validator_signing_info: signingInfoToJson(info) });
    const missed = await keeper.getValidatorMissedBlocks(ctx, consAddr);
    out.missed_blocks.push({
      address,
      missed_blocks: missed.map((b) => ({ index: b.index.toString(), missed: b.missed })),
    });
    return undefined;
  });
  return out;
}
