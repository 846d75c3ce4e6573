// The commit/reveal transport (ARCHITECTURE.md 6.6, after Skip Connect's abci/ve + abci/proposals):
// each validator's precommit carries a VoteExtension; the next proposer puts the signed extended
// commit of the previous height at the front of its block as an injected tx:
//
//   injected tx = MAGIC (8 bytes "\xffDGRDVE1") | tendermint.abci.ExtendedCommitInfo (protobuf)
//
// 0xff cannot start a cosmos TxRaw (field 31 with wire type 7 is invalid), so no Cosmos tx is ever
// mistaken for it. ProcessProposal checks every extension signature against the validator's
// consensus key and that the signed voting power exceeds 2/3 of the commit's total.

import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import type { Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { type CommitInfo, ExtendedCommitInfo } from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Context } from "../../chain/baseapp/context.ts";
import { isDType } from "../../chain/tensor/dtype.ts";
import { toHex } from "../../chain/types/bytes.ts";
import { address as consAddressOf, Ed25519Key } from "../../chain/types/keys.ts";
import { voteExtensionSignBytes } from "../../chain/types/vote.ts";
import { VoteExtension } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { StakingKeeperI } from "./expected-keepers.ts";

export const INJECTED_MAGIC = new Uint8Array([0xff, 0x44, 0x47, 0x52, 0x44, 0x56, 0x45, 0x31]);

export function isInjected(tx: Uint8Array): boolean {
  if (tx.length < INJECTED_MAGIC.length) return false;
  for (let i = 0; i < INJECTED_MAGIC.length; i++) if (tx[i] !== INJECTED_MAGIC[i]) return false;
  return true;
}

export function encodeInjected(info: ExtendedCommitInfo): Uint8Array {
  const body = ExtendedCommitInfo.encode(info).finish();
  const out = new Uint8Array(INJECTED_MAGIC.length + body.length);
  out.set(INJECTED_MAGIC, 0);
  out.set(body, INJECTED_MAGIC.length);
  return out;
}

export function decodeInjected(tx: Uint8Array): ExtendedCommitInfo {
  if (!isInjected(tx)) throw new Error("not an injected extended commit");
  return ExtendedCommitInfo.decode(tx.subarray(INJECTED_MAGIC.length));
}

/** Stateless checks of one extension: decodes, fits, 32-byte commitments, salts and output hashes, no duplicate ids. */
export function checkVoteExtension(bytes: Uint8Array, maxBytes: bigint): VoteExtension {
  if (BigInt(bytes.length) > maxBytes) throw new Error(`vote extension of ${bytes.length} bytes over ${maxBytes}`);
  const ve = VoteExtension.decode(bytes);
  const seen = new Set<bigint>();
  for (const c of ve.commitments) {
    if (c.blobUnavailable ? c.commitment.length !== 0 : c.commitment.length !== 32)
      throw new Error("commitment must be 32 bytes (empty with blob_unavailable)");
    if (seen.has(c.requestId)) throw new Error(`two commitments for request ${c.requestId}`);
    seen.add(c.requestId);
  }
  seen.clear();
  for (const r of ve.reveals) {
    if (r.salt.length !== 32) throw new Error("salt must be 32 bytes");
    if (seen.has(r.requestId)) throw new Error(`two reveals for request ${r.requestId}`);
    seen.add(r.requestId);
    for (const t of r.outputs) if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
    for (const ref of [r.outputRef, ...r.items.map((i) => i.outputRef)]) {
      if (!ref) continue;
      if (ref.sha256.length !== 32) throw new Error("output sha256 must be 32 bytes");
      for (const t of ref.layout) if (!isDType(t.dtype)) throw new Error(`unknown dtype ${t.dtype}`);
    }
  }
  return ve;
}

/** The ed25519 consensus key of a staking validator (Any /cosmos.crypto.ed25519.PubKey). */
export function consensusPubKey(v: Validator): Uint8Array | undefined {
  const any = v.consensusPubkey;
  if (any?.typeUrl !== "/cosmos.crypto.ed25519.PubKey") return undefined;
  return Ed25519PubKey.decode(any.value).key;
}

