// JSON encoders for CometBFT v0.38 RPC results. Two encoders coexist in CometBFT and both are mirrored:
// - cmtjson (libs/json) for native types: int64/uint64/int as strings, HexBytes as upper-case hex,
//   []byte as base64 (nil -> null), times RFC 3339 with trimmed nanoseconds, `omitempty` honoured on
//   gogoproto types (their json tags say omitempty);
// - gogo jsonpb (EmitDefaults, EnumsAsInts, camelCase names) for the ABCI types that define MarshalJSON
//   in abci/types/types.go: ExecTxResult, ResponseCheckTx, ResponseQuery, EventAttribute.
import { toHex } from "@cosmjs/encoding";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type {
  Event,
  EventAttribute,
  ExecTxResult,
  ResponseCheckTx,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseQuery,
  ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";
import type { PublicKey } from "cosmjs-types/tendermint/crypto/keys";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { BlockID, Commit, Header, Vote } from "cosmjs-types/tendermint/types/types";
import type { Validator } from "cosmjs-types/tendermint/types/validator";
import { formatRfc3339 } from "../types/time.ts";
import type { BlockMeta } from "./backend.ts";

/** Standard padded base64 (as @cosmjs/encoding toBase64, via Buffer: block and block_results carry every tx and event). */
function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

type Json = unknown;

const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/** bytes.HexBytes: upper-case hex, empty string when empty. */
export function hex(b: Uint8Array | undefined): string {
  return b && b.length > 0 ? toHex(b).toUpperCase() : "";
}

/** []byte under cmtjson / jsonpb: base64, null when empty (Go decodes empty proto bytes as nil). */
export function b64(b: Uint8Array | undefined): string | null {
  return b && b.length > 0 ? toBase64(b) : null;
}

export function time(ts: Timestamp | undefined): string {
  return ts ? formatRfc3339(ts) : GO_ZERO_TIME;
}

export function pubKey(pk: PublicKey | Uint8Array | undefined): Json {
  if (pk instanceof Uint8Array) return { type: "tendermint/PubKeyEd25519", value: toBase64(pk) };
  if (pk?.ed25519 && pk.ed25519.length > 0) return { type: "tendermint/PubKeyEd25519", value: toBase64(pk.ed25519) };
  if (pk?.secp256k1 && pk.secp256k1.length > 0)
    return { type: "tendermint/PubKeySecp256k1", value: toBase64(pk.secp256k1) };
  return null;
}

/** crypto.PublicKey proto under cmtjson: the oneof is an interface registered by its Go type name. */
function protoPubKey(pk: PublicKey | undefined): Json {
  if (pk?.secp256k1 && pk.secp256k1.length > 0)
    return { Sum: { type: "tendermint.crypto.PublicKey_Secp256K1", value: { secp256k1: toBase64(pk.secp256k1) } } };
  return {
    Sum: {
      type: "tendermint.crypto.PublicKey_Ed25519",
      value: { ed25519: toBase64(pk?.ed25519 ?? new Uint8Array(0)) },
    },
  };
}

export function blockId(id: BlockID | undefined): Json {
  return {
    hash: hex(id?.hash),
    parts: { total: id?.partSetHeader?.total ?? 0, hash: hex(id?.partSetHeader?.hash) },
  };
}

export function header(h: Header): Json {
  const version: Record<string, string> = {};
  // cmtversion.Consensus is a gogoproto type: both fields omitempty.
  if (h.version && h.version.block !== 0n) version.block = String(h.version.block);
  if (h.version && h.version.app !== 0n) version.app = String(h.version.app);
  return {
    version,
    chain_id: h.chainId,
    height: String(h.height),
    time: time(h.time),
    last_block_id: blockId(h.lastBlockId),
    last_commit_hash: hex(h.lastCommitHash),
    data_hash: hex(h.dataHash),
    validators_hash: hex(h.validatorsHash),
    next_validators_hash: hex(h.nextValidatorsHash),
    consensus_hash: hex(h.consensusHash),
    app_hash: hex(h.appHash),
    last_results_hash: hex(h.lastResultsHash),
    evidence_hash: hex(h.evidenceHash),
    proposer_address: hex(h.proposerAddress),
  };
}

export function commit(c: Commit | undefined): Json {
  return {
    height: String(c?.height ?? 0n),
    round: c?.round ?? 0,
    block_id: blockId(c?.blockId),
    signatures: (c?.signatures ?? []).map((s) => ({
      block_id_flag: s.blockIdFlag,
      validator_address: hex(s.validatorAddress),
      timestamp: time(s.timestamp),
      signature: b64(s.signature),
    })),
  };
}

function vote(v: Vote | undefined): Json {
  if (!v) return null;
  return {
    type: v.type,
    height: String(v.height),
    round: v.round,
    block_id: blockId(v.blockId),
    timestamp: time(v.timestamp),
    validator_address: hex(v.validatorAddress),
    validator_index: v.validatorIndex,
    signature: b64(v.signature),
    extension: b64(v.extension),
    extension_signature: b64(v.extensionSignature),
  };
}

function evidence(e: Evidence): Json {
  if (e.duplicateVoteEvidence) {
    const d = e.duplicateVoteEvidence;
    return {
      type: "tendermint/DuplicateVoteEvidence",
      value: {
        vote_a: vote(d.voteA),
        vote_b: vote(d.voteB),
        TotalVotingPower: String(d.totalVotingPower),
        ValidatorPower: String(d.validatorPower),
        Timestamp: time(d.timestamp),
      },
    };
  }
  const l = e.lightClientAttackEvidence;
  return {
    type: "tendermint/LightClientAttackEvidence",
    value: {
      ConflictingBlock: l?.conflictingBlock?.signedHeader
        ? {
            signed_header: {
              header: l.conflictingBlock.signedHeader.header ? header(l.conflictingBlock.signedHeader.header) : null,
              commit: commit(l.conflictingBlock.signedHeader.commit),
            },
            validator_set: l.conflictingBlock.validatorSet
              ? {
                  validators: l.conflictingBlock.validatorSet.validators.map(validator),
                  proposer: l.conflictingBlock.validatorSet.proposer
                    ? validator(l.conflictingBlock.validatorSet.proposer)
                    : null,
                }
              : null,
          }
        : null,
      CommonHeight: String(l?.commonHeight ?? 0n),
      ByzantineValidators: (l?.byzantineValidators ?? []).map(validator),
      TotalVotingPower: String(l?.totalVotingPower ?? 0n),
      Timestamp: time(l?.timestamp),
    },
  };
}

export function block(b: Block): Json {
  return {
    header: b.header ? header(b.header) : null,
    data: { txs: (b.data?.txs ?? []).map((tx) => toBase64(tx)) },
    evidence: { evidence: (b.evidence?.evidence ?? []).map(evidence) },
    last_commit: commit(b.lastCommit),
  };
}

export function blockMeta(m: BlockMeta): Json {
  return {
    block_id: blockId(m.blockId),
    block_size: String(m.blockSize),
    header: header(m.header),
    num_txs: String(m.numTxs),
  };
}

export function validator(v: Validator): Json {
  return {
    address: hex(v.address),
    pub_key: pubKey(v.pubKey),
    voting_power: String(v.votingPower),
    proposer_priority: String(v.proposerPriority),
  };
}

// ---- jsonpb-encoded ABCI types (EmitDefaults: every field present) ----

function attributeJsonpb(a: EventAttribute): Json {
  return { key: a.key, value: a.value, index: a.index };
}

function eventJsonpb(e: Event): Json {
  return { type: e.type, attributes: e.attributes.map(attributeJsonpb) };
}

export function execTxResult(r: ExecTxResult | undefined): Json {
  return {
    code: r?.code ?? 0,
    data: b64(r?.data),
    log: r?.log ?? "",
    info: r?.info ?? "",
    gas_wanted: String(r?.gasWanted ?? 0n),
    gas_used: String(r?.gasUsed ?? 0n),
    events: (r?.events ?? []).map(eventJsonpb),
    codespace: r?.codespace ?? "",
  };
}

export function checkTx(r: ResponseCheckTx): Json {
  return execTxResult(r);
}

export function query(r: ResponseQuery): Json {
  return {
    code: r.code,
    log: r.log,
    info: r.info,
    index: String(r.index),
    key: b64(r.key),
    value: b64(r.value),
    proofOps: r.proofOps
      ? { ops: r.proofOps.ops.map((op) => ({ type: op.type, key: b64(op.key), data: b64(op.data) })) }
      : null,
    height: String(r.height),
    codespace: r.codespace,
  };
}

// ---- cmtjson on gogoproto types (omitempty) ----

function omitEmpty(o: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === "" || v === 0 || v === false || v === "0") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** abci.Event under cmtjson (finalize_block_events): type/attributes omitempty, attributes via jsonpb. */
export function eventCmt(e: Event): Json {
  return omitEmpty({ type: e.type, attributes: e.attributes.map(attributeJsonpb) });
}

export function responseInfo(r: ResponseInfo): Json {
  return omitEmpty({
    data: r.data,
    version: r.version,
    app_version: String(r.appVersion),
    last_block_height: String(r.lastBlockHeight),
    last_block_app_hash: b64(r.lastBlockAppHash),
  });
}

export function validatorUpdate(u: ValidatorUpdate): Json {
  return { pub_key: protoPubKey(u.pubKey), ...omitEmpty({ power: String(u.power) }) };
}

/** tendermint.types.ConsensusParams (proto) under cmtjson: every message and field omitempty. */
export function consensusParamsProto(p: ConsensusParams | undefined): Json {
  if (!p) return null;
  const d = p.evidence?.maxAgeDuration;
  const nanos = d ? d.seconds * 1_000_000_000n + BigInt(d.nanos) : 0n;
  return omitEmpty({
    block: p.block ? omitEmpty({ max_bytes: String(p.block.maxBytes), max_gas: String(p.block.maxGas) }) : undefined,
    evidence: p.evidence
      ? omitEmpty({
          max_age_num_blocks: String(p.evidence.maxAgeNumBlocks),
          max_age_duration: String(nanos),
          max_bytes: String(p.evidence.maxBytes),
        })
      : undefined,
    validator: p.validator ? omitEmpty({ pub_key_types: p.validator.pubKeyTypes }) : undefined,
    version: p.version ? omitEmpty({ app: String(p.version.app) }) : undefined,
    abci: p.abci ? omitEmpty({ vote_extensions_enable_height: String(p.abci.voteExtensionsEnableHeight) }) : undefined,
  });
}

/** ResponseFinalizeBlock under cmtjson (EventDataNewBlock.result_finalize_block). */
export function finalizeBlockResponse(r: ResponseFinalizeBlock): Json {
  return omitEmpty({
    events: r.events.map(eventCmt),
    tx_results: r.txResults.map(execTxResult),
    validator_updates: r.validatorUpdates.map(validatorUpdate),
    consensus_param_updates: consensusParamsProto(r.consensusParamUpdates),
    app_hash: b64(r.appHash),
  });
}
