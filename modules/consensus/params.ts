// Consensus params validation as CometBFT v0.38 types/params.go (ValidateBasic, ValidateUpdate, Update).
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { defaultConsensusParams } from "../../chain/types/genesis.ts";

export const MaxBlockSizeBytes = 104857600n;
const KNOWN_KEY_TYPES = ["ed25519", "secp256k1"];

export { defaultConsensusParams };

/** CometBFT ConsensusParams.Update: sections present in `u` replace those in `p`. */
export function updateParams(p: ConsensusParams, u: Partial<ConsensusParams>): ConsensusParams {
  return {
    block: u.block ? { ...u.block } : p.block,
    evidence: u.evidence ? { ...u.evidence } : p.evidence,
    validator: u.validator ? { pubKeyTypes: [...u.validator.pubKeyTypes] } : p.validator,
    version: u.version ? { ...u.version } : p.version,
    abci: u.abci ? { ...u.abci } : p.abci,
  };
}

export function validateParams(p: ConsensusParams): void {
  const bad = (m: string) => ErrInvalidRequest.wrap(m);
  const block = p.block;
  if (!block) throw bad("block params must be set");
  if (block.maxBytes === 0n) throw bad("block.MaxBytes cannot be 0");
  if (block.maxBytes < -1n) throw bad(`block.MaxBytes must be -1 or greater than 0. Got ${block.maxBytes}`);
  if (block.maxBytes > MaxBlockSizeBytes)
    throw bad(`block.MaxBytes is too big. ${block.maxBytes} > ${MaxBlockSizeBytes}`);
  if (block.maxGas < -1n) throw bad(`block.MaxGas must be greater or equal to -1. Got ${block.maxGas}`);
  const ev = p.evidence;
  if (!ev) throw bad("evidence params must be set");
  if (ev.maxAgeNumBlocks <= 0n) throw bad(`evidence.MaxAgeNumBlocks must be greater than 0. Got ${ev.maxAgeNumBlocks}`);
  const dur = ev.maxAgeDuration ? ev.maxAgeDuration.seconds * 1_000_000_000n + BigInt(ev.maxAgeDuration.nanos) : 0n;
  if (dur <= 0n) throw bad("evidence.MaxAgeDuration must be greater than 0");
  const maxBytes = block.maxBytes === -1n ? MaxBlockSizeBytes : block.maxBytes;
  if (ev.maxBytes > maxBytes)
    throw bad(`evidence.MaxBytesEvidence is greater than upper bound, ${ev.maxBytes} > ${maxBytes}`);
  if (ev.maxBytes < 0n) throw bad(`evidence.MaxBytes must be non negative. Got: ${ev.maxBytes}`);
  if (p.abci && p.abci.voteExtensionsEnableHeight < 0n)
    throw bad(`ABCI.VoteExtensionsEnableHeight cannot be negative. Got: ${p.abci.voteExtensionsEnableHeight}`);
  const types = p.validator?.pubKeyTypes ?? [];
  if (types.length === 0) throw bad("len(Validator.PubKeyTypes) must be greater than 0");
  for (const t of types)
    if (!KNOWN_KEY_TYPES.includes(t)) throw bad(`params.Validator.PubKeyTypes contains unknown pubkey type ${t}`);
}

/** ValidateUpdate: vote extensions can be enabled only at a future height and never disabled. */
export function validateUpdate(current: ConsensusParams, update: Partial<ConsensusParams>, height: bigint): void {
  if (!update.abci) return;
  const cur = current.abci?.voteExtensionsEnableHeight ?? 0n;
  const next = update.abci.voteExtensionsEnableHeight;
  if (cur === next) return;
  if (cur !== 0n && next === 0n) throw ErrInvalidRequest.wrap("vote extensions cannot be disabled once enabled");
  if (next <= height)
    throw ErrInvalidRequest.wrap(
      `VoteExtensionsEnableHeight cannot be updated to a past height, initial height: ${cur}, current height ${height}`,
    );
  if (cur !== 0n && cur <= height)
    throw ErrInvalidRequest.wrap(
      `VoteExtensionsEnableHeight cannot be modified once the initial height has occurred, initial height: ${cur}, current height ${height}`,
    );
}
