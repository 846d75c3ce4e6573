import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { MsgUpdateParams as BankMsgUpdateParams } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  QueryProposalRequest,
  QueryProposalResponse,
  QueryTallyResultResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import {
  MsgUpdateParams as GovMsgUpdateParams,
  MsgDeposit,
  MsgSubmitProposal,
  MsgVote,
} from "cosmjs-types/cosmos/gov/v1/tx";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import { moduleAddress } from "../../chain/types/address.ts";
import { type FakeNode, startFakeNode } from "./fake-node.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

const CHAIN = "fake-chain-1";
const GOV = moduleAddress("gov");

describe("dgrid tx gov / query gov against a fake node", () => {
  let node: FakeNode;
  let alice: string;
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];
  const txFlags = () => ["--from", "alice", "--node", node.url, "--fees", "10000udgrid", "-y", "-o", "json", ...ring];
  const lastBody = () => TxBody.decode(TxRaw.decode(node.broadcast[node.broadcast.length - 1]).bodyBytes);

  before(async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" });
    alice = (await wallet.getAccounts())[0].address;
    const bankMsg = {
      typeUrl: BankMsgUpdateParams.typeUrl,
      value: BankMsgUpdateParams.encode({
        authority: GOV,
        params: { sendEnabled: [], defaultSendEnabled: false },
      }).finish(),
    };
    node = await startFakeNode(CHAIN, (path, data) => {
      if (path === "/cosmos.auth.v1beta1.Query/Account") {
        const req = QueryAccountRequest.decode(data);
        const acc = BaseAccount.fromPartial({ address: req.address, accountNumber: 3n, sequence: 5n });
        return {
          value: QueryAccountResponse.encode({
            account: { typeUrl: "/cosmos.auth.v1beta1.BaseAccount", value: BaseAccount.encode(acc).finish() },
          }).finish(),
        };
      }
      if (path === "/cosmos.gov.v1.Query/Proposal") {
        const id = QueryProposalRequest.decode(data).proposalId;
        if (id !== 1n)
          return { code: 22, log: `rpc error: code = NotFound desc = proposal ${id} doesn't exist: key not found` };
        return {
          value: QueryProposalResponse.encode({
            proposal: {
              id: 1n,
              messages: [bankMsg],
              status: ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD,
              finalTallyResult: { yesCount: "0", abstainCount: "0", noCount: "0", noWithVetoCount: "0" },
              submitTime: { seconds: 1_700_000_000n, nanos: 0 },
              depositEndTime: { seconds: 1_700_172_800n, nanos: 0 },
              totalDeposit: [{ denom: "udgrid", amount: "10000000" }],
              votingStartTime: { seconds: 1_700_000_000n, nanos: 0 },
              votingEndTime: { seconds: 1_700_172_800n, nanos: 0 },
              metadata: "",
              title: "disable sends",
              summary: "s",
              proposer: alice,
              expedited: false,
              failedReason: "",
            },
          }).finish(),
        };
      }
      if (path === "/cosmos.gov.v1.Query/TallyResult") {
        return {
          value: QueryTallyResultResponse.encode({
            tally: { yesCount: "7", abstainCount: "0", noCount: "3", noWithVetoCount: "0" },
          }).finish(),
        };
      }
      return { code: 6, log: `unknown query path ${path}` };
    });
    const r = await cli(["keys", "add", "alice", "--recover", ...ring], { stdin: KNOWN_MNEMONIC });
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await node?.close();
  });

  it("submit-proposal encodes the SDK v0.50 proposal file (messages with @type, durations, deposit)", async () => {
    const file = join(home, "proposal.json");
    writeFileSync(
      file,
      JSON.stringify({
        messages: [
          {
            "@type": "/cosmos.bank.v1beta1.MsgUpdateParams",
            authority: GOV,
            params: { send_enabled: [], default_send_enabled: false },
          },
          {
            "@type": "/cosmos.gov.v1.MsgUpdateParams",
            authority: GOV,
            params: {
              min_deposit: [{ denom: "udgrid", amount: "10000000" }],
              max_deposit_period: "60s",
              voting_period: "60.5s",
              quorum: "0.334000000000000000",
              threshold: "0.5",
              veto_threshold: "0.334",
              burn_vote_veto: true,
            },
          },
          {
            "@type": "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade",
            authority: GOV,
            plan: { name: "v2", height: "100", info: "" },
          },
        ],
        metadata: "ipfs://cid",
        deposit: "10000000udgrid",
        title: "disable sends",
        summary: "turn off transfers",
      }),
    );
    // a fixed limit: this fake node cannot simulate (submit-proposal estimates its gas by default)
    const r = await cli(["tx", "gov", "submit-proposal", file, ...txFlags(), "--gas", "300000"]);
    assert.equal(r.code, 0, r.stderr);
    const body = lastBody();
    assert.equal(body.messages[0].typeUrl, MsgSubmitProposal.typeUrl);
    const m = MsgSubmitProposal.decode(body.messages[0].value);
    assert.equal(m.proposer, alice);
    assert.deepEqual(m.initialDeposit, [{ denom: "udgrid", amount: "10000000" }]);
    assert.deepEqual(
      [m.title, m.summary, m.metadata, m.expedited],
      ["disable sends", "turn off transfers", "ipfs://cid", false],
    );
    assert.deepEqual(BankMsgUpdateParams.decode(m.messages[0].value), {
      authority: GOV,
      params: { sendEnabled: [], defaultSendEnabled: false },
    });
    const gp = GovMsgUpdateParams.decode(m.messages[1].value).params;
    assert.deepEqual(gp?.votingPeriod, { seconds: 60n, nanos: 500_000_000 });
    assert.deepEqual(gp?.maxDepositPeriod, { seconds: 60n, nanos: 0 });
    assert.equal(gp?.burnVoteVeto, true);
    assert.equal(MsgSoftwareUpgrade.decode(m.messages[2].value).plan.height, 100n);
  });

  it("submit-proposal refuses an unknown message type and a missing --from without broadcasting", async () => {
    const n = node.broadcast.length;
    const file = join(home, "bad.json");
    writeFileSync(file, JSON.stringify({ messages: [{ "@type": "/x.y.MsgZ" }], title: "t", summary: "s" }));
    let r = await cli(["tx", "gov", "submit-proposal", file, ...txFlags()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown message type \/x\.y\.MsgZ/);
    r = await cli(["tx", "gov", "vote", "1", "yes", "--node", node.url, "-y", ...ring]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--from/);
    r = await cli(["tx", "gov", "vote", "1", "maybe", ...txFlags()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid vote option "maybe"/);
    assert.equal(node.broadcast.length, n);
  });

  it("vote and deposit", async () => {
    let r = await cli(["tx", "gov", "vote", "1", "no_with_veto", ...txFlags()]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(MsgVote.decode(lastBody().messages[0].value), {
      proposalId: 1n,
      voter: alice,
      option: VoteOption.VOTE_OPTION_NO_WITH_VETO,
      metadata: "",
    });
    r = await cli(["tx", "gov", "deposit", "1", "5000000udgrid", ...txFlags()]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(MsgDeposit.decode(lastBody().messages[0].value), {
      proposalId: 1n,
      depositor: alice,
      amount: [{ denom: "udgrid", amount: "5000000" }],
    });
  });

  it("query gov proposal prints the SDK JSON with decoded messages; tally; a missing proposal is clear", async () => {
    let r = await cli(["query", "gov", "proposal", "1", "--node", node.url, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout).proposal;
    assert.equal(p.status, "PROPOSAL_STATUS_VOTING_PERIOD");
    assert.deepEqual(p.messages[0], {
      "@type": "/cosmos.bank.v1beta1.MsgUpdateParams",
      authority: GOV,
      params: { send_enabled: [], default_send_enabled: false },
    });
    assert.equal(p.voting_end_time, "2023-11-16T22:13:20Z");
    r = await cli(["query", "gov", "tally", "1", "--node", node.url, "-o", "json"]);
    assert.deepEqual(JSON.parse(r.stdout).tally, {
      yes_count: "7",
      abstain_count: "0",
      no_count: "3",
      no_with_veto_count: "0",
    });
    r = await cli(["query", "gov", "proposal", "2", "--node", node.url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /proposal 2 not found/);
  });
});
