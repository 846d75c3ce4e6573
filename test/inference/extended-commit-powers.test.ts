// Regression (found by bench/sim): an honest proposer's extended commit is judged with the powers of
// the validator set that voted (CometBFT's ProposedLastCommit), not with today's staking powers. A
// delegation to a validator that did not sign, or a validator bonded since, changed staking's powers
// after CometBFT fixed the set; counting them rejected the proposal at every round (a chain halt).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CommitInfo, ExtendedCommitInfo } from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Context } from "../../chain/baseapp/context.ts";
import { voteExtensionSignBytes } from "../../chain/types/vote.ts";
import { validateExtendedCommit } from "../../modules/inference/vote-extensions.ts";
import { FakeStakingKeeper, type FakeValidator, fakeValidator } from "./harness.ts";

const CHAIN = "dgrid-ext-powers";
const ctx = {} as Context;
const POWER = 10n;

function extendedCommit(vals: FakeValidator[], signers: number): ExtendedCommitInfo {
  return {
    round: 0,
    votes: vals.map((v, i) => {
      const ext = new Uint8Array(i < signers ? [1, 2, 3] : []);
      const sign = () =>
        v.key.sign(
          voteExtensionSignBytes(CHAIN, {
            type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
            height: 9n,
            round: 0,
            extension: ext,
          } as any),
        );
      return {
        validator: { address: v.key.address, power: POWER },
        voteExtension: ext,
        extensionSignature: i < signers ? sign() : new Uint8Array(),
        blockIdFlag: i < signers ? BlockIDFlag.BLOCK_ID_FLAG_COMMIT : BlockIDFlag.BLOCK_ID_FLAG_ABSENT,
      };
    }),
  };
}

function lastCommitOf(info: ExtendedCommitInfo): CommitInfo {
  return { round: 0, votes: info.votes.map((v) => ({ validator: v.validator, blockIdFlag: v.blockIdFlag })) };
}

describe("extended commit powers", () => {
  const vals = ["a", "b", "c", "d"].map((n) => fakeValidator(`ext-powers-${n}`, POWER * 1_000_000n));
  // since height 9: d (which did not sign) got a large delegation, and e was bonded
  const today = [
    ...vals.slice(0, 3),
    { ...vals[3], validator: { ...vals[3].validator, tokens: "100000000" } },
    fakeValidator("ext-powers-e", 50_000_000n),
  ];
  const staking = new FakeStakingKeeper(today);
  const info = extendedCommit(vals, 3); // 30 of the set's 40 signed

  it("3 of 4 equal validators signed: accepted by the last commit's powers despite today's staking", async () => {
    await validateExtendedCommit(ctx, staking, CHAIN, 10n, info, lastCommitOf(info));
    // without the last commit, today's staking powers count (30 of 180): refused, as before
    await assert.rejects(validateExtendedCommit(ctx, staking, CHAIN, 10n, info), /need more than 2\/3/);
  });

  it("the commit must list the last commit's validators with their powers", async () => {
    const last = lastCommitOf(info);
    const omitted = { ...info, votes: info.votes.slice(0, 3) };
    await assert.rejects(
      validateExtendedCommit(ctx, staking, CHAIN, 10n, omitted, last),
      /lists 3 validators, the last commit 4/,
    );
    const inflated = {
      ...info,
      votes: info.votes.map((v, i) => (i === 0 ? { ...v, validator: { ...v.validator!, power: 99n } } : v)),
    };
    await assert.rejects(validateExtendedCommit(ctx, staking, CHAIN, 10n, inflated, last), /listed with power 99/);
    const two = extendedCommit(vals, 2);
    await assert.rejects(
      validateExtendedCommit(ctx, staking, CHAIN, 10n, two, lastCommitOf(two)),
      /signed by 20 of 40/,
    );
  });
});
