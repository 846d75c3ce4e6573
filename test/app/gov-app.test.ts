// Governance through the Application interface, block by block: proposals carrying bank / gov /
// consensus / upgrade messages, signed by CosmJS, tallied against a fake staking keeper.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { encodePubkey, makeAuthInfoBytes } from "@cosmjs/proto-signing";
import { QueryClient, setupGovExtension } from "@cosmjs/stargate";
import type { CometClient } from "@cosmjs/tendermint-rpc";
import {
  QueryParamsRequest as BankParamsReq,
  QueryParamsResponse as BankParamsRes,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgUpdateParams as BankMsgUpdateParams, MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { QueryParamsRequest as CpReq, QueryParamsResponse as CpRes } from "cosmjs-types/cosmos/consensus/v1/query";
import { MsgUpdateParams as ConsensusMsgUpdateParams } from "cosmjs-types/cosmos/consensus/v1/tx";
import { ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  QueryProposalRequest,
  QueryProposalResponse,
  QueryProposalsRequest,
  QueryProposalsResponse,
  QueryTallyResultRequest,
  QueryTallyResultResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import {
  MsgUpdateParams as GovMsgUpdateParams,
  MsgSubmitProposal,
  MsgSubmitProposalResponse,
  MsgVote,
} from "cosmjs-types/cosmos/gov/v1/tx";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { QueryCurrentPlanRequest, QueryCurrentPlanResponse } from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import type { ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import pino from "pino";
import { DGridApp } from "../../app/app.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { defaultConsensusParams } from "../../chain/types/genesis.ts";
import { defaultGenesis as govDefaultGenesis } from "../../modules/gov/genesis.ts";
import { defaultParams as govDefaultParams } from "../../modules/gov/params.ts";
import { UpgradeNeededError } from "../../modules/upgrade/errors.ts";
import { FakeStaking } from "../modules/fake-staking.ts";
import { appStoreNames, CHAIN_ID, genesis, registry, signTx, type TestKey, testKey } from "./helpers.ts";
import { MemCommitMultiStore } from "./memory-store.ts";

const GOV = moduleAddress("gov");
registry.register(BankMsgUpdateParams.typeUrl, BankMsgUpdateParams); // to send it directly in a tx
const M = 1_000_000n;

/** Several identical nodes (apps) fed the same blocks; a log sink per node. */
class Net {
  readonly apps: DGridApp[] = [];
  readonly logs: string[][] = [];
  height = 0;
  time = 1_700_000_000n;
  private seq = new Map<string, bigint>();

  constructor(
    readonly staking: FakeStaking,
    nodes = 1,
  ) {
    for (let i = 0; i < nodes; i++) {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      this.logs.push(lines);
      this.apps.push(
        new DGridApp(
          { chainId: CHAIN_ID, minGasPrices: "0.025udgrid" },
          {
            db: undefined as any,
            logger: pino({ level: "info" }, sink),
            store: new MemCommitMultiStore({ storeNames: appStoreNames() }),
            govStakingKeeper: staking,
          },
        ),
      );
    }
  }

  get app(): DGridApp {
    return this.apps[0];
  }

  async init(appState: unknown) {
    for (const app of this.apps) {
      await app.initChain({
        time: { seconds: this.time, nanos: 0 },
        chainId: CHAIN_ID,
        consensusParams: defaultConsensusParams(),
        validators: [],
        appStateBytes: new TextEncoder().encode(JSON.stringify(appState)),
        initialHeight: 1n,
      });
    }
  }

  /** One block on every node (5 s later); returns node 0's response. */
  async block(txs: Uint8Array[] = []): Promise<ResponseFinalizeBlock> {
    this.height++;
    this.time += 5n;
    let first: ResponseFinalizeBlock | undefined;
    for (const app of this.apps) {
      const res = await app.finalizeBlock({
        txs,
        decidedLastCommit: { round: 0, votes: [] },
        misbehavior: [],
        hash: new Uint8Array(32),
        height: BigInt(this.height),
        time: { seconds: this.time, nanos: 0 },
        nextValidatorsHash: new Uint8Array(32),
        proposerAddress: new Uint8Array(20),
      });
      await app.commit({});
      first ??= res;
    }
    return first as ResponseFinalizeBlock;
  }

  async tx(key: TestKey, accountNumber: bigint, msgs: { typeUrl: string; value: unknown }[]): Promise<Uint8Array> {
    const sequence = this.seq.get(key.address) ?? 0n;
    this.seq.set(key.address, sequence + 1n);
    const bodyMsgs = msgs.map((m) => ({ typeUrl: m.typeUrl, value: m.value }));
    return signTxWith(key, bodyMsgs, accountNumber, sequence);
  }

  async query<T>(path: string, data: Uint8Array, dec: { decode(b: Uint8Array): T }): Promise<T> {
    const r = await this.app.query({ path, data, height: 0n, prove: false });
    assert.equal(r.code, 0, r.log);
    return dec.decode(r.value);
  }

  async proposal(id: bigint) {
    return (
      await this.query(
        "/cosmos.gov.v1.Query/Proposal",
        QueryProposalRequest.encode({ proposalId: id }).finish(),
        QueryProposalResponse,
      )
    ).proposal;
  }
}

async function signTxWith(
  key: TestKey,
  msgs: { typeUrl: string; value: unknown }[],
  accountNumber: bigint,
  sequence: bigint,
) {
  return signTx(key, msgs, { accountNumber, sequence, gas: 600_000n, fee: "15000" });
}

function anyOf<T>(codec: { typeUrl: string; encode(m: T): { finish(): Uint8Array } }, m: T) {
  return { typeUrl: codec.typeUrl, value: codec.encode(m).finish() };
}

function submitMsg(proposer: string, messages: { typeUrl: string; value: Uint8Array }[], deposit = 10n * M) {
  return {
    typeUrl: MsgSubmitProposal.typeUrl,
    value: MsgSubmitProposal.fromPartial({
      messages,
      initialDeposit: [{ denom: "udgrid", amount: deposit.toString() }],
      proposer,
      metadata: "ipfs://proposal",
      title: "a proposal",
      summary: "what it does",
    }),
  };
}

function voteMsg(voter: string, id: bigint, option = VoteOption.VOTE_OPTION_YES) {
  return { typeUrl: MsgVote.typeUrl, value: MsgVote.fromPartial({ proposalId: id, voter, option }) };
}

async function setup(nodes = 1) {
  const alice = await testKey("alice");
  const bob = await testKey("bob");
  const staking = new FakeStaking();
  staking.addValidator(alice.address, 100n * M); // alice runs the only validator: her vote decides
  const net = new Net(staking, nodes);
  const state = genesis([
    { address: alice.address, coins: [{ denom: "udgrid", amount: String(1000n * M) }] },
    { address: bob.address, coins: [{ denom: "udgrid", amount: String(1000n * M) }] },
  ]) as Record<string, unknown>;
  state.gov = {
    ...govDefaultGenesis(),
    params: {
      ...govDefaultGenesis().params,
      voting_period: "12s",
      max_deposit_period: "12s",
      expedited_voting_period: "6s",
    },
  };
  await net.init(state);
  return { net, alice, bob };
}

function proposalIdOf(res: ResponseFinalizeBlock, i = 0): bigint {
  const r = res.txResults[i];
  assert.equal(r.code, 0, r.log);
  const any = TxMsgData.decode(r.data).msgResponses[0];
  return MsgSubmitProposalResponse.decode(any.value).proposalId;
}

/** Submit (block), vote yes (block), then blocks until the voting period (12 s) ended. */
async function pass(net: Net, alice: TestKey, messages: { typeUrl: string; value: Uint8Array }[]) {
  const id = proposalIdOf(await net.block([await net.tx(alice, 0n, [submitMsg(alice.address, messages)])]));
  await net.block([await net.tx(alice, 0n, [voteMsg(alice.address, id)])]);
  const ends: ResponseFinalizeBlock[] = [];
  for (let i = 0; i < 2; i++) ends.push(await net.block());
  return { id, last: ends[ends.length - 1] };
}

function fakeComet(app: DGridApp): CometClient {
  return {
    async abciQuery(q: { path: string; data: Uint8Array; prove?: boolean; height?: number }) {
      const r = await app.query({ path: q.path, data: q.data, prove: false, height: BigInt(q.height ?? 0) });
      return { ...r, height: Number(r.height), index: 0 };
    },
    disconnect() {},
  } as unknown as CometClient;
}

describe("governance in DGridApp", () => {
  it("CosmJS's gov extension (v1beta1 queries) and a v1beta1 MsgVote work unchanged", async () => {
    const { net, alice, bob } = await setup();
    const msg = anyOf(BankMsgUpdateParams, { authority: GOV, params: { sendEnabled: [], defaultSendEnabled: false } });
    const id = proposalIdOf(await net.block([await net.tx(alice, 0n, [submitMsg(alice.address, [msg])])]));
    const legacyVote = {
      typeUrl: "/cosmos.gov.v1beta1.MsgVote",
      value: { proposalId: id, voter: alice.address, option: VoteOption.VOTE_OPTION_NO },
    };
    const res = await net.block([await net.tx(alice, 0n, [legacyVote])]);
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
    const q = QueryClient.withExtensions(fakeComet(net.app), setupGovExtension);
    const list = await q.gov.proposals(ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD, "", "");
    assert.deepEqual(
      list.proposals.map((p) => p.proposalId),
      [id],
    );
    assert.equal(list.proposals[0].content?.typeUrl, BankMsgUpdateParams.typeUrl);
    const one = await q.gov.proposal(Number(id));
    assert.deepEqual(one.proposal.totalDeposit, [{ denom: "udgrid", amount: String(10n * M) }]);
    assert.equal((await q.gov.tally(Number(id))).tally.no, String(100n * M));
    const votes = await q.gov.votes(Number(id));
    assert.equal(votes.votes[0].voter, alice.address);
    assert.equal(votes.votes[0].options[0].weight, "1000000000000000000");
    assert.equal((await q.gov.vote(Number(id), alice.address)).vote.options[0].option, VoteOption.VOTE_OPTION_NO);
    assert.equal((await q.gov.deposits(Number(id))).deposits[0].depositor, alice.address);
    assert.equal((await q.gov.deposit(Number(id), alice.address)).deposit.amount[0].amount, String(10n * M));
    const tallying = await q.gov.params("tallying");
    assert.equal(new TextDecoder().decode(tallying.tallyParams.quorum), "334000000000000000");
    assert.deepEqual((await q.gov.params("voting")).votingParams.votingPeriod, { seconds: 12n, nanos: 0 });
    await assert.rejects(q.gov.proposal(99), /doesn't exist/);
    assert.deepEqual(await net.app.checkInvariants(), []); // gov holds exactly the deposits
    void bob;
  });

  it("CosmJS 'auto' gas covers a MsgVote: the fee-less simulation x 1.4 is at least the gas delivered with a fee", async () => {
    // CosmJS simulates with an empty fee (no deduction, ~10k gas less) and signs for 1.4 x the estimate;
    // the ante handler reads params and accounts where the SDK's decorators do, so the margin holds
    const { net, alice } = await setup();
    const id = proposalIdOf(await net.block([await net.tx(alice, 0n, [submitMsg(alice.address, [])])]));
    const vote = voteMsg(alice.address, id);
    const bodyBytes = registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: [vote], memo: "" } });
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(alice.pubkey)), sequence: 1n }],
      [],
      0,
      undefined,
      undefined,
    );
    const sim = await net.app.query({
      path: "/cosmos.tx.v1beta1.Service/Simulate",
      data: SimulateRequest.encode({
        txBytes: TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [new Uint8Array()] }).finish(),
      }).finish(),
      height: 0n,
      prove: false,
    });
    assert.equal(sim.code, 0, sim.log);
    const estimate = Number(SimulateResponse.decode(sim.value).gasInfo?.gasUsed ?? 0n);
    const res = await net.block([await net.tx(alice, 0n, [vote])]);
    assert.equal(res.txResults[0].code, 0, res.txResults[0].log);
    const delivered = Number(res.txResults[0].gasUsed);
    assert.ok(delivered > estimate, "the delivery pays the fee deduction the simulation skipped");
    assert.ok(Math.ceil(estimate * 1.4) >= delivered, `estimate ${estimate} x 1.4 < delivered ${delivered}`);
  });

  it("a bank MsgUpdateParams proposal is applied after the voting period", async () => {
    const { net, alice, bob } = await setup();
    const msg = anyOf(BankMsgUpdateParams, { authority: GOV, params: { sendEnabled: [], defaultSendEnabled: false } });
    const id = proposalIdOf(await net.block([await net.tx(alice, 0n, [submitMsg(alice.address, [msg])])]));
    assert.equal((await net.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    await net.block([await net.tx(alice, 0n, [voteMsg(alice.address, id)])]);
    const live = await net.query(
      "/cosmos.gov.v1.Query/TallyResult",
      QueryTallyResultRequest.encode({ proposalId: id }).finish(),
      QueryTallyResultResponse,
    );
    assert.equal(live.tally?.yesCount, String(100n * M));
    await net.block(); // 10 s after the voting start: still voting
    assert.equal((await net.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    const end = await net.block(); // 15 s: tallied and executed in EndBlock
    const p = await net.proposal(id);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    assert.ok(
      end.events.some((e) => e.type === "active_proposal" && e.attributes.some((a) => a.value === "proposal_passed")),
    );
    const bank = await net.query("/cosmos.bank.v1beta1.Query/Params", BankParamsReq.encode({}).finish(), BankParamsRes);
    assert.equal(bank.params?.defaultSendEnabled, false);
    // the new params bite: a send now fails with bank's ErrSendDisabled
    const sendTx = await net.tx(bob, 1n, [
      {
        typeUrl: MsgSend.typeUrl,
        value: { fromAddress: bob.address, toAddress: alice.address, amount: [{ denom: "udgrid", amount: "1" }] },
      },
    ]);
    const r = (await net.block([sendTx])).txResults[0];
    assert.deepEqual([r.codespace, r.code], ["bank", 5]);
    const list = await net.query(
      "/cosmos.gov.v1.Query/Proposals",
      QueryProposalsRequest.encode({
        proposalStatus: ProposalStatus.PROPOSAL_STATUS_PASSED,
        voter: "",
        depositor: "",
      }).finish(),
      QueryProposalsResponse,
    );
    assert.deepEqual(
      list.proposals.map((x) => x.id),
      [id],
    );
    assert.deepEqual(await net.app.checkInvariants(), []);
  });

  it("an unauthorized or unroutable message is refused at submission, deposit untouched", async () => {
    const { net, alice } = await setup();
    const wrongAuthority = anyOf(BankMsgUpdateParams, {
      authority: alice.address,
      params: { sendEnabled: [], defaultSendEnabled: false },
    });
    const unroutable = { typeUrl: "/dgrid.nothing.v1.MsgNothing", value: new Uint8Array() };
    const direct = { typeUrl: BankMsgUpdateParams.typeUrl, value: BankMsgUpdateParams.decode(wrongAuthority.value) };
    const res = await net.block([
      await net.tx(alice, 0n, [submitMsg(alice.address, [wrongAuthority])]),
      await net.tx(alice, 0n, [submitMsg(alice.address, [unroutable])]),
      await net.tx(alice, 0n, [direct]), // not through governance at all
    ]);
    assert.deepEqual(
      res.txResults.map((r) => [r.codespace, r.code]),
      [
        ["gov", 13],
        ["gov", 10],
        ["gov", 13],
      ],
    );
    const list = await net.query(
      "/cosmos.gov.v1.Query/Proposals",
      QueryProposalsRequest.encode({ proposalStatus: 0, voter: "", depositor: "" }).finish(),
      QueryProposalsResponse,
    );
    assert.equal(list.proposals.length, 0);
  });

  it("a proposal whose message fails at execution changes nothing (FAILED)", async () => {
    const { net, alice } = await setup();
    const before = await net.app.exportAppState();
    const govParams = anyOf(GovMsgUpdateParams, { authority: GOV, params: { ...govDefaultParams(), quorum: "0.5" } });
    const tooMuch = anyOf(MsgSend, {
      fromAddress: GOV,
      toAddress: alice.address,
      amount: [{ denom: "udgrid", amount: String(999n * M) }],
    });
    const { id } = await pass(net, alice, [govParams, tooMuch]);
    const p = await net.proposal(id);
    assert.equal(p?.status, ProposalStatus.PROPOSAL_STATUS_FAILED);
    assert.match(p?.failedReason ?? "", /insufficient funds/);
    const after = (await net.app.exportAppState()) as any;
    assert.deepEqual(after.gov.params, (before as any).gov.params);
    assert.deepEqual(await net.app.checkInvariants(), []);
  });

  it("a consensus params proposal reaches FinalizeBlock's consensus_param_updates", async () => {
    const { net, alice } = await setup();
    const cp = defaultConsensusParams();
    const before = await net.query("/cosmos.consensus.v1.Query/Params", CpReq.encode({}).finish(), CpRes);
    assert.equal(before.params?.block?.maxBytes, cp.block?.maxBytes);
    const msg = anyOf(ConsensusMsgUpdateParams, {
      authority: GOV,
      block: { maxBytes: 1_048_576n, maxGas: 50_000_000n },
      evidence: cp.evidence,
      validator: cp.validator,
      abci: { voteExtensionsEnableHeight: 100n },
    });
    const { id, last } = await pass(net, alice, [msg]);
    assert.equal((await net.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    assert.equal(last.consensusParamUpdates?.block?.maxGas, 50_000_000n);
    assert.equal(last.consensusParamUpdates?.block?.maxBytes, 1_048_576n);
    assert.equal(last.consensusParamUpdates?.abci?.voteExtensionsEnableHeight, 100n);
    assert.equal((await net.block()).consensusParamUpdates, undefined); // only in the block that changed them
    const after = await net.query("/cosmos.consensus.v1.Query/Params", CpReq.encode({}).finish(), CpRes);
    assert.equal(after.params?.block?.maxGas, 50_000_000n);
  });

  it("an upgrade plan halts every node at its height with the log line and the same last app hash", async () => {
    const { net, alice } = await setup(2);
    const planHeight = 8n;
    const msg = anyOf(MsgSoftwareUpgrade, {
      authority: GOV,
      plan: { name: "v2", height: planHeight, info: "", time: undefined as any },
    });
    await pass(net, alice, [msg]); // blocks 1-4
    const plan = await net.query(
      "/cosmos.upgrade.v1beta1.Query/CurrentPlan",
      QueryCurrentPlanRequest.encode({}).finish(),
      QueryCurrentPlanResponse,
    );
    assert.equal(plan.plan?.name, "v2");
    while (net.height < Number(planHeight) - 1) await net.block();
    await assert.rejects(net.block(), UpgradeNeededError);
    const infos = await Promise.all(
      net.apps.map((a) => a.info({ version: "", blockVersion: 0n, p2pVersion: 0n, abciVersion: "" })),
    );
    for (const info of infos) assert.equal(info.lastBlockHeight, planHeight - 1n);
    assert.deepEqual(infos[0].lastBlockAppHash, infos[1].lastBlockAppHash);
    assert.ok(net.logs[0].some((l) => l.includes('UPGRADE \\"v2\\" NEEDED at height 8')));
    // the block is refused again (a restart replays it and halts the same way)
    await assert.rejects(
      net.apps[1].finalizeBlock({
        txs: [],
        decidedLastCommit: { round: 0, votes: [] },
        misbehavior: [],
        hash: new Uint8Array(32),
        height: planHeight,
        time: { seconds: net.time + 5n, nanos: 0 },
        nextValidatorsHash: new Uint8Array(32),
        proposerAddress: new Uint8Array(20),
      }),
      UpgradeNeededError,
    );
  });
});
