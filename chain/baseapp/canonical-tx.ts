// ADR-027 for transactions: a tx is accepted only in the one encoding its signer produced, so nobody
// who relays it can give it a second hash. CosmJS, Keplr, gogoproto and prost all write that
// encoding (fields in number order, each singular field once, shortest varints, defaults omitted).
//
// - TxRaw must be exactly TxRaw.encode(decoded): unknown fields, repeated or reordered fields,
//   longer varints and trailing bytes are all refused (the SDK's rejectNonADR027TxRaw plus
//   RejectUnknownFieldsStrict).
// - TxBody: unknown fields are refused unless non-critical (field number with bit 11 set, 1024 and
//   up, as the SDK's RejectUnknownFields allows in TxBody only, and never under an amino JSON
//   signature, which would not cover them).
// - TxBody, AuthInfo, every message, and every Any inside them whose type this app resolves (a
//   message, a public key) must encode exactly what our codec re-encodes from their decoding
//   (`encodedAsCanonical`), except that an empty sub-message the codec writes may be left out.
//   Under SIGN_MODE_DIRECT the signature already covers the exact body and auth-info bytes, but under
//   SIGN_MODE_LEGACY_AMINO_JSON it covers their JSON, so without this a re-encoded body would keep
//   the signature and change the hash.
//
// This is stricter than the SDK inside TxBody and messages (the SDK refuses only unknown fields
// there, not reordered known ones or defaults written out): no encoder a client uses writes those,
// and accepting them would leave amino-signed txs malleable.
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import type { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  AuthInfo as AuthInfoCodec,
  TxBody as TxBodyCodec,
  TxRaw as TxRawCodec,
} from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { ErrTxDecode } from "../errors/errors.ts";
import { bytesEqual, concat } from "../types/bytes.ts";
import "../types/binary-writer.ts";

/** Decodes and re-encodes an Any's value; absent: the type is not one this app checks. */
export type AnyCodecResolver = (
  typeUrl: string,
) => { decode(b: Uint8Array): unknown; encode(m: any): Uint8Array } | undefined;

/**
 * TxBody fields of SDK v0.50: messages, memo, timeout_height, extension_options,
 * non_critical_extension_options. (Newer SDKs' unordered / timeout_timestamp, 4 and 5, are refused
 * as unknown, as v0.50 does: this chain does not implement them.)
 */
const TX_BODY_FIELDS = new Set([1, 2, 3, 1023, 2047]);
/** Bit 11 of a field number marks a field as non-critical (ADR-020 / unknownproto). */
const NON_CRITICAL_BIT = 1 << 10;
/** How deep Anys may nest inside a message (gov proposals and authz execs carry messages). */
const MAX_ANY_DEPTH = 8;

interface WireField {
  number: number;
  start: number;
  end: number;
}

/** The top-level fields of a protobuf message, in order; throws on bytes that are not one. */
export function scanFields(bytes: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) throw new Error("truncated varint");
      const b = bytes[pos++];
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return v;
      mul *= 128;
    }
    throw new Error("varint longer than 10 bytes");
  };
  while (pos < bytes.length) {
    const start = pos;
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    if (number === 0) throw new Error("field number 0");
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 2) {
      const length = varint(); // read before adding: `pos += varint()` would add to the old pos
      pos += length;
    } else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
    if (pos > bytes.length) throw new Error(`field ${number} runs past the end`);
    out.push({ number, start, end: pos });
  }
  return out;
}

function notCanonical(what: string, detail: string): Error {
  return ErrTxDecode.wrap(`${what} is not in canonical protobuf encoding (ADR-027): ${detail}`);
}

interface FieldRules {
  /** the message's field numbers (absent: not checked) */
  known?: Set<number>;
  /** those that may appear once at most */
  singular?: Set<number>;
}

