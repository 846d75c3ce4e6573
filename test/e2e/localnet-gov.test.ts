// Governance end to end on a 4-validator localnet (separate `dgrid start` processes over libp2p),
// driven by unmodified CosmJS clients (SigningStargateClient, DGridClient; QueryClient with the gov,
// bank and staking extensions). One localnet, started once, one ordered scenario:
// - a delegator voting against its validator moves exactly its stake in the live and final tally;
// - a proposal that misses quorum is rejected and its deposit refunded (burn_vote_quorum=false); a
//   vetoed one burns its deposit (supply shrinks by exactly the deposit at the execution height);
// - unauthorized / invalid proposal messages are refused at submission (gov codes 13, 10, 12); a
//   proposal whose second message fails at execution is FAILED and changes nothing;
// - with validator 3 stopped (still bonded and serving, so requests assigned to it stay pending until
//   their commit deadline): raising default_redundancy 2 -> 3 leaves every request included up to
//   the execution height (one of them pending across it) with 2 executors, later ones get 3;
//   delisting the demo model refuses new requests (inference:3 "delisted") while one pending at the
//   delisting settles as the protocol says (finalized by the 2 executors that committed), escrow empty;
// - an (expedited) software-upgrade plan halts all four nodes at its height with the same last app hash.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet, type EncodeObject, type OfflineDirectSigner } from "@cosmjs/proto-signing";
import {
  type BankExtension,
  BroadcastTxError,
  type DeliverTxResponse,
  type GovExtension,
  QueryClient,
  type SigningStargateClient,
  type StakingExtension,
  setupBankExtension,
  setupGovExtension,
  setupStakingExtension,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import {
  QueryBalanceRequest,
  QueryBalanceResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { type Proposal, ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  QueryParamsRequest as GovQueryParamsRequest,
  QueryParamsResponse as GovQueryParamsResponse,
  QueryProposalRequest,
  QueryProposalResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import { MsgSubmitProposal, MsgVote } from "cosmjs-types/cosmos/gov/v1/tx";
import { ProposalStatus as LegacyStatus } from "cosmjs-types/cosmos/gov/v1beta1/gov";
import { QueryCurrentPlanRequest, QueryCurrentPlanResponse } from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { PROPOSAL_MSG_TYPES } from "../../app/cli/gov-impl.ts";
import { DEVNET_MNEMONIC } from "../../app/devnet.ts";
import { LOCALNET_OPERATOR_KEY } from "../../app/localnet.ts";
import { Keyring } from "../../chain/keyring/keyring.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { connectSigningClient, DGridClient, type SigningDGridClient, TxFailedError } from "../../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import {
  type Params as InferenceParams,
  type InferenceRequest,
  RequestStatus,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  QueryParamsRequest,
  QueryParamsResponse,
  QueryPendingRequestsRequest,
  QueryPendingRequestsResponse,
  QueryRequestRequest,
  QueryRequestResponse,
  QueryResultRequest,
  QueryResultResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";
import { MsgUpdateParams as InferenceMsgUpdateParams } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import {
  QueryModelRequest,
  QueryModelResponse,
  QueryModelServersRequest,
  QueryModelServersResponse,
} from "../../proto/gen/dgrid/registry/v1/query.ts";
import { MsgDelistModel } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { valoperOf, waitFor } from "../support/localnet-staking.ts";
import { seededFloats } from "../support/mlp-model.ts";
import { rpcCall } from "../support/node-process.ts";

const GOV = moduleAddress("gov");
const ESCROW = moduleAddress("inference");
const DENOM = "udgrid";
/** the localnet's gov min_deposit (SDK default 10 DGRID): proposals enter their voting period at once */
const DEPOSIT = 10_000_000n;
const EXPEDITED_DEPOSIT = 50_000_000n;
const VOTING_PERIOD_S = 10;
/** timeout_commit: blocks are at least this far apart, so a 10 s voting period spans at most ~20 blocks */
const TIMEOUT_COMMIT_MS = 500;
/** commit deadline (blocks): well beyond a voting period, so a request assigned to the stopped validator
 * during the voting period is still pending when the proposal executes */
const COMMIT_DEADLINE = 25;
const MODEL_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
const extraTypes = [...PROPOSAL_MSG_TYPES, ...dgridMsgTypes];
const b64ToHex = (s: string) => Buffer.from(s, "base64").toString("hex").toUpperCase();

type Queries = QueryClient & GovExtension & BankExtension & StakingExtension;

describe("governance on a 4-validator localnet", { timeout: 900_000 }, () => {
  let net: TestLocalnet;
  let nodes: RunningNode[];
  let comet: Comet38Client;
  let q: Queries;
  /** the devnet's funded account: funds the others, proposes */
  let funder: SigningStargateClient;
  let funderAddr: string;
  /** validator i's operator account (its home's test keyring), connected to a node that stays up */
  const vals: { client: SigningStargateClient; address: string; valoper: string }[] = [];
  let requester: SigningDGridClient;
  const closers: (() => void)[] = [];

  async function hdWallet(index: number): Promise<DirectSecp256k1HdWallet> {
    return DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, {
      prefix: "dgrid",
      hdPaths: [stringToPath(`m/44'/118'/0'/0/${index}`)],
    });
  }

  async function signer(url: string, wallet: OfflineDirectSigner) {
    const client = await connectSigningClient(url, wallet, { extraTypes });
    closers.push(() => client.disconnect());
    const [{ address }] = await wallet.getAccounts();
    return { client, address };
  }

  before(async () => {
    net = await createTestLocalnet({
      validators: 4,
      timeoutCommitMs: TIMEOUT_COMMIT_MS,
      params: {
        gov: {
          voting_period: `${VOTING_PERIOD_S}s`,
          max_deposit_period: `${VOTING_PERIOD_S}s`,
          expedited_voting_period: "5s",
        },
        // validator 3 is stopped for a while: it must stay bonded (and a candidate executor)
        slashing: { signed_blocks_window: "100000" },
        inference: { default_redundancy: 2, commit_deadline_blocks: String(COMMIT_DEADLINE) },
      },
    });
    nodes = net.nodes;
    for (let i = 0; i < 4; i++) net.start(i);
    await waitAllHeight(nodes, 2, 180_000);
    comet = await Comet38Client.connect(nodes[0].rpcUrl);
    closers.push(() => comet.disconnect());
    q = QueryClient.withExtensions(comet, setupGovExtension, setupBankExtension, setupStakingExtension);
    ({ client: funder, address: funderAddr } = await signer(nodes[1].rpcUrl, await hdWallet(0)));
    for (let i = 0; i < 4; i++) {
      const ring = new Keyring({ backend: "test", dir: nodes[i].home });
      // validator 3's operator signs through node 2 (node 3 is stopped in the middle of the scenario)
      const s = await signer(nodes[Math.min(i, 2)].rpcUrl, await ring.signer(LOCALNET_OPERATOR_KEY));
      assert.equal(s.address, nodes[i].operatorAddress);
      vals.push({ ...s, valoper: valoperOf(nodes[i]) });
    }
    const reqWallet = await hdWallet(11);
    requester = await DGridClient.connectWithSigner(nodes[1].rpcUrl, reqWallet);
    closers.push(() => requester.disconnect());
    const res = await funder.sendTokens(
      funderAddr,
      requester.address,
      [{ denom: DENOM, amount: "1000000000" }],
      "auto",
    );
    assert.equal(res.code, 0, res.rawLog);
    // every validator's node checked the demo model's golden vectors and sent MsgServeModel
    await waitFor(
      "the 4 validators to serve the demo model",
      async () => (await modelServers()).length === 4,
      180_000,
      500,
    );
  });

  after(async () => {
    for (const c of closers) c();
    if (net) await net.cleanup();
  });

  // ---- queries ----

  async function abci(path: string, data: Uint8Array, height?: number): Promise<Uint8Array> {
    return (await q.queryAbci(path, data, height)).value;
  }

  async function modelServers(): Promise<string[]> {
    const res = QueryModelServersResponse.decode(
      await abci(
        "/dgrid.registry.v1.Query/ModelServers",
        QueryModelServersRequest.encode(QueryModelServersRequest.fromPartial({ modelId: MODEL_ID })).finish(),
      ),
    );
    return res.servers.map((s) => s.validator);
  }

  async function inferenceParams(height?: number): Promise<InferenceParams> {
    const p = QueryParamsResponse.decode(
      await abci("/dgrid.inference.v1.Query/Params", QueryParamsRequest.encode({}).finish(), height),
    ).params;
    assert.ok(p);
    return p;
  }

  async function request(id: bigint, height?: number): Promise<InferenceRequest> {
    const r = QueryRequestResponse.decode(
      await abci("/dgrid.inference.v1.Query/Request", QueryRequestRequest.encode({ id }).finish(), height),
    ).request;
    assert.ok(r, `request ${id}`);
    return r;
  }

  async function result(id: bigint) {
    try {
      return QueryResultResponse.decode(
        await abci("/dgrid.inference.v1.Query/Result", QueryResultRequest.encode({ id }).finish()),
      ).result;
    } catch {
      return undefined; // pending
    }
  }

  async function pendingRequests(height?: number): Promise<InferenceRequest[]> {
    return QueryPendingRequestsResponse.decode(
      await abci(
        "/dgrid.inference.v1.Query/PendingRequests",
        QueryPendingRequestsRequest.encode(QueryPendingRequestsRequest.fromPartial({})).finish(),
        height,
      ),
    ).requests;
  }

  /** cosmos.gov.v1 proposal (failed_reason, messages), optionally at a height */
  async function proposalV1(id: bigint, height?: number): Promise<Proposal> {
    const p = QueryProposalResponse.decode(
      await abci("/cosmos.gov.v1.Query/Proposal", QueryProposalRequest.encode({ proposalId: id }).finish(), height),
    ).proposal;
    assert.ok(p);
    return p;
  }

  async function supply(height?: number): Promise<bigint> {
    const res = QuerySupplyOfResponse.decode(
      await abci("/cosmos.bank.v1beta1.Query/SupplyOf", QuerySupplyOfRequest.encode({ denom: DENOM }).finish(), height),
    );
    return BigInt(res.amount?.amount ?? "0");
  }

  async function balance(address: string, height?: number): Promise<bigint> {
    const res = QueryBalanceResponse.decode(
      await abci(
        "/cosmos.bank.v1beta1.Query/Balance",
        QueryBalanceRequest.encode({ address, denom: DENOM }).finish(),
        height,
      ),
    );
    return BigInt(res.balance?.amount ?? "0");
  }

  async function appHeight(): Promise<number> {
    return (await comet.abciInfo()).lastBlockHeight ?? 0;
  }

  /** Waits until a node (default node 0, the queries' node) committed `height` (txs go through several nodes). */
  async function synced(height: number, n: RunningNode = nodes[0]): Promise<void> {
    await waitFor(
      `${n.name} to commit ${height}`,
      async () => Number((await rpcCall(n.rpcUrl, "abci_info")).result.response.last_block_height) >= height,
      120_000,
      100,
    );
  }

  // ---- gov txs ----

  const inferenceUpdate = (params: InferenceParams, authority = GOV): Any => ({
    typeUrl: "/dgrid.inference.v1.MsgUpdateParams",
    value: InferenceMsgUpdateParams.encode({ authority, params }).finish(),
  });

  const submitMsg = (
    proposer: string,
    messages: Any[],
    title: string,
    metadata = "",
    expedited = false,
  ): EncodeObject => ({
    typeUrl: MsgSubmitProposal.typeUrl,
    value: MsgSubmitProposal.fromPartial({
      messages,
      expedited,
      initialDeposit: [{ denom: DENOM, amount: String(expedited ? EXPEDITED_DEPOSIT : DEPOSIT) }],
      proposer,
      metadata,
      title,
      summary: `${title} (localnet e2e)`,
    }),
  });

  /** Submits a proposal; resolves to its id and inclusion height. */
  async function submit(
    messages: Any[],
    title: string,
    from: { client: SigningStargateClient; address: string } = { client: funder, address: funderAddr },
    metadata = "",
    expedited = false,
  ): Promise<{ id: bigint; height: number; res: DeliverTxResponse }> {
    const res = await from.client.signAndBroadcast(
      from.address,
      [submitMsg(from.address, messages, title, metadata, expedited)],
      "auto",
    );
    assert.equal(res.code, 0, res.rawLog);
    await synced(res.height);
    const id = res.events
      .find((e) => e.type === "submit_proposal")
      ?.attributes.find((a) => a.key === "proposal_id")?.value;
    assert.ok(id, "submit_proposal event with proposal_id");
    assert.equal(
      (await q.gov.proposal(id)).proposal.status,
      LegacyStatus.PROPOSAL_STATUS_VOTING_PERIOD,
      "the deposit starts the voting period",
    );
    return { id: BigInt(id), height: res.height, res };
  }

  async function vote(from: { client: SigningStargateClient; address: string }, id: bigint, option: VoteOption) {
    const res = await from.client.signAndBroadcast(
      from.address,
      [
        {
          typeUrl: MsgVote.typeUrl,
          value: MsgVote.fromPartial({ proposalId: id, voter: from.address, option, metadata: "" }),
        },
      ],
      "auto",
    );
    assert.equal(res.code, 0, res.rawLog);
    await synced(res.height);
  }

  /** Votes of validators (index -> option), in parallel (distinct accounts). */
  /** every validator of the localnet votes yes */
  const ALL_YES = {
    0: VoteOption.VOTE_OPTION_YES,
    1: VoteOption.VOTE_OPTION_YES,
    2: VoteOption.VOTE_OPTION_YES,
    3: VoteOption.VOTE_OPTION_YES,
  };

  async function votes(id: bigint, options: Partial<Record<number, VoteOption>>) {
    await Promise.all(Object.entries(options).map(([i, o]) => vote(vals[Number(i)], id, o as VoteOption)));
  }

  /**
   * Waits until the proposal left its voting period; returns it and the height whose EndBlock
   * tallied it (the first height whose state no longer shows it in the voting period).
   */
  async function finished(id: bigint, from: number): Promise<{ p: Proposal; hExec: number }> {
    const p = await waitFor(
      `proposal ${id} to finish`,
      async () => {
        const v = await proposalV1(id);
        return v.status === ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD ||
          v.status === ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD
          ? undefined
          : v;
      },
      120_000,
    );
    let lo = from; // in its voting period at `from`
    let hi = await appHeight(); // finished at `hi`
    assert.equal((await proposalV1(id, lo)).status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    assert.notEqual((await proposalV1(id, hi)).status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await proposalV1(id, mid)).status === ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD) lo = mid;
      else hi = mid;
    }
    assert.equal((await proposalV1(id, hi)).status, p.status);
    return { p, hExec: hi };
  }

  /** Broadcasts a proposal that must be refused; returns its code and codespace (CheckTx or DeliverTx). */
  async function refused(from: { client: SigningStargateClient; address: string }, messages: Any[], title: string) {
    const before = await balance(from.address);
    const fee = { amount: [{ denom: DENOM, amount: "10000" }], gas: "400000" };
    let code: number;
    let codespace: string;
    let log: string;
    try {
      const res = await from.client.signAndBroadcast(from.address, [submitMsg(from.address, messages, title)], fee);
      code = res.code;
      log = res.rawLog ?? "";
      // the client found it on its own node (1); node 0, which `comet` reads, may index it a moment later
      const hash = Buffer.from(res.transactionHash, "hex");
      const indexed = await waitFor(`tx ${res.transactionHash} on node 0`, () => comet.tx({ hash }), 30_000, 200);
      codespace = indexed.result.codespace ?? "";
    } catch (e) {
      assert.ok(e instanceof BroadcastTxError, String(e));
      code = e.code;
      codespace = e.codespace;
      log = e.log ?? "";
    }
    // nothing escrowed: at most the fee was charged
    assert.ok(before - (await balance(from.address)) <= 10_000n, "no deposit taken");
    return { code, codespace, log };
  }

  // ---- inference ----

  function requestMsg(seed: number): EncodeObject {
    const x = seededFloats(seed, 16);
    return {
      typeUrl: "/dgrid.inference.v1.MsgRequestInference",
      value: {
        requester: requester.address,
        modelId: MODEL_ID,
        inputs: [{ name: "input", dtype: "float32", shape: [1, 16], data: new Uint8Array(x.buffer) }],
        maxFee: { denom: DENOM, amount: "1000000" },
        redundancy: 0, // the chain's default_redundancy
      },
    };
  }

  let seed = 1000;
  /** Submits `n` requests (default redundancy) in one tx; returns their ids and the inclusion height. */
  async function requestBatch(n: number): Promise<{ ids: bigint[]; height: number }> {
    const res = await requester.submit(Array.from({ length: n }, () => requestMsg(seed++)));
    const ids = res.events
      .filter((e) => e.type === "request_created")
      .map((e) => BigInt(e.attributes.find((a) => a.key === "request_id")?.value ?? "0"));
    assert.equal(ids.length, n);
    await synced(res.height);
    return { ids, height: res.height };
  }

  /**
   * Submits batches until a request is assigned to validator 3 (stopped: the request then waits for
   * its commit deadline). Returns that request and every request created meanwhile.
   */
  async function requestAssignedTo3(perBatch: number): Promise<{ pending: InferenceRequest; all: InferenceRequest[] }> {
    const all: InferenceRequest[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const { ids, height } = await requestBatch(perBatch);
      for (const id of ids) {
        const r = await request(id);
        assert.equal(Number(r.createdHeight), height);
        all.push(r);
      }
      const pending = all.find((r) => r.executors.some((e) => e.validator === vals[3].valoper));
      if (pending) return { pending, all };
    }
    throw new Error("no request was assigned to validator 3 in 20 batches");
  }

  // ---- the scenario ----

  it("genesis: 4 bonded validators of 100000000 tokens serving the demo model; default_redundancy 2", async () => {
    const bonded = await q.staking.validators("BOND_STATUS_BONDED");
    assert.deepEqual(bonded.validators.map((v) => v.operatorAddress).sort(), vals.map((v) => v.valoper).sort());
    for (const v of bonded.validators) assert.equal(v.tokens, "100000000");
    assert.deepEqual((await modelServers()).sort(), vals.map((v) => v.valoper).sort());
    assert.equal((await inferenceParams()).defaultRedundancy, 2);
    const gp = GovQueryParamsResponse.decode(
      await abci("/cosmos.gov.v1.Query/Params", GovQueryParamsRequest.encode({ paramsType: "" }).finish()),
    ).params;
    assert.ok(gp);
    assert.deepEqual(gp.minDeposit, [{ denom: DENOM, amount: String(DEPOSIT) }]);
    assert.equal(gp.votingPeriod?.seconds, BigInt(VOTING_PERIOD_S));
    assert.deepEqual(gp.expeditedMinDeposit, [{ denom: DENOM, amount: String(EXPEDITED_DEPOSIT) }]);
    // what the deposit tests below rely on (SDK defaults)
    assert.deepEqual([gp.burnVoteQuorum, gp.burnVoteVeto, gp.burnProposalDepositPrevote], [false, true, false]);
    assert.deepEqual(
      [gp.quorum, gp.threshold, gp.vetoThreshold],
      ["0.334000000000000000", "0.500000000000000000", "0.334000000000000000"],
    );
  });

  it("a delegator voting against its validator moves exactly its stake in the tally", async () => {
    const d = await signer(nodes[2].rpcUrl, await hdWallet(10));
    const stake = 50_000_000n;
    const fund = await funder.sendTokens(funderAddr, d.address, [{ denom: DENOM, amount: "100000000" }], "auto");
    assert.equal(fund.code, 0, fund.rawLog);
    await synced(fund.height, nodes[2]);
    const del = await d.client.delegateTokens(
      d.address,
      vals[0].valoper,
      { denom: DENOM, amount: String(stake) },
      "auto",
    );
    assert.equal(del.code, 0, del.rawLog);
    await synced(del.height);
    const tokens = async (i: number) => BigInt((await q.staking.validator(vals[i].valoper)).validator.tokens);
    assert.equal(await tokens(0), 100_000_000n + stake);
    const delegation = await q.staking.delegation(d.address, vals[0].valoper);
    assert.deepEqual(delegation.delegationResponse?.balance, { denom: DENOM, amount: String(stake) });

    // a text proposal (metadata only): its passing would change nothing
    const { id, height } = await submit([], "text proposal", undefined, "ipfs://localnet-e2e-text-proposal");
    await votes(id, {
      0: VoteOption.VOTE_OPTION_YES,
      1: VoteOption.VOTE_OPTION_NO,
      2: VoteOption.VOTE_OPTION_ABSTAIN,
    });
    const [t0, t1, t2] = [await tokens(0), await tokens(1), await tokens(2)];
    const without = (await q.gov.tally(String(id))).tally;
    assert.deepEqual(
      [without?.yes, without?.no, without?.abstain, without?.noWithVeto],
      [String(t0), String(t1), String(t2), "0"],
      "each validator votes with all its bonded tokens (the delegation inherits validator 0's yes)",
    );
    await vote(d, id, VoteOption.VOTE_OPTION_NO);
    const withVote = (await q.gov.tally(String(id))).tally;
    assert.equal(BigInt(without?.yes ?? 0) - BigInt(withVote?.yes ?? 0), stake);
    assert.equal(BigInt(withVote?.no ?? 0) - BigInt(without?.no ?? 0), stake);
    assert.deepEqual([withVote?.abstain, withVote?.noWithVeto], [String(t2), "0"]);
    const v = await q.gov.vote(String(id), d.address);
    assert.equal(v.vote.options[0]?.option, VoteOption.VOTE_OPTION_NO);

    const { p } = await finished(id, height);
    // yes 100M / (100M + 150M) = 0.4 <= 0.5: the delegator's vote turned a pass (150/250) into a rejection
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    assert.deepEqual(
      [
        p.finalTallyResult?.yesCount,
        p.finalTallyResult?.noCount,
        p.finalTallyResult?.abstainCount,
        p.finalTallyResult?.noWithVetoCount,
      ],
      [String(t0 - stake), String(t1 + stake), String(t2), "0"],
    );
  });

  it("a proposal missing quorum is rejected and its deposit refunded; a vetoed one burns its deposit", async () => {
    const proposer = await signer(nodes[1].rpcUrl, await hdWallet(12));
    const fund = await funder.sendTokens(funderAddr, proposer.address, [{ denom: DENOM, amount: "100000000" }], "auto");
    assert.equal(fund.code, 0, fund.rawLog);
    const current = await inferenceParams();

    // quorum: only validator 3 votes: 100M of 450M bonded < 0.334
    const low = await submit(
      [inferenceUpdate({ ...current, revealDeadlineBlocks: current.revealDeadlineBlocks + 1n })],
      "misses quorum",
      proposer,
    );
    // veto: 250M no_with_veto (validator 0 with the delegation, validator 1) of 350M voting > 0.334
    const veto = await submit(
      [inferenceUpdate({ ...current, revealDeadlineBlocks: current.revealDeadlineBlocks + 2n })],
      "vetoed",
      proposer,
    );
    const afterSubmit = await balance(proposer.address);
    const deposits = await q.gov.deposits(String(low.id));
    assert.deepEqual(
      deposits.deposits.map((x) => [x.depositor, x.amount]),
      [[proposer.address, [{ denom: DENOM, amount: String(DEPOSIT) }]]],
    );
    await Promise.all([
      vote(vals[3], low.id, VoteOption.VOTE_OPTION_YES),
      votes(veto.id, {
        0: VoteOption.VOTE_OPTION_NO_WITH_VETO,
        1: VoteOption.VOTE_OPTION_NO_WITH_VETO,
        2: VoteOption.VOTE_OPTION_YES,
      }),
    ]);
    const lowDone = await finished(low.id, low.height);
    const vetoDone = await finished(veto.id, veto.height);

    assert.equal(lowDone.p.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    assert.equal(
      lowDone.p.finalTallyResult?.yesCount,
      String(BigInt((await q.staking.validator(vals[3].valoper)).validator.tokens)),
    );
    assert.equal(vetoDone.p.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    const tokens = async (i: number) => BigInt((await q.staking.validator(vals[i].valoper)).validator.tokens);
    assert.deepEqual(
      [vetoDone.p.finalTallyResult?.noWithVetoCount, vetoDone.p.finalTallyResult?.yesCount],
      [String((await tokens(0)) + (await tokens(1))), String(await tokens(2))],
    );
    assert.equal((await inferenceParams()).revealDeadlineBlocks, current.revealDeadlineBlocks);

    // the proposer's balance: +deposit (refund) at the quorum one's execution height, unchanged at the veto's
    const delta = async (address: string, h: number) => (await balance(address, h)) - (await balance(address, h - 1));
    const supplyDelta = async (h: number) => (await supply(h)) - (await supply(h - 1));
    if (lowDone.hExec === vetoDone.hExec) {
      // tallied in the same EndBlock
      assert.equal(await delta(proposer.address, lowDone.hExec), DEPOSIT);
      assert.equal(await supplyDelta(lowDone.hExec), -DEPOSIT);
      assert.equal(await delta(GOV, lowDone.hExec), -2n * DEPOSIT);
    } else {
      assert.equal(await delta(proposer.address, lowDone.hExec), DEPOSIT);
      assert.equal(await supplyDelta(lowDone.hExec), 0n, "a refund does not change the supply");
      assert.equal(await delta(GOV, lowDone.hExec), -DEPOSIT);
      assert.equal(await delta(proposer.address, vetoDone.hExec), 0n);
      assert.equal(await supplyDelta(vetoDone.hExec), -DEPOSIT, "the vetoed deposit is burned");
      assert.equal(await delta(GOV, vetoDone.hExec), -DEPOSIT);
    }
    assert.equal(await balance(proposer.address), afterSubmit + DEPOSIT);
    // deposits are gone from the state once handled
    assert.deepEqual((await q.gov.deposits(String(veto.id))).deposits, []);
  });

  it("unauthorized or invalid proposal messages are refused at submission; a message failing at execution changes nothing", async () => {
    const from = { client: funder, address: funderAddr };
    const current = await inferenceParams();
    const notGov = await refused(from, [inferenceUpdate(current, funderAddr)], "authority is not gov");
    assert.deepEqual([notGov.code, notGov.codespace], [13, "gov"], notGov.log);
    const send = (fromAddress: string, toAddress: string, amount: string): Any => ({
      typeUrl: MsgSend.typeUrl,
      value: MsgSend.encode({ fromAddress, toAddress, amount: [{ denom: DENOM, amount }] }).finish(),
    });
    const signer = await refused(from, [send(funderAddr, GOV, "1")], "signer is not gov");
    assert.deepEqual([signer.code, signer.codespace], [13, "gov"], signer.log);
    const unroutable = await refused(
      from,
      [{ typeUrl: "/dgrid.nothing.v1.MsgNothing", value: new Uint8Array() }],
      "unroutable message",
    );
    assert.deepEqual([unroutable.code, unroutable.codespace], [10, "gov"], unroutable.log);
    const invalid = await refused(from, [send(GOV, "dgrid1notanaddress", "1")], "invalid message");
    assert.deepEqual([invalid.code, invalid.codespace], [12, "gov"], invalid.log);

    // a valid change followed by a transfer the gov account cannot pay: all or none
    const recipient = moduleAddress("localnet-e2e-recipient");
    const supplyBefore = await supply();
    const { id, height } = await submit(
      [
        inferenceUpdate({ ...current, defaultRedundancy: current.defaultRedundancy + 1 }),
        send(GOV, recipient, "1000000000000000"),
      ],
      "fails at execution",
    );
    await votes(id, ALL_YES);
    const { p, hExec } = await finished(id, height);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_FAILED);
    assert.match(p.failedReason, /insufficient funds/);
    assert.deepEqual(await inferenceParams(), current);
    assert.deepEqual(await inferenceParams(hExec), await inferenceParams(hExec - 1));
    assert.equal(await balance(recipient), 0n);
    // passed (then failed): the deposit went back to the proposer, nothing minted or burned
    assert.equal(await supply(), supplyBefore);
    assert.equal((await balance(funderAddr, hExec)) - (await balance(funderAddr, hExec - 1)), DEPOSIT);
  });

  it("raising default_redundancy 2 -> 3: requests up to the execution height keep k = 2 (one pending across it), later ones get 3", async () => {
    await net.stop(3);
    const current = await inferenceParams();
    assert.equal(current.defaultRedundancy, 2);
    const { id, height } = await submit([inferenceUpdate({ ...current, defaultRedundancy: 3 })], "raise k to 3");
    // during the voting period (with the votes): requests until one is assigned to the stopped validator 3
    const [{ pending, all: before }] = await Promise.all([requestAssignedTo3(3), votes(id, ALL_YES)]);
    const { p, hExec } = await finished(id, height);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED, p.failedReason);
    assert.equal((await inferenceParams(hExec - 1)).defaultRedundancy, 2);
    assert.equal((await inferenceParams(hExec)).defaultRedundancy, 3);

    // the request assigned to validator 3 was created before the execution (a tx of block hExec runs
    // before the EndBlock that executes the proposal) and was still pending at it
    assert.ok(Number(pending.createdHeight) <= hExec, `created at ${pending.createdHeight}, executed at ${hExec}`);
    const atExec = await request(pending.id, hExec);
    assert.equal(atExec.status, RequestStatus.REQUEST_STATUS_COMMIT, "pending (commit phase) at the execution height");
    assert.equal(atExec.executors.length, 2);
    // every request created up to the execution height keeps its 2 executors (read now, after it)
    for (const r of before) {
      assert.ok(Number(r.createdHeight) <= hExec);
      const now = await request(r.id);
      assert.equal(now.redundancy, 2);
      assert.equal(now.executors.length, 2, `request ${r.id}`);
      assert.deepEqual(
        now.executors.map((e) => e.validator),
        r.executors.map((e) => e.validator),
      );
    }
    // requests created after it get 3 executors (4 candidates, validator 3 still bonded and serving)
    const { ids, height: h2 } = await requestBatch(2);
    assert.ok(h2 > hExec);
    for (const rid of ids) {
      const r = await request(rid);
      assert.equal(r.redundancy, 3);
      assert.equal(r.executors.length, 3, `request ${rid}`);
      assert.equal(new Set(r.executors.map((e) => e.validator)).size, 3);
    }
  });

  it("delisting the demo model refuses new requests (inference:3) while a request pending at the delisting settles; escrow empty", async () => {
    const { id, height } = await submit(
      [
        {
          typeUrl: "/dgrid.registry.v1.MsgDelistModel",
          value: MsgDelistModel.encode({ authority: GOV, modelId: MODEL_ID }).finish(),
        },
      ],
      "delist the demo model",
    );
    const [{ pending }] = await Promise.all([requestAssignedTo3(2), votes(id, ALL_YES)]);
    assert.equal(pending.executors.length, 3);
    const { p, hExec } = await finished(id, height);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED, p.failedReason);
    const model = QueryModelResponse.decode(
      await abci("/dgrid.registry.v1.Query/Model", QueryModelRequest.encode({ id: MODEL_ID }).finish()),
    ).model;
    assert.equal(model?.delisted, true);
    assert.ok(Number(pending.createdHeight) <= hExec, `created at ${pending.createdHeight}, delisted at ${hExec}`);
    assert.equal((await request(pending.id, hExec)).status, RequestStatus.REQUEST_STATUS_COMMIT);

    // a new request is refused with the inference module's registered "model not available" error
    const heightBefore = await appHeight();
    const balanceBefore = await balance(requester.address);
    let code = 0;
    let codespace = "";
    let log = "";
    try {
      await requester.submit([requestMsg(seed++)], "", { amount: [{ denom: DENOM, amount: "10000" }], gas: "400000" });
    } catch (e) {
      if (e instanceof TxFailedError) {
        code = e.code;
        codespace = e.codespace ?? "";
        log = e.message;
      } else {
        assert.ok(e instanceof BroadcastTxError, String(e));
        code = e.code;
        codespace = e.codespace;
        log = e.log ?? "";
      }
    }
    assert.deepEqual([code, codespace], [3, "inference"], log);
    assert.match(log, /delisted/);
    // nothing escrowed: no request was created after heightBefore (nobody else sends requests now), and
    // the escrow holds exactly the fees of the pending ones (earlier requests may settle meanwhile)
    const hNow = await appHeight();
    const pendingNow = await pendingRequests(hNow);
    assert.deepEqual(
      pendingNow.filter((r) => Number(r.createdHeight) > heightBefore).map((r) => r.id),
      [],
      "no request created by the refused tx",
    );
    assert.equal(
      await balance(ESCROW, hNow),
      pendingNow.reduce((n, r) => n + BigInt(r.fee?.amount ?? "0"), 0n),
      "escrow == fees of pending requests",
    );
    assert.ok(balanceBefore - (await balance(requester.address)) <= 10_000n);

    // the pending request settles: validator 3 (stopped) never commits; at the commit deadline the two
    // others' commitments meet the quorum (ceil(3 x 0.6) = 2), they reveal and agree: finalized
    const res = await waitFor(`request ${pending.id} to settle`, () => result(pending.id), 180_000, 500);
    assert.equal(res.status, RequestStatus.REQUEST_STATUS_FINALIZED, res.reason);
    assert.equal(res.agreeing.length, 2);
    assert.deepEqual(res.missing, [vals[3].valoper]);
    const fee = BigInt(pending.fee?.amount ?? "0");
    assert.equal(fee, 3000n);
    assert.equal(
      BigInt(res.creatorPaid?.amount ?? 0) +
        BigInt(res.executorsPaid?.amount ?? 0) +
        BigInt(res.communityPaid?.amount ?? 0),
      fee,
    );
    assert.equal(res.outputs[0]?.name, "output");
    // every request of the scenario settles; the escrow is empty
    await waitFor("every request to settle", async () => (await pendingRequests()).length === 0, 180_000, 500);
    assert.equal(await balance(ESCROW), 0n);
  });

  it("a software-upgrade plan halts every node at its height with the same last app hash", async () => {
    // validator 3 back: it catches up (block sync) and signs again before the plan height
    net.start(3);
    await waitAllHeight(nodes, (await appHeight()) + 2, 180_000);
    const name = "v2-localnet-e2e";
    // expedited (5 s voting; should it miss the 2/3 threshold it goes on as a regular one for 10 s),
    // and blocks are >= 500 ms apart: at most ~20 blocks, the plan is still ahead when it passes
    const planHeight = (await appHeight()) + 28;
    const { id, height } = await submit(
      [
        {
          typeUrl: MsgSoftwareUpgrade.typeUrl,
          value: MsgSoftwareUpgrade.encode(
            MsgSoftwareUpgrade.fromPartial({ authority: GOV, plan: { name, height: BigInt(planHeight), info: "" } }),
          ).finish(),
        },
      ],
      "software upgrade",
      undefined,
      "",
      true,
    );
    await votes(id, ALL_YES);
    const { p, hExec } = await finished(id, height);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED, p.failedReason);
    assert.ok(hExec < planHeight - 1, `executed at ${hExec}, plan at ${planHeight}`);
    const plan = QueryCurrentPlanResponse.decode(
      await abci("/cosmos.upgrade.v1beta1.Query/CurrentPlan", QueryCurrentPlanRequest.encode({}).finish()),
    ).plan;
    assert.deepEqual([plan?.name, plan?.height], [name, BigInt(planHeight)]);

    // every node logs the line (pino JSON escapes the quotes)
    const line = `UPGRADE "${name}" NEEDED at height ${planHeight}`;
    const logged = (n: RunningNode) => {
      const text = n.logs.join("");
      return text.includes(line) || text.includes(line.replaceAll('"', '\\"'));
    };
    await waitFor("every node to log the upgrade line", async () => nodes.every(logged), 240_000, 500);

    /** what each node reports: the app's last height and hash, the stored blocks */
    const views = async () =>
      Promise.all(
        nodes.map(async (n) => {
          const info = (await rpcCall(n.rpcUrl, "abci_info")).result.response;
          const status = (await rpcCall(n.rpcUrl, "status")).result.sync_info;
          const blockH = (await rpcCall(n.rpcUrl, "block", { height: String(planHeight) })).result;
          const next = await rpcCall(n.rpcUrl, "block", { height: String(planHeight + 1) });
          return {
            name: n.name,
            appHeight: Number(info.last_block_height),
            appHash: b64ToHex(info.last_block_app_hash),
            latestHeight: Number(status.latest_block_height),
            latestAppHash: String(status.latest_app_hash).toUpperCase(),
            planBlockAppHash: blockH ? String(blockH.block.header.app_hash).toUpperCase() : undefined,
            nextBlock: !next.error,
          };
        }),
      );
    const check = (vs: Awaited<ReturnType<typeof views>>) => {
      const hash = vs[0].appHash;
      assert.match(hash, /^[0-9A-F]{64}$/);
      for (const v of vs) {
        assert.equal(v.appHeight, planHeight - 1, `${v.name}: the app committed up to the height before the plan`);
        assert.equal(v.appHash, hash, `${v.name}: same last app hash`);
        // block planHeight may be stored (decided) but was never applied: its header carries the app
        // hash of planHeight-1; nothing is built on it
        assert.ok(v.latestHeight <= planHeight, `${v.name} stored ${v.latestHeight}`);
        assert.equal(v.latestAppHash, hash, v.name);
        if (v.planBlockAppHash !== undefined) assert.equal(v.planBlockAppHash, hash, v.name);
        assert.equal(v.nextBlock, false, `${v.name} has no block ${planHeight + 1}`);
      }
      return hash;
    };
    const first = check(await views());
    // and stays so: a few timeout_commit intervals later nothing moved, the processes are alive (halted)
    await new Promise((r) => setTimeout(r, 10 * TIMEOUT_COMMIT_MS));
    assert.equal(check(await views()), first);
    for (const n of nodes) assert.equal(n.process?.exitCode, null, `${n.name} halted, not exited`);
    // the app hash of planHeight-1 as the app computed it then (read at that height on another node)
    const c2 = await Comet38Client.connect(nodes[2].rpcUrl);
    try {
      const info = await c2.abciInfo();
      assert.equal(
        Buffer.from(info.lastBlockAppHash ?? new Uint8Array())
          .toString("hex")
          .toUpperCase(),
        first,
      );
    } finally {
      c2.disconnect();
    }
  });
});
