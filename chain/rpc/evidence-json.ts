// Evidence in CometBFT's JSON (what `broadcast_evidence` takes and `block` returns):
// {"type":"tendermint/DuplicateVoteEvidence","value":{"vote_a":Vote,"vote_b":Vote,"TotalVotingPower":"…",
// "ValidatorPower":"…","Timestamp":"RFC3339"}}; votes with height as a string, hashes in hex, signatures in base64.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { BlockID, Vote } from "cosmjs-types/tendermint/types/types";
import { parseRfc3339 } from "../types/time.ts";
import { invalidParams } from "./errors.ts";

type J = Record<string, unknown>;

const obj = (v: unknown, what: string): J => {
  if (!v || typeof v !== "object" || Array.isArray(v)) throw invalidParams(`${what}: expected an object`);
  return v as J;
};

function int(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d{1,19}$/.test(v)) return BigInt(v);
  throw invalidParams(`${what}: expected an integer`);
}

function small(v: unknown, what: string): number {
  const n = int(v, what);
  if (n < -2147483648n || n > 4294967295n) throw invalidParams(`${what}: out of range`);
  return Number(n);
}

function hexBytes(v: unknown, what: string): Uint8Array {
  if (v === null || v === undefined || v === "") return new Uint8Array();
  if (typeof v !== "string" || v.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(v))
    throw invalidParams(`${what}: expected hex`);
  return new Uint8Array(Buffer.from(v, "hex"));
}

function b64Bytes(v: unknown, what: string): Uint8Array {
  if (v === null || v === undefined || v === "") return new Uint8Array();
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw invalidParams(`${what}: expected base64`);
  return new Uint8Array(Buffer.from(v, "base64"));
}

function time(v: unknown, what: string): Timestamp {
  const t = typeof v === "string" ? parseRfc3339(v) : undefined;
  if (!t) throw invalidParams(`${what}: expected an RFC 3339 time`);
  return t;
}

function blockId(v: unknown, what: string): BlockID {
  const b = obj(v ?? {}, what);
  const parts = obj(b.parts ?? b.part_set_header ?? {}, `${what}.parts`);
  return {
    hash: hexBytes(b.hash, `${what}.hash`),
    partSetHeader: {
      total: small(parts.total ?? 0, `${what}.parts.total`),
      hash: hexBytes(parts.hash, `${what}.parts.hash`),
    },
  };
}

function vote(v: unknown, what: string): Vote {
  const j = obj(v, what);
  return {
    type: small(j.type, `${what}.type`),
    height: int(j.height, `${what}.height`),
    round: small(j.round ?? 0, `${what}.round`),
    blockId: blockId(j.block_id, `${what}.block_id`),
    timestamp: time(j.timestamp, `${what}.timestamp`),
    validatorAddress: hexBytes(j.validator_address, `${what}.validator_address`),
    validatorIndex: small(j.validator_index ?? 0, `${what}.validator_index`),
    signature: b64Bytes(j.signature, `${what}.signature`),
    extension: b64Bytes(j.extension, `${what}.extension`),
    extensionSignature: b64Bytes(j.extension_signature, `${what}.extension_signature`),
  };
}

/** Parses duplicate-vote evidence JSON; anything else is invalid params. */
export function evidenceFromJson(v: unknown): Evidence {
  const j = obj(v, "evidence");
  if (j.type !== "tendermint/DuplicateVoteEvidence")
    throw invalidParams(`evidence: unsupported type ${JSON.stringify(j.type)}`);
  const d = obj(j.value, "evidence.value");
  return {
    duplicateVoteEvidence: {
      voteA: vote(d.vote_a, "vote_a"),
      voteB: vote(d.vote_b, "vote_b"),
      totalVotingPower: int(d.TotalVotingPower ?? d.total_voting_power, "TotalVotingPower"),
      validatorPower: int(d.ValidatorPower ?? d.validator_power, "ValidatorPower"),
      timestamp: time(d.Timestamp ?? d.timestamp, "Timestamp"),
    },
  };
}