/** The first difference between the given bytes and their canonical encoding, in words. */
function explain(bytes: Uint8Array, canonical: Uint8Array, rules: FieldRules = {}): string {
  let fields: WireField[];
  try {
    fields = scanFields(bytes);
  } catch (e) {
    return (e as Error).message;
  }
  let prev = 0;
  for (const f of fields) {
    if (rules.known && !rules.known.has(f.number)) return `unknown field ${f.number}`;
    if (f.number < prev) return `field ${f.number} after field ${prev}`;
    if (f.number === prev && rules.singular?.has(f.number)) return `field ${f.number} appears more than once`;
    prev = f.number;
  }
  return `${bytes.length} bytes where the canonical encoding has ${canonical.length}`;
}

/**
 * Whether `given` (bytes a client sent) encodes what `reencoded` (our codec's encoding of their
 * decoding) encodes, field by field: every field given is one the codec kept (so none is unknown,
 * repeated where it may not be, or holding an encoded default), in number order, with the same
 * scalar bytes (so varints are shortest); a field the codec wrote and the client did not may only be
 * an empty message (cosmjs-types writes non-nullable sub-messages even when empty, gogoproto too).
 * Length-delimited fields that differ are compared the same way, one level down; strings and bytes
 * never differ, since a codec copies them. Returns the first difference in words, or undefined.
 */
export function encodedAsCanonical(given: Uint8Array, reencoded: Uint8Array, depth = 0): string | undefined {
  if (bytesEqual(given, reencoded)) return undefined;
  if (depth > 32) return "nested too deep";
  let a: WireField[];
  let b: WireField[];
  try {
    a = scanFields(given);
    b = scanFields(reencoded);
  } catch (e) {
    return (e as Error).message;
  }
  for (let i = 1; i < a.length; i++)
    if (a[i].number < a[i - 1].number) return `field ${a[i].number} after field ${a[i - 1].number}`;
  let j = 0;
  for (const f of a) {
    // skip what the codec added before this field: only empty sub-messages may be added
    while (j < b.length && b[j].number < f.number) {
      if (!emptyMessage(reencoded, b[j])) return `field ${b[j].number} missing`;
      j++;
    }
    if (j >= b.length || b[j].number !== f.number) return `unknown field ${f.number}, or a default value written out`;
    const x = given.subarray(f.start, f.end);
    const y = reencoded.subarray(b[j].start, b[j].end);
    if (!bytesEqual(x, y)) {
      if (wireType(x) !== 2 || wireType(y) !== 2) return `field ${f.number} is not encoded in its shortest form`;
      const inner = encodedAsCanonical(payload(x), payload(y), depth + 1);
      if (inner) return `field ${f.number}: ${inner}`;
    }
    j++;
  }
  for (; j < b.length; j++) if (!emptyMessage(reencoded, b[j])) return `field ${b[j].number} missing`;
  return undefined;
}

function tagLength(field: Uint8Array): number {
  let n = 0;
  while (field[n] & 0x80) n++;
  return n + 1;
}

function wireType(field: Uint8Array): number {
  return field[0] & 7;
}

/** The payload of a length-delimited field (its bytes after the tag and length varints). */
function payload(field: Uint8Array): Uint8Array {
  let pos = tagLength(field);
  while (field[pos] & 0x80) pos++;
  return field.subarray(pos + 1);
}

/** A length-delimited field whose payload is empty, or only empty sub-messages itself. */
function emptyMessage(bytes: Uint8Array, f: WireField): boolean {
  const field = bytes.subarray(f.start, f.end);
  if (wireType(field) !== 2) return false;
  const inner = payload(field);
  if (inner.length === 0) return true;
  try {
    const fields = scanFields(inner);
    return fields.every((g) => emptyMessage(inner, g));
  } catch {
    return false;
  }
}

function checkAnyValues(value: unknown, resolve: AnyCodecResolver, depth: number, path: string): void {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkAnyValues(value[i], resolve, depth, `${path}[${i}]`);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.typeUrl === "string" && o.value instanceof Uint8Array) {
    checkAny(o as unknown as Any, resolve, depth, path);
    return;
  }
  for (const [k, v] of Object.entries(o)) checkAnyValues(v, resolve, depth, `${path}.${k}`);
}

