// x/gov operations: proposals (text, parameter changes of the dgrid modules, a model delisting;
// sometimes expedited, sometimes with too small a deposit), deposits, votes and weighted votes on the
// proposals in state.
import { ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import { MsgDeposit, MsgSubmitProposal, MsgVote, MsgVoteWeighted } from "cosmjs-types/cosmos/gov/v1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { moduleAddress } from "../../../chain/types/address.ts";
import { GovModuleName } from "../../../modules/auth/keys.ts";
import { MsgUpdateParams as InferenceUpdateParams } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import { MsgDelistModel } from "../../../proto/gen/dgrid/registry/v1/tx.ts";
import { MsgUpdateParams as ReputationUpdateParams } from "../../../proto/gen/dgrid/reputation/v1/tx.ts";
import type { OpEnv, Operation } from "./types.ts";
import { udgrid } from "./types.ts";

const authority = moduleAddress(GovModuleName);

async function proposalMessages(env: OpEnv): Promise<{ msgs: Any[]; invalid: boolean }> {
  const kind = env.rng.int(4);
  if (kind === 0) return { msgs: [], invalid: false }; // a text proposal
  if (kind === 1) {
    const p = await env.view.inferenceParams();
    const broken = env.rng.chance(0.1);
    const params = {
      ...p,
      commitDeadlineBlocks: BigInt(env.rng.range(2, 12)),
      revealDeadlineBlocks: BigInt(env.rng.range(2, 12)),
      defaultRedundancy: env.rng.range(1, 4),
      quorumPpm: broken ? 0n : BigInt(env.rng.range(500_000, 1_000_000)),
    };
    const value = InferenceUpdateParams.encode({ authority, params }).finish();
    return { msgs: [{ typeUrl: "/dgrid.inference.v1.MsgUpdateParams", value }], invalid: broken };
  }
  if (kind === 2) {
    const p = await env.app.reputationKeeper.getParams(env.ctx);
    const params = {
      ...p,
      increasePpm: BigInt(env.rng.range(0, 200_000)),
      recoveryIntervalBlocks: BigInt(env.rng.range(1, 60)),
    };
    const value = ReputationUpdateParams.encode({ authority, params }).finish();
    return { msgs: [{ typeUrl: "/dgrid.reputation.v1.MsgUpdateParams", value }], invalid: false };
  }
  const models = await env.view.models();
  if (models.length <= 1) return { msgs: [], invalid: false };
  const value = MsgDelistModel.encode({ authority, modelId: env.rng.pick(models).id }).finish();
  return { msgs: [{ typeUrl: "/dgrid.registry.v1.MsgDelistModel", value }], invalid: false };
}

export const govOps: Operation[] = [
  {
    name: "gov/submit-proposal",
    weight: 6,
    async plan(env) {
      const from = await env.freeAccount();
      if (!from) return undefined;
      const params = await env.app.govKeeper.getParams(env.ctx);
      const expedited = env.rng.chance(0.2);
      const min = BigInt((expedited ? params.expeditedMinDeposit : params.minDeposit)[0].amount);
      const deposit = env.rng.chance(0.5) ? min : env.rng.bigint(min);
      const { msgs, invalid } = await proposalMessages(env);
      const msg = MsgSubmitProposal.fromPartial({
        messages: msgs,
        initialDeposit: udgrid(deposit),
        proposer: from.address,
        metadata: "",
        title: `sim proposal ${env.rng.u32()}`,
        summary: "a simulated proposal",
        expedited,
      });
      return {
        signer: from,
        msgs: [{ typeUrl: MsgSubmitProposal.typeUrl, value: MsgSubmitProposal.encode(msg).finish() }],
        invalid,
      };
    },
  },
  {
    name: "gov/deposit",
    weight: 10,
    async plan(env) {
      const open = await env.view.proposalsIn(ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD);
      const from = await env.freeAccount();
      if (!from) return undefined;
      const id = open.length > 0 && env.rng.chance(0.9) ? env.rng.pick(open).id : BigInt(env.rng.range(1, 1000));
      const msg = MsgDeposit.fromPartial({
        proposalId: id,
        depositor: from.address,
        amount: udgrid(BigInt(env.rng.range(1, 20)) * 1_000_000n),
      });
      return { signer: from, msgs: [{ typeUrl: MsgDeposit.typeUrl, value: MsgDeposit.encode(msg).finish() }] };
    },
  },
  {
    name: "gov/vote",
    weight: 25,
    async plan(env) {
      const open = await env.view.proposalsIn(ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
      if (open.length === 0) return undefined;
      const from = await env.freeAccount();
      if (!from) return undefined;
      const option = env.rng.pick([
        VoteOption.VOTE_OPTION_YES,
        VoteOption.VOTE_OPTION_YES,
        VoteOption.VOTE_OPTION_YES,
        VoteOption.VOTE_OPTION_NO,
        VoteOption.VOTE_OPTION_ABSTAIN,
        VoteOption.VOTE_OPTION_NO_WITH_VETO,
      ]);
      const msg = MsgVote.fromPartial({ proposalId: env.rng.pick(open).id, voter: from.address, option, metadata: "" });
      return { signer: from, msgs: [{ typeUrl: MsgVote.typeUrl, value: MsgVote.encode(msg).finish() }] };
    },
  },
  {
    name: "gov/vote-weighted",
    weight: 10,
    async plan(env) {
      const open = await env.view.proposalsIn(ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
      if (open.length === 0) return undefined;
      const from = await env.freeAccount();
      if (!from) return undefined;
      const yes = env.rng.range(1, 99);
      // weights that do not sum to one are refused
      const broken = env.rng.chance(0.1);
      const msg = MsgVoteWeighted.fromPartial({
        proposalId: env.rng.pick(open).id,
        voter: from.address,
        options: [
          { option: VoteOption.VOTE_OPTION_YES, weight: `0.${String(yes).padStart(2, "0")}` },
          { option: VoteOption.VOTE_OPTION_NO, weight: `0.${String(100 - yes - (broken ? 1 : 0)).padStart(2, "0")}` },
        ],
        metadata: "",
      });
      return {
        signer: from,
        msgs: [{ typeUrl: MsgVoteWeighted.typeUrl, value: MsgVoteWeighted.encode(msg).finish() }],
        invalid: broken,
      };
    },
  },
];