export function consAddress(v: Validator): Uint8Array | undefined {
  const pk = consensusPubKey(v);
  return pk ? consAddressOf(pk) : undefined;
}

/**
 * Validates an injected extended commit for a proposal at `height` (extensions of height - 1):
 * every validator known to staking, no duplicates, every committed vote's extension signature
 * valid, non-commit votes without extensions, and more than 2/3 of the power signed.
 *
 * With `lastCommit` (CometBFT's ProposedLastCommit: the validator set of height - 1 with its powers),
 * the commit must list exactly that set with those powers, and the 2/3 is of those powers (SDK
 * baseapp.ValidateVoteExtensions). Today's staking powers are not the ones that voted: a delegation
 * or a newly bonded validator in the last two blocks changed them after CometBFT fixed the set, and
 * counting them rejected an honest proposer's commit at every round (a halt; found by bench/sim).
 * Without it (no previous commit known), the listed validators and the bonded set count at today's
 * staking powers, so that a proposer cannot leave validators out.
 */
export async function validateExtendedCommit(
  ctx: Context,
  staking: StakingKeeperI,
  chainId: string,
  height: bigint,
  info: ExtendedCommitInfo,
  lastCommit?: CommitInfo,
): Promise<void> {
  const lastPowers = new Map<string, bigint>();
  for (const v of lastCommit?.votes ?? [])
    lastPowers.set(toHex(v.validator?.address ?? new Uint8Array()), v.validator?.power ?? 0n);
  const byLastCommit = lastPowers.size > 0;
  if (byLastCommit && info.votes.length !== lastPowers.size)
    throw new Error(`extended commit lists ${info.votes.length} validators, the last commit ${lastPowers.size}`);
  let total = 0n;
  let signed = 0n;
  const seen = new Set<string>();
  for (const vote of info.votes) {
    const addr = vote.validator?.address ?? new Uint8Array();
    const id = toHex(addr);
    if (seen.has(id)) throw new Error(`validator ${id} listed twice`);
    seen.add(id);
    const val = await staking.validatorByConsAddr(ctx, addr);
    if (!val) throw new Error(`unknown validator ${id}`);
    const pk = consensusPubKey(val);
    if (!pk) throw new Error(`validator ${id} has no ed25519 consensus key`);
    let power = staking.powerOf(val);
    if (byLastCommit) {
      const last = lastPowers.get(id);
      if (last === undefined) throw new Error(`validator ${id} is not in the last commit`);
      if (vote.validator?.power !== last)
        throw new Error(`validator ${id} listed with power ${vote.validator?.power}, the last commit says ${last}`);
      power = last;
    }
    total += power;
    if (vote.blockIdFlag !== BlockIDFlag.BLOCK_ID_FLAG_COMMIT) {
      if (vote.voteExtension.length > 0 || vote.extensionSignature.length > 0)
        throw new Error(`validator ${id} did not commit but has an extension`);
      continue;
    }
    const signBytes = voteExtensionSignBytes(chainId, {
      type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
      height: height - 1n,
      round: info.round,
      blockId: undefined as any,
      timestamp: undefined as any,
      validatorAddress: addr,
      validatorIndex: 0,
      signature: new Uint8Array(),
      extension: vote.voteExtension,
      extensionSignature: vote.extensionSignature,
    });
    if (!Ed25519Key.verify(pk, signBytes, vote.extensionSignature))
      throw new Error(`bad extension signature of validator ${id}`);
    signed += power;
  }
  // the whole bonded set counts, so a proposer cannot leave validators out of the commit
  if (!byLastCommit)
    for (const v of await staking.bondedValidatorsByPower(ctx)) {
      const addr = consAddress(v);
      if (!addr || seen.has(toHex(addr))) continue;
      seen.add(toHex(addr));
      total += staking.powerOf(v);
    }
  if (total === 0n || signed * 3n <= total * 2n)
    throw new Error(`extensions signed by ${signed} of ${total} voting power, need more than 2/3`);
}
