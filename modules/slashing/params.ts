// x/slashing parameters (cosmos.slashing.v1beta1.Params). In protobuf the decimals are LegacyDec
// atoms as text bytes ("500000000000000000"); in JSON they are "0.500000000000000000" and the
// duration is "600s" (protojson).
import { Params } from "cosmjs-types/cosmos/slashing/v1beta1/slashing";
import {
  DEC_ONE,
  type Dec,
  decFromInt,
  decFromProtoString,
  decMul,
  decRoundInt,
  formatDec,
  parseDec,
} from "../../chain/baseapp/dec.ts";
import { durationFromJson, durationToJson } from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";

export interface SlashingParams {
  signedBlocksWindow: bigint;
  minSignedPerWindow: Dec;
  /** nanoseconds */
  downtimeJailDurationNs: bigint;
  slashFractionDoubleSign: Dec;
  slashFractionDowntime: Dec;
}

export const DefaultSignedBlocksWindow = 100n;
export const DefaultMinSignedPerWindow: Dec = DEC_ONE / 2n;
export const DefaultDowntimeJailDurationNs = 600n * 1_000_000_000n;
export const DefaultSlashFractionDoubleSign: Dec = DEC_ONE / 20n;
export const DefaultSlashFractionDowntime: Dec = DEC_ONE / 100n;

export function defaultParams(): SlashingParams {
  return {
    signedBlocksWindow: DefaultSignedBlocksWindow,
    minSignedPerWindow: DefaultMinSignedPerWindow,
    downtimeJailDurationNs: DefaultDowntimeJailDurationNs,
    slashFractionDoubleSign: DefaultSlashFractionDoubleSign,
    slashFractionDowntime: DefaultSlashFractionDowntime,
  };
}

function fraction(name: string, v: Dec): void {
  if (v < 0n) throw ErrInvalidRequest.wrap(`${name} cannot be negative: ${formatDec(v)}`);
  if (v > DEC_ONE) throw ErrInvalidRequest.wrap(`${name} too large: ${formatDec(v)}`);
}

/** Params.Validate (SDK x/slashing/types/params.go). */
export function validateParams(p: SlashingParams): void {
  if (p.signedBlocksWindow <= 0n)
    throw ErrInvalidRequest.wrap(`signed blocks window must be positive: ${p.signedBlocksWindow}`);
  if (p.signedBlocksWindow > 9_223_372_036_854_775_807n)
    throw ErrInvalidRequest.wrap(`signed blocks window too large: ${p.signedBlocksWindow}`);
  fraction("min signed per window", p.minSignedPerWindow);
  if (p.downtimeJailDurationNs <= 0n)
    throw ErrInvalidRequest.wrap(`downtime jail duration must be positive: ${p.downtimeJailDurationNs}ns`);
  fraction("double sign slash fraction", p.slashFractionDoubleSign);
  fraction("downtime slash fraction", p.slashFractionDowntime);
}

/** MinSignedPerWindowInt: round(min_signed_per_window * window), half to even as LegacyDec. */
export function minSignedPerWindowInt(p: SlashingParams): bigint {
  return decRoundInt(decMul(p.minSignedPerWindow, decFromInt(p.signedBlocksWindow)));
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function decBytes(d: Dec): Uint8Array {
  return enc.encode(d.toString());
}

function bytesDec(b: Uint8Array | undefined): Dec {
  return decFromProtoString(dec.decode(b ?? new Uint8Array()));
}

export function paramsToProto(p: SlashingParams): Params {
  return {
    signedBlocksWindow: p.signedBlocksWindow,
    minSignedPerWindow: decBytes(p.minSignedPerWindow),
    downtimeJailDuration: {
      seconds: p.downtimeJailDurationNs / 1_000_000_000n,
      nanos: Number(p.downtimeJailDurationNs % 1_000_000_000n),
    },
    slashFractionDoubleSign: decBytes(p.slashFractionDoubleSign),
    slashFractionDowntime: decBytes(p.slashFractionDowntime),
  };
}

export function paramsFromProto(p: Params): SlashingParams {
  const d = p.downtimeJailDuration;
  return {
    signedBlocksWindow: p.signedBlocksWindow,
    minSignedPerWindow: bytesDec(p.minSignedPerWindow),
    downtimeJailDurationNs: d ? d.seconds * 1_000_000_000n + BigInt(d.nanos) : 0n,
    slashFractionDoubleSign: bytesDec(p.slashFractionDoubleSign),
    slashFractionDowntime: bytesDec(p.slashFractionDowntime),
  };
}

export function encodeParams(p: SlashingParams): Uint8Array {
  return Params.encode(paramsToProto(p)).finish();
}

export function decodeParams(b: Uint8Array): SlashingParams {
  return paramsFromProto(Params.decode(b));
}

export interface ParamsJson {
  signed_blocks_window: string;
  min_signed_per_window: string;
  downtime_jail_duration: string;
  slash_fraction_double_sign: string;
  slash_fraction_downtime: string;
}

export function paramsToJson(p: SlashingParams): ParamsJson {
  return {
    signed_blocks_window: p.signedBlocksWindow.toString(),
    min_signed_per_window: formatDec(p.minSignedPerWindow),
    downtime_jail_duration: durationToJson(p.downtimeJailDurationNs),
    slash_fraction_double_sign: formatDec(p.slashFractionDoubleSign),
    slash_fraction_downtime: formatDec(p.slashFractionDowntime),
  };
}

function intField(v: unknown, name: string): bigint {
  const s = String(v);
  if (!/^-?\d+$/.test(s)) throw ErrInvalidRequest.wrap(`invalid ${name} "${s}"`);
  return BigInt(s);
}

/** JSON params; missing fields take the defaults. */
export function paramsFromJson(j: Partial<ParamsJson> | undefined): SlashingParams {
  const d = defaultParams();
  if (!j) return d;
  return {
    signedBlocksWindow:
      j.signed_blocks_window === undefined
        ? d.signedBlocksWindow
        : intField(j.signed_blocks_window, "signed_blocks_window"),
    minSignedPerWindow:
      j.min_signed_per_window === undefined ? d.minSignedPerWindow : parseDec(String(j.min_signed_per_window)),
    downtimeJailDurationNs:
      j.downtime_jail_duration === undefined
        ? d.downtimeJailDurationNs
        : durationFromJson(String(j.downtime_jail_duration)),
    slashFractionDoubleSign:
      j.slash_fraction_double_sign === undefined
        ? d.slashFractionDoubleSign
        : parseDec(String(j.slash_fraction_double_sign)),
    slashFractionDowntime:
      j.slash_fraction_downtime === undefined ? d.slashFractionDowntime : parseDec(String(j.slash_fraction_downtime)),
  };
}
