// CometBFT v0.38 hashes of blocks and their parts (types/block.go, tx.go, validator_set.go, params.go,
// results.go, evidence.go). Every function returns a fresh Uint8Array.
import "./binary-writer.ts";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { ExecTxResult as ExecTxResultCodec } from "cosmjs-types/tendermint/abci/types";
import { DuplicateVoteEvidence, Evidence, LightClientAttackEvidence } from "cosmjs-types/tendermint/types/evidence";
import { type ConsensusParams, HashedParams } from "cosmjs-types/tendermint/types/params";
import { type Commit, CommitSig, type Header } from "cosmjs-types/tendermint/types/types";
import { SimpleValidator, type Validator } from "cosmjs-types/tendermint/types/validator";
import { Consensus } from "cosmjs-types/tendermint/version/types";
import {
  encodeBlockId,
  encodeBytesValue,
  encodeInt64Value,
  encodeStringValue,
  encodeTimestamp,
  goTime,
} from "./encoding.ts";
import { sha256, simpleHashFromByteSlices } from "./merkle.ts";

/** The 14 encoded header fields whose Merkle root is the block hash (Header.Hash in types/block.go). */
export function headerFieldBytes(h: Header): Uint8Array[] {
  return [
    Consensus.encode(h.version ?? { block: 0n, app: 0n }).finish(),
    encodeStringValue(h.chainId),
    encodeInt64Value(h.height),
    encodeTimestamp(h.time),
    encodeBlockId(h.lastBlockId).finish(),
    encodeBytesValue(h.lastCommitHash),
    encodeBytesValue(h.dataHash),
    encodeBytesValue(h.validatorsHash),
    encodeBytesValue(h.nextValidatorsHash),
    encodeBytesValue(h.consensusHash),
    encodeBytesValue(h.appHash),
    encodeBytesValue(h.lastResultsHash),
    encodeBytesValue(h.evidenceHash),
    encodeBytesValue(h.proposerAddress),
  ];
}

/** Block hash. Like CometBFT, a header without validators_hash has no hash (empty array). */
export function headerHash(h: Header): Uint8Array {
  if (!h.validatorsHash || h.validatorsHash.length === 0) return new Uint8Array(0);
  return simpleHashFromByteSlices(headerFieldBytes(h));
}

/** Tx hash (tx key): sha256 of the raw tx bytes. */
export function txHash(tx: Uint8Array): Uint8Array {
  let h = txHashes.get(tx);
  if (!h) {
    h = sha256(tx);
    txHashes.set(tx, h);
  }
  return h.slice();
}

/**
 * Hashes of tx byte objects already hashed: one tx's bytes object travels RPC -> mempool -> block ->
 * indexer -> events, and each asks for its hash. Keyed by object (tx bytes are never written to).
 */
const txHashes = new WeakMap<Uint8Array, Uint8Array>();

/**
 * Data hashes of tx lists already hashed, by list object: consensus validates one block's data several
 * times (proposal, prevote, precommit, apply), each a Merkle tree over thousands of txs. Block tx lists
 * are never changed once built; the length is checked anyway.
 */
const dataHashes = new WeakMap<readonly Uint8Array[], { n: number; hash: Uint8Array }>();

/** Data hash: Merkle root over the txs' sha256 hashes. */
export function dataHash(txs: readonly Uint8Array[]): Uint8Array {
  const hit = dataHashes.get(txs);
  if (hit && hit.n === txs.length) return hit.hash.slice();
  const hash = simpleHashFromByteSlices(txs.map(txHash));
  dataHashes.set(txs, { n: txs.length, hash });
  return hash.slice();
}

export function commitSigBytes(sig: CommitSig): Uint8Array {
  return CommitSig.encode({ ...sig, timestamp: goTime(sig.timestamp) }).finish();
}

/** Last commit hash: Merkle root over the proto-encoded CommitSigs. */
export function commitHash(commit: Commit): Uint8Array {
  return simpleHashFromByteSlices(commit.signatures.map(commitSigBytes));
}

/** Validator set hash: Merkle root over SimpleValidator{pub_key, voting_power} encodings. */
export function validatorSetHash(vals: readonly Validator[]): Uint8Array {
  return simpleHashFromByteSlices(
    vals.map((v) => SimpleValidator.encode({ pubKey: v.pubKey, votingPower: v.votingPower }).finish()),
  );
}

/** Consensus params hash: sha256 of HashedParams{block_max_bytes, block_max_gas} (not a Merkle root). */
export function consensusParamsHash(params: ConsensusParams): Uint8Array {
  const hp = HashedParams.encode({
    blockMaxBytes: params.block?.maxBytes ?? 0n,
    blockMaxGas: params.block?.maxGas ?? 0n,
  }).finish();
  return sha256(hp);
}

/** Bytes of one piece of evidence as CometBFT's Evidence.Bytes(): the inner message, not the oneof wrapper. */
export function evidenceBytes(ev: Evidence): Uint8Array {
  if (ev.duplicateVoteEvidence) return DuplicateVoteEvidence.encode(ev.duplicateVoteEvidence).finish();
  if (ev.lightClientAttackEvidence) return LightClientAttackEvidence.encode(ev.lightClientAttackEvidence).finish();
  return Evidence.encode(ev).finish();
}

export function evidenceHash(list: readonly Evidence[]): Uint8Array {
  return simpleHashFromByteSlices(list.map(evidenceBytes));
}

/** Deterministic part of an ExecTxResult (code, data, gas_wanted, gas_used), as ABCIResults hashes it. */
export function deterministicExecTxResultBytes(r: ExecTxResult): Uint8Array {
  return ExecTxResultCodec.encode(
    ExecTxResultCodec.fromPartial({ code: r.code, data: r.data, gasWanted: r.gasWanted, gasUsed: r.gasUsed }),
  ).finish();
}

export function lastResultsHash(txResults: readonly ExecTxResult[]): Uint8Array {
  return simpleHashFromByteSlices(txResults.map(deterministicExecTxResultBytes));
}
