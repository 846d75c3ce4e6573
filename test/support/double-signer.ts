// A byzantine validator for the slashing tests, built on the consensus engine's hooks
// (ConsensusHooks, passed as `hooks` to ConsensusState or as `decorators.consensusHooks` to a Node):
// after its real prevote at a height it signs a second prevote, for a made-up block id, with the
// validator key it holds (no double-sign guard, no priv_validator_state.json update, not in its WAL
// or its own vote set) and broadcasts it; once per height, until a committed block carries evidence
// against it. Peers turn the pair into DuplicateVoteEvidence.
import { createHash } from "node:crypto";
import { SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import type { Logger } from "pino";
import type { CommitInfoEvent, ConsensusHooks } from "../../chain/consensus/consensus-state.ts";
import type { Signer } from "../../chain/consensus/crypto.ts";
import { bytesEqual } from "../../chain/types/bytes.ts";
import { voteSignBytes } from "../../chain/types/vote.ts";

export interface DoubleSignerOptions {
  chainId: string;
}

export interface DoubleSignerDeps {
  /** the validator's own key (the one its priv validator signs with) */
  key: Signer;
  logger: Logger;
}

export class DoubleSigner implements ConsensusHooks {
  /** the last height it double-signed at */
  private lastHeight = 0n;
  /** a committed block carries evidence against this validator: it stopped */
  caught = false;

  constructor(
    private readonly options: DoubleSignerOptions,
    private readonly deps: DoubleSignerDeps,
  ) {}

  onOwnVote(vote: Vote, send: (vote: Vote) => void): void {
    if (vote.type !== SignedMsgType.SIGNED_MSG_TYPE_PREVOTE || this.caught || vote.height <= this.lastHeight) return;
    if (!bytesEqual(vote.validatorAddress, this.deps.key.address)) return;
    this.lastHeight = vote.height;
    const fake = new Uint8Array(
      createHash("sha256").update(`dgrid-test-double-sign/${vote.height}/${vote.round}`).digest(),
    );
    const conflicting: Vote = {
      ...vote,
      blockId: { hash: fake, partSetHeader: { total: 1, hash: fake } },
      signature: new Uint8Array(),
    };
    conflicting.signature = this.deps.key.sign(voteSignBytes(this.options.chainId, conflicting));
    this.deps.logger.warn({ height: vote.height.toString(), round: vote.round }, "TEST ONLY: double-signed a prevote");
    send(conflicting);
  }

  onCommit(e: CommitInfoEvent): void {
    for (const ev of e.block.evidence?.evidence ?? [])
      if (
        ev.duplicateVoteEvidence?.voteA &&
        bytesEqual(ev.duplicateVoteEvidence.voteA.validatorAddress, this.deps.key.address)
      )
        this.caught = true;
  }
}