/** An Any whose type resolves must hold that type's canonical bytes, recursively; returns its decoding. */
function checkAny(any: Any, resolve: AnyCodecResolver, depth: number, path: string): unknown {
  const codec = resolve(any.typeUrl);
  if (!codec) return undefined; // not ours to judge here: the handler refuses what it cannot route
  if (depth > MAX_ANY_DEPTH) throw ErrTxDecode.wrap(`${path}: Anys nested more than ${MAX_ANY_DEPTH} deep`);
  let decoded: unknown;
  try {
    decoded = codec.decode(any.value);
  } catch (e) {
    throw ErrTxDecode.wrap(`${path} (${any.typeUrl}): ${(e as Error).message}`);
  }
  const problem = encodedAsCanonical(any.value, codec.encode(decoded));
  if (problem) throw notCanonical(`${path} (${any.typeUrl})`, problem);
  checkAnyValues(decoded, resolve, depth + 1, path);
  return decoded;
}

/**
 * Refuses (ErrTxDecode, code 2) a tx whose bytes are not the canonical encoding of what they decode
 * to, as described above. `raw`, `body` and `authInfo` are the decoded parts of `bytes`. Returns
 * the body's messages as the check decoded them (undefined where the type did not resolve), so the
 * caller does not decode them again.
 */
export function checkCanonicalTx(
  bytes: Uint8Array,
  raw: TxRaw,
  body: TxBody,
  authInfo: AuthInfo,
  resolve: AnyCodecResolver,
): unknown[] {
  const rawCanonical = TxRawCodec.encode(raw).finish();
  if (!bytesEqual(rawCanonical, bytes))
    throw notCanonical("TxRaw", explain(bytes, rawCanonical, { known: new Set([1, 2, 3]), singular: new Set([1, 2]) }));

  // TxBody: drop the non-critical unknown fields the SDK lets through, refuse other unknown ones
  let bodyFields: WireField[];
  try {
    bodyFields = scanFields(raw.bodyBytes);
  } catch (e) {
    throw ErrTxDecode.wrap(`TxBody: ${(e as Error).message}`);
  }
  const kept: Uint8Array[] = [];
  for (const f of bodyFields) {
    if (TX_BODY_FIELDS.has(f.number)) kept.push(raw.bodyBytes.subarray(f.start, f.end));
    else if ((f.number & NON_CRITICAL_BIT) === 0)
      throw ErrTxDecode.wrap(
        `TxBody: unknown field ${f.number} (only non-critical fields, 1024 and up, may be unknown)`,
      );
  }
  const bodyKnown = kept.length === bodyFields.length ? raw.bodyBytes : concat(...kept);
  // an amino JSON signature does not cover fields the JSON leaves out: none may be left unknown then
  if (
    bodyKnown !== raw.bodyBytes &&
    authInfo.signerInfos.some((s) => s.modeInfo?.single?.mode === SignMode.SIGN_MODE_LEGACY_AMINO_JSON)
  )
    throw ErrTxDecode.wrap(
      "TxBody: non-critical unknown fields are not covered by a SIGN_MODE_LEGACY_AMINO_JSON signature",
    );
  const bodyProblem = encodedAsCanonical(bodyKnown, TxBodyCodec.encode(body).finish());
  if (bodyProblem) throw notCanonical("TxBody", bodyProblem);
  const authProblem = encodedAsCanonical(raw.authInfoBytes, AuthInfoCodec.encode(authInfo).finish());
  if (authProblem) throw notCanonical("AuthInfo", authProblem);

  const messages = body.messages.map((m, i) => checkAny(m, resolve, 0, `messages[${i}]`));
  for (const [list, name] of [
    [body.extensionOptions, "extension_options"],
    [body.nonCriticalExtensionOptions, "non_critical_extension_options"],
  ] as const)
    for (let i = 0; i < list.length; i++) checkAny(list[i], resolve, 0, `${name}[${i}]`);
  authInfo.signerInfos.forEach((s, i) => {
    if (s.publicKey) checkAny(s.publicKey, resolve, 0, `auth_info.signer_infos[${i}].public_key`);
  });
  return messages;
}
