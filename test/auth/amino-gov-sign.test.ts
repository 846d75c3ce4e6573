// SIGN_MODE_LEGACY_AMINO_JSON for x/gov v1 on the inference test chain: an amino-only voter (as Ledger
// and Keplr's amino mode) with CosmJS's defaults plus client/amino-gov.ts signs a MsgDeposit, a
// MsgVote and a MsgVoteWeighted on a proposal in its voting period, then its own MsgSubmitProposal of a
// DGrid MsgUpdateParams; the app checks the signatures with the same converters, accepts each in a
// block, and the gov state shows the deposit, the votes and the proposal with its message.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  QueryDepositRequest,
  QueryDepositResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryProposalRequest,
  QueryProposalResponse,
  QueryVoteRequest,
  QueryVoteResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import { moduleAddress } from "../../chain/types/address.ts";
import {
  QueryParamsRequest as QueryInferenceParamsRequest,
  QueryParamsResponse as QueryInferenceParamsResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";
import { MsgUpdateParams } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { setup, signed } from "../inference/chain-setup.ts";
import { step } from "../inference/harness.ts";
import { aminoSigner } from "./amino-signer.ts";

describe("SIGN_MODE_LEGACY_AMINO_JSON for x/gov v1", () => {
  it("accepts amino-signed MsgDeposit, MsgVote and MsgVoteWeighted; the votes and the deposit are recorded", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    const node = s.net.nodes[0];
    const query = async <T>(path: string, req: Uint8Array, decode: (b: Uint8Array) => T): Promise<T> => {
      const q = await node.app.query({ path, data: req, height: 0n, prove: false });
      assert.equal(q.code, 0, q.log);
      return decode(q.value);
    };
    // accounts in genesis order: alice 0 (direct signer: the proposal), creator 1 (the amino voter)
    const voter = await aminoSigner("creator", 1n);
    assert.equal(voter.address, s.creator.address);
    await step(s.net);
    const block = async (txs: Uint8Array[]) => {
      const b = await step(s.net, txs);
      return { codes: b.codes.slice(-txs.length), log: b.logs.join("\n") };
    };
    const params = await query(
      "/cosmos.gov.v1.Query/Params",
      QueryParamsRequest.encode({ paramsType: "deposit" }).finish(),
      QueryParamsResponse.decode,
    );
    const minDeposit = params.params!.minDeposit;
    // alice: a text proposal with the minimum deposit (so it votes at once), and funds for the voter
    // (a later deposit must be at least min_deposit_ratio of the minimum: 100000udgrid here)
    let b = await block([
      await signed(s, [
        {
          typeUrl: "/cosmos.gov.v1.MsgSubmitProposal",
          value: {
            messages: [],
            initialDeposit: minDeposit,
            proposer: s.alice.address,
            metadata: "ipfs://amino-gov",
            title: "amino votes",
            summary: "votes signed with SIGN_MODE_LEGACY_AMINO_JSON",
            expedited: false,
          },
        },
        {
          typeUrl: "/cosmos.bank.v1beta1.MsgSend",
          value: {
            fromAddress: s.alice.address,
            toAddress: voter.address,
            amount: [{ denom: "udgrid", amount: "1000000" }],
          },
        },
      ]),
    ]);
    assert.deepEqual(b.codes, [0], b.log);

    b = await block([
      await voter.sign([
        {
          typeUrl: "/cosmos.gov.v1.MsgDeposit",
          value: { proposalId: 1n, depositor: voter.address, amount: [{ denom: "udgrid", amount: "100000" }] },
        },
      ]),
    ]);
    assert.deepEqual(b.codes, [0], b.log);
    const deposit = await query(
      "/cosmos.gov.v1.Query/Deposit",
      QueryDepositRequest.encode({ proposalId: 1n, depositor: voter.address }).finish(),
      QueryDepositResponse.decode,
    );
    assert.deepEqual(deposit.deposit?.amount, [{ denom: "udgrid", amount: "100000" }]);

    const vote = async () =>
      (
        await query(
          "/cosmos.gov.v1.Query/Vote",
          QueryVoteRequest.encode({ proposalId: 1n, voter: voter.address }).finish(),
          QueryVoteResponse.decode,
        )
      ).vote?.options;
    b = await block([
      await voter.sign([
        {
          typeUrl: "/cosmos.gov.v1.MsgVote",
          value: { proposalId: 1n, voter: voter.address, option: VoteOption.VOTE_OPTION_NO, metadata: "" },
        },
      ]),
    ]);
    assert.deepEqual(b.codes, [0], b.log);
    assert.deepEqual(await vote(), [{ option: VoteOption.VOTE_OPTION_NO, weight: "1.000000000000000000" }]);

    b = await block([
      await voter.sign([
        {
          typeUrl: "/cosmos.gov.v1.MsgVoteWeighted",
          value: {
            proposalId: 1n,
            voter: voter.address,
            options: [
              { option: VoteOption.VOTE_OPTION_YES, weight: "0.700000000000000000" },
              { option: VoteOption.VOTE_OPTION_ABSTAIN, weight: "0.300000000000000000" },
            ],
            metadata: "split",
          },
        },
      ]),
    ]);
    assert.deepEqual(b.codes, [0], b.log);
    assert.deepEqual(await vote(), [
      { option: VoteOption.VOTE_OPTION_YES, weight: "0.700000000000000000" },
      { option: VoteOption.VOTE_OPTION_ABSTAIN, weight: "0.300000000000000000" },
    ]);

    // the voter's own proposal, amino-signed: a DGrid MsgUpdateParams (its own amino form inside)
    const inference = await query(
      "/dgrid.inference.v1.Query/Params",
      QueryInferenceParamsRequest.encode({}).finish(),
      QueryInferenceParamsResponse.decode,
    );
    const update = {
      authority: moduleAddress("gov"),
      params: { ...inference.params!, defaultRedundancy: 2 },
    };
    b = await block([
      await voter.sign([
        {
          typeUrl: "/cosmos.gov.v1.MsgSubmitProposal",
          value: {
            messages: [
              { typeUrl: "/dgrid.inference.v1.MsgUpdateParams", value: MsgUpdateParams.encode(update).finish() },
            ],
            initialDeposit: [{ denom: "udgrid", amount: "100000" }],
            proposer: voter.address,
            metadata: "ipfs://amino-proposal",
            title: "k = 2",
            summary: "an amino-signed proposal",
            expedited: false,
          },
        },
      ]),
    ]);
    assert.deepEqual(b.codes, [0], b.log);
    const proposal = await query(
      "/cosmos.gov.v1.Query/Proposal",
      QueryProposalRequest.encode({ proposalId: 2n }).finish(),
      QueryProposalResponse.decode,
    );
    assert.equal(proposal.proposal?.proposer, voter.address);
    assert.deepEqual(
      proposal.proposal?.messages.map((m) => MsgUpdateParams.decode(m.value)),
      [MsgUpdateParams.fromPartial(update)],
    );
  });
});
