// Cosmos SDK LegacyDec: a signed fixed-point decimal with 18 digits after the point, held as a bigint
// of atoms (1.0 = 10^18). Used for shares, rates and fractions in consensus arithmetic (never floats).
// Text form "0.500000000000000000" (JSON, amino); in protobuf binary the SDK writes the atoms as a
// decimal integer string without a point ("500000000000000000").
import { ErrInvalidRequest } from "../errors/errors.ts";

export type Dec = bigint;

export const DEC_PRECISION = 18;
export const DEC_ONE: Dec = 10n ** 18n;

/** "1.5", "0.05", "-2", "3." style text to a Dec; throws ErrInvalidRequest on anything else. */
export function parseDec(text: string): Dec {
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw ErrInvalidRequest.wrap(`invalid decimal "${text}"`);
  const frac = m[3] ?? "";
  if (frac.length > DEC_PRECISION) throw ErrInvalidRequest.wrap(`decimal "${text}" has more than 18 fractional digits`);
  const atoms = BigInt(m[2]) * DEC_ONE + BigInt(frac.padEnd(DEC_PRECISION, "0") || "0");
  return m[1] ? -atoms : atoms;
}

/** Dec to the SDK's text form with all 18 fractional digits ("0.500000000000000000"). */
export function formatDec(d: Dec): string {
  const neg = d < 0n;
  const a = neg ? -d : d;
  const int = a / DEC_ONE;
  const frac = (a % DEC_ONE).toString().padStart(DEC_PRECISION, "0");
  return `${neg ? "-" : ""}${int}.${frac}`;
}

/** The protobuf-binary form: atoms as an integer string. */
export function decToProtoString(d: Dec): string {
  return d.toString();
}

/** Reads the protobuf-binary form (atoms); also accepts the text form with a point. */
export function decFromProtoString(s: string): Dec {
  if (s === "") return 0n;
  if (s.includes(".")) return parseDec(s);
  if (!/^-?\d+$/.test(s)) throw ErrInvalidRequest.wrap(`invalid decimal atoms "${s}"`);
  return BigInt(s);
}

export function decFromInt(i: bigint): Dec {
  return i * DEC_ONE;
}

/** a*b, truncated toward zero (SDK MulTruncate). */
export function decMulTruncate(a: Dec, b: Dec): Dec {
  return (a * b) / DEC_ONE;
}

/** a*b, rounded half to even (SDK LegacyDec.Mul). */
export function decMul(a: Dec, b: Dec): Dec {
  return chopRound(a * b);
}

/** a/b, truncated (SDK QuoTruncate). Throws on division by zero. */
export function decQuoTruncate(a: Dec, b: Dec): Dec {
  if (b === 0n) throw ErrInvalidRequest.wrap("decimal division by zero");
  return (a * DEC_ONE) / b;
}

/** a/b, rounded half to even (SDK LegacyDec.Quo: truncated a*10^36/b, then chopped). */
export function decQuo(a: Dec, b: Dec): Dec {
  if (b === 0n) throw ErrInvalidRequest.wrap("decimal division by zero");
  return chopRound((a * DEC_ONE * DEC_ONE) / b);
}

/** Dec times an integer amount, truncated to an integer (SDK MulInt(..).TruncateInt()). */
export function decMulIntTruncate(d: Dec, i: bigint): bigint {
  return (d * i) / DEC_ONE;
}

/** Integer part, truncated toward zero (SDK TruncateInt). */
export function decTruncateInt(d: Dec): bigint {
  return d / DEC_ONE;
}

/** Integer part, rounded half to even (SDK RoundInt). */
export function decRoundInt(d: Dec): bigint {
  return chopRound(d);
}

// n / 10^18 with banker's rounding (half to even), as LegacyDec's chopPrecisionAndRound; the sign
// is handled on the magnitude, as the SDK does.
function chopRound(n: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / DEC_ONE;
  const r2 = (a % DEC_ONE) * 2n;
  if (r2 > DEC_ONE || (r2 === DEC_ONE && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}
