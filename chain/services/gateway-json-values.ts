// Leaf values as the Cosmos SDK REST gateway writes them: github.com/cosmos/gogoproto/jsonpb's
// Marshaler (the SDK's grpc-gateway marshaler) over gogoproto Go structs. Timestamps and durations
// follow jsonpb's well-known-type branches; math.Int / math.LegacyDec customtypes follow their Go
// MarshalJSON; floats and bytes follow Go's encoding/json, which jsonpb defers to for them.
import { base64Encode } from "@bufbuild/protobuf/wire";
import { decFromProtoString, formatDec } from "../baseapp/dec.ts";

/** A message the SDK's gateway would refuse to marshal (it answers an error, never partial JSON). */
export class GatewayJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayJsonError";
  }
}

const NANOS_PER_SECOND = 1_000_000_000;
// jsonpb's Duration range check (±10,000 years).
const MAX_DURATION_SECONDS = 315_576_000_000n;
// gogoproto types.TimestampProto/TimestampFromProto: 0001-01-01T00:00:00Z <= t < 10000-01-01T00:00:00Z.
const MIN_STD_SECONDS = -62_135_596_800n;
const MAX_STD_SECONDS = 253_402_300_800n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const MAX_DATE_MS = 8.64e15;

/** Go's zero time.Time, what a non-nullable stdtime field holds when the wire lacks it. */
export const GO_ZERO_TIME_SECONDS = MIN_STD_SECONDS;

/** jsonpb's fraction rule: 9 digits, then drop "000" twice and a bare ".000" (0, 3, 6 or 9 digits). */
function trimFraction(text: string): string {
  let x = text;
  if (x.endsWith("000")) x = x.slice(0, -3);
  if (x.endsWith("000")) x = x.slice(0, -3);
  if (x.endsWith(".000")) x = x.slice(0, -4);
  return x;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * RFC 3339 in UTC, "Z"-suffixed, with 0/3/6/9 fractional digits (jsonpb's Timestamp branch). `std`:
 * the field is a gogoproto stdtime time.Time, whose conversions reject years outside 1..9999.
 */
export function formatTimestamp(seconds: bigint, nanos: number, std: boolean): string {
  if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
    throw new GatewayJsonError(`timestamp: nanos ${nanos} out of range [0, ${NANOS_PER_SECOND})`);
  }
  if (std && (seconds < MIN_STD_SECONDS || seconds >= MAX_STD_SECONDS)) {
    throw new GatewayJsonError(`timestamp: seconds ${seconds} out of the range of time.Time years 1..9999`);
  }
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    throw new GatewayJsonError(`timestamp: seconds ${seconds} out of range`);
  }
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  // Go's "2006" layout pads to 4 digits and keeps the sign of negative years.
  const y = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  const x =
    `${y}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(nanos, 9)}`;
  return `${trimFraction(x)}Z`;
}

/**
 * "1.500s" (jsonpb's Duration branch). `std`: the field is a gogoproto stdduration time.Duration,
 * an int64 count of nanoseconds, so a longer duration fails its conversion.
 */
export function formatDuration(seconds: bigint, nanos: number, std: boolean): string {
  if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
    throw new GatewayJsonError(`duration: seconds ${seconds} out of range`);
  }
  if (nanos <= -NANOS_PER_SECOND || nanos >= NANOS_PER_SECOND) {
    throw new GatewayJsonError(`duration: nanos ${nanos} out of range`);
  }
  if ((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) {
    throw new GatewayJsonError("duration: signs of seconds and nanos do not match");
  }
  if (std) {
    const total = seconds * BigInt(NANOS_PER_SECOND) + BigInt(nanos);
    if (total > INT64_MAX || total < INT64_MIN) {
      throw new GatewayJsonError(`duration: ${seconds}s is out of range for time.Duration`);
    }
  }
  // "%d.%09d", with the minus sign written by hand when only the nanos are negative.
  const sign = seconds === 0n && nanos < 0 ? "-" : "";
  return `${trimFraction(`${sign}${seconds}.${pad(Math.abs(nanos), 9)}`)}s`;
}

/** Go encoding/json for float64/float32 (shortest text at the field's precision), NaN/±Inf as jsonpb names them. */
export function formatFloat(value: number, float32: boolean): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (!float32) return value;
  // A float32 widened to float64 (0.10000000149011612) prints as Go prints the float32 (0.1).
  for (let p = 1; p < 17; p++) {
    const candidate = Number(value.toPrecision(p));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** []byte through encoding/json: nil (absent or empty on the wire) is null, else standard base64. */
export function formatBytes(value: Uint8Array): string | null {
  return value.length === 0 ? null : base64Encode(value, "std");
}

/** The customtypes whose JSON differs from the wire text; other customtypes are written as declared. */
export type CustomType = "int" | "dec";

const CUSTOM_TYPES: Record<string, CustomType> = {
  "cosmossdk.io/math.Int": "int",
  "cosmossdk.io/math.LegacyDec": "dec",
  // the names before cosmossdk.io/math (SDK <= v0.46), still seen in chains' protos
  "github.com/cosmos/cosmos-sdk/types.Int": "int",
  "github.com/cosmos/cosmos-sdk/types.Dec": "dec",
};

const utf8 = new TextDecoder();

export function customTypeOf(goType: string): CustomType | undefined {
  return CUSTOM_TYPES[goType];
}

/**
 * A customtype value from its wire text (string, or bytes holding the text). Empty means the wire
 * lacked it: a nullable (pointer) field is null, a value field is the type's zero. math.Int's JSON is
 * its decimal integer; math.LegacyDec travels as its atoms ("500000000000000000") and its JSON is
 * the 18-decimal text ("0.500000000000000000").
 */
export function formatCustom(type: CustomType, wire: string | Uint8Array, nullable: boolean): string | null {
  const text = typeof wire === "string" ? wire : utf8.decode(wire);
  if (text === "" && nullable) return null;
  if (type === "int") {
    if (text === "") return "0";
    if (!/^[+-]?\d+$/.test(text)) throw new GatewayJsonError(`math.Int: invalid value "${text}"`);
    return BigInt(text).toString();
  }
  try {
    return formatDec(decFromProtoString(text));
  } catch {
    throw new GatewayJsonError(`math.LegacyDec: invalid value "${text}"`);
  }
}
