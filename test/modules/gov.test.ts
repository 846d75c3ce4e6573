import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgUpdateParams as BankMsgUpdateParams, MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  MsgUpdateParams as GovMsgUpdateParams,
  MsgCancelProposal,
  MsgDeposit,
  MsgSubmitProposal,
  MsgSubmitProposalResponse,
  MsgVote,
  MsgVoteWeighted,
} from "cosmjs-types/cosmos/gov/v1/tx";
import pino from "pino";
import { MODULE_ACCOUNT_PERMISSIONS } from "../../app/app.ts";
import { Context } from "../../chain/baseapp/context.ts";
import { Router } from "../../chain/baseapp/module.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import { CodedError } from "../../chain/errors/errors.ts";
import type { CacheMultiStore } from "../../chain/store/types.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { AccountKeeper } from "../../modules/auth/keeper.ts";
import { AuthModule } from "../../modules/auth/module.ts";
import { BankKeeper } from "../../modules/bank/keeper.ts";
import { BankModule } from "../../modules/bank/module.ts";
import { GovKeeper } from "../../modules/gov/keeper.ts";
import { GovModule } from "../../modules/gov/module.ts";
import type { GovParams } from "../../modules/gov/params.ts";
import { tally } from "../../modules/gov/tally.ts";
import { MemCacheMultiStore, MemKV } from "../app/memory-store.ts";
import { FakeStaking } from "./fake-staking.ts";

const GOV = moduleAddress("gov");
const M = 1_000_000n;
const logger = pino({ level: "silent" });
const VOTING_MS = 172_800_000;

const user = (n: string) => moduleAddress(`user-${n}`);
const VAL_A = user("val-a");
const VAL_B = user("val-b");
const DEL = user("delegator");
const RICH = user("rich");

function setup(params: Partial<GovParams> = {}, withStaking = true) {
  const stores = new Map(["acc", "bank", "gov"].map((n) => [n, new MemKV()] as const));
  const root = new MemCacheMultiStore({ getStore: (n: string) => stores.get(n) as MemKV });
  const clock = { timeMs: 1_700_000_000_000, height: 1 };
  const ctx = (ms: CacheMultiStore = root) =>
    new Context(
      ms,
      { height: clock.height, timeMs: clock.timeMs, chainId: "t" },
      new InfiniteGasMeter(),
      "finalize",
      logger,
    );
  const router = new Router();
  const ak = new AccountKeeper({ permissions: MODULE_ACCOUNT_PERMISSIONS });
  const bk = new BankKeeper({ blockedAddresses: [] }, { accountKeeper: ak });
  const sk = new FakeStaking();
  const gk = new GovKeeper(
    { authority: GOV },
    { accountKeeper: ak, bankKeeper: bk, stakingKeeper: withStaking ? sk : undefined, router, logger },
  );
  const gov = new GovModule(gk);
  for (const m of [new AuthModule(ak, GOV), new BankModule(bk, GOV), gov]) m.registerServices(router);
  gk.setParams(ctx(), { ...((gk as any).constructor.prototype && {}), ...defaultsWith(params) });

  async function fund(addr: string, amount: bigint) {
    const c = ctx();
    await bk.mintCoins(c, "mint", [{ denom: "udgrid", amount }]);
    await bk.sendCoinsFromModuleToAccount(c, "mint", addr, [{ denom: "udgrid", amount }]);
  }
  async function balance(addr: string) {
    return (await bk.getBalance(ctx(), addr, "udgrid")).amount;
  }
  async function supply() {
    return (await bk.getSupply(ctx(), "udgrid")).amount;
  }
  async function exec(typeUrl: string, msg: unknown) {
    const reg = router.msg(typeUrl);
    if (!reg) throw new Error(`no route ${typeUrl}`);
    const branch = root.branch(); // as runTx: a failed message leaves nothing behind
    const r = await reg.handler(ctx(branch), msg);
    branch.write();
    return r;
  }
  async function submit(messages: { typeUrl: string; value: Uint8Array }[], deposit: bigint, proposer = RICH) {
    const r = await exec(
      MsgSubmitProposal.typeUrl,
      MsgSubmitProposal.fromPartial({
        messages,
        initialDeposit: deposit > 0n ? [{ denom: "udgrid", amount: deposit.toString() }] : [],
        proposer,
        metadata: "",
        title: "t",
        summary: "s",
      }),
    );
    return MsgSubmitProposalResponse.decode(r.value).proposalId;
  }
  async function vote(id: bigint, voter: string, option: VoteOption) {
    await exec(MsgVote.typeUrl, MsgVote.fromPartial({ proposalId: id, voter, option, metadata: "" }));
  }
  async function advance(ms: number) {
    clock.timeMs += ms;
    clock.height += 1;
    await gov.endBlock(ctx());
  }
  async function proposal(id: bigint) {
    return gk.getProposal(ctx(), id);
  }
  return { ctx, gk, bk, sk, fund, balance, supply, exec, submit, vote, advance, proposal, clock };
}

import { defaultParams } from "../../modules/gov/params.ts";

function defaultsWith(p: Partial<GovParams>): GovParams {
  return { ...defaultParams(), ...p };
}

function bankParamsMsg(defaultSendEnabled: boolean, authority = GOV) {
  return {
    typeUrl: BankMsgUpdateParams.typeUrl,
    value: BankMsgUpdateParams.encode({ authority, params: { sendEnabled: [], defaultSendEnabled } }).finish(),
  };
}

/** validators A (60M self + 40M from DEL) and B (50M self): 150M bonded */
async function stakedSetup(params: Partial<GovParams> = {}) {
  const s = setup(params);
  s.sk.addValidator(VAL_A, 60n * M);
  s.sk.delegate(DEL, s.sk.validators.keys().next().value as string, 40n * M);
  s.sk.addValidator(VAL_B, 50n * M);
  await s.fund(RICH, 1000n * M);
  return s;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CodedError) return `${e.codespace}:${e.code}`;
    throw e;
  }
  return "ok";
}

describe("gov tally", () => {
  it("validators vote with bonded stake; a delegator voting against its validator moves exactly its stake", async () => {
    const s = await stakedSetup();
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    assert.equal((await s.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES);
    await s.vote(id, VAL_B, VoteOption.VOTE_OPTION_NO);
    const p = (await s.proposal(id))!;
    const before = await tally(s.ctx(), s.gk, p);
    assert.deepEqual(before.tally, {
      yesCount: String(100n * M),
      abstainCount: "0",
      noCount: String(50n * M),
      noWithVetoCount: "0",
    });
    assert.equal(before.passes, true);

    await s.vote(id, DEL, VoteOption.VOTE_OPTION_NO);
    const after = await tally(s.ctx(), s.gk, p);
    assert.equal(BigInt(before.tally.yesCount) - BigInt(after.tally.yesCount), 40n * M);
    assert.equal(BigInt(after.tally.noCount) - BigInt(before.tally.noCount), 40n * M);
    assert.equal(after.passes, false); // 60 yes vs 90 no
    assert.equal(after.burnDeposits, false);
  });

  it("the delegator's power follows the validator's token/share rate (slashed validator)", async () => {
    const s = await stakedSetup();
    const opA = [...s.sk.validators.keys()][0];
    s.sk.setTokens(opA, 75n * M); // 100 shares now worth 75 tokens
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES);
    await s.vote(id, DEL, VoteOption.VOTE_OPTION_NO);
    const t = await tally(s.ctx(), s.gk, (await s.proposal(id))!);
    assert.equal(t.tally.yesCount, String(45n * M)); // 60 shares * 75/100
    assert.equal(t.tally.noCount, String(30n * M)); // 40 shares * 75/100
  });

  it("a validator's delegator who votes when the validator does not still counts", async () => {
    const s = await stakedSetup();
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, DEL, VoteOption.VOTE_OPTION_YES);
    const t = await tally(s.ctx(), s.gk, (await s.proposal(id))!);
    assert.equal(t.tally.yesCount, String(40n * M));
    assert.equal(t.passes, false); // 40/125 < quorum 0.334
  });

  it("quorum miss rejects; deposits refunded, or burned with burn_vote_quorum", async () => {
    for (const burn of [false, true]) {
      const s = await stakedSetup({ burnVoteQuorum: burn });
      const id = await s.submit([bankParamsMsg(false)], 10n * M);
      await s.vote(id, VAL_B, VoteOption.VOTE_OPTION_YES); // 50/150 = 0.333 < 0.334
      const supply = await s.supply();
      await s.advance(VOTING_MS);
      const p = (await s.proposal(id))!;
      assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
      assert.equal(p.finalTallyResult?.yesCount, String(50n * M));
      assert.equal(await s.balance(RICH), 1000n * M - (burn ? 10n * M : 0n));
      assert.equal(await s.supply(), supply - (burn ? 10n * M : 0n));
      assert.equal(await s.balance(GOV), 0n);
      assert.deepEqual(await s.gk.getDeposits(s.ctx(), id), []);
      assert.deepEqual(await s.gk.getVotes(s.ctx(), id), []);
    }
  });

  it("veto over 1/3 rejects and burns the deposit (burn_vote_veto default true)", async () => {
    const s = await stakedSetup();
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_NO_WITH_VETO);
    await s.vote(id, VAL_B, VoteOption.VOTE_OPTION_YES);
    const supply = await s.supply();
    await s.advance(VOTING_MS);
    assert.equal((await s.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    assert.equal(await s.supply(), supply - 10n * M);
    assert.equal(await s.balance(RICH), 990n * M);
  });

  it("threshold: exactly half yes does not pass, just over half does", async () => {
    const s = setup();
    s.sk.addValidator(VAL_A, 50n * M);
    s.sk.addValidator(VAL_B, 50n * M);
    await s.fund(RICH, 100n * M);
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES);
    await s.vote(id, VAL_B, VoteOption.VOTE_OPTION_NO);
    let t = await tally(s.ctx(), s.gk, (await s.proposal(id))!);
    assert.equal(t.passes, false);
    s.sk.setTokens([...s.sk.validators.keys()][0], 50n * M + 1n);
    t = await tally(s.ctx(), s.gk, (await s.proposal(id))!);
    assert.equal(t.passes, true);
  });

  it("abstain-only votes fail without burning", async () => {
    const s = await stakedSetup();
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_ABSTAIN);
    await s.vote(id, VAL_B, VoteOption.VOTE_OPTION_ABSTAIN);
    const t = await tally(s.ctx(), s.gk, (await s.proposal(id))!);
    assert.deepEqual([t.passes, t.burnDeposits], [false, false]);
  });

  it("weighted votes split power; weights must sum to exactly 1 with no duplicates", async () => {
    const s = await stakedSetup();
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    const weighted = (options: [VoteOption, string][]) =>
      s.exec(
        MsgVoteWeighted.typeUrl,
        MsgVoteWeighted.fromPartial({
          proposalId: id,
          voter: VAL_A,
          options: options.map(([option, weight]) => ({ option, weight })),
          metadata: "",
        }),
      );
    assert.equal(
      await codeOf(
        weighted([
          [VoteOption.VOTE_OPTION_YES, "0.6"],
          [VoteOption.VOTE_OPTION_NO, "0.5"],
        ]),
      ),
      "gov:7",
    );
    assert.equal(
      await codeOf(
        weighted([
          [VoteOption.VOTE_OPTION_YES, "0.6"],
          [VoteOption.VOTE_OPTION_NO, "0.3"],
        ]),
      ),
      "gov:7",
    );
    assert.equal(
      await codeOf(
        weighted([
          [VoteOption.VOTE_OPTION_YES, "0.5"],
          [VoteOption.VOTE_OPTION_YES, "0.5"],
        ]),
      ),
      "gov:7",
    );
    assert.equal(await codeOf(weighted([[VoteOption.VOTE_OPTION_UNSPECIFIED, "1"]])), "gov:7");
    assert.equal(await codeOf(weighted([])), "sdk:18");
    assert.equal(
      await codeOf(
        weighted([
          [VoteOption.VOTE_OPTION_YES, "0.6"],
          [VoteOption.VOTE_OPTION_NO, "0.4"],
        ]),
      ),
      "ok",
    );
    const t = await tally(s.ctx(), s.gk, (await s.proposal(id))!);
    assert.equal(t.tally.yesCount, String(60n * M));
    assert.equal(t.tally.noCount, String(40n * M));
  });

  it("without a staking keeper nothing is counted and proposals fail quorum without crashing", async () => {
    const s = setup({}, false);
    await s.fund(RICH, 100n * M);
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, RICH, VoteOption.VOTE_OPTION_YES);
    await s.advance(VOTING_MS);
    const p = (await s.proposal(id))!;
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    assert.equal(await s.balance(RICH), 100n * M); // refunded
  });
});

describe("gov lifecycle", () => {
  it("deposit period: below min deposit waits; deposits add up and open voting; expiry refunds", async () => {
    const s = await stakedSetup();
    await s.fund(DEL, 100n * M);
    const id = await s.submit([bankParamsMsg(false)], 1n * M);
    assert.equal((await s.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD);
    assert.equal(await codeOf(s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES)), "gov:3");
    // min_deposit_ratio 0.01: a deposit below 1% of the minimum is refused
    const dep = (depositor: string, amount: bigint, denom = "udgrid") =>
      s.exec(
        MsgDeposit.typeUrl,
        MsgDeposit.fromPartial({ proposalId: id, depositor, amount: [{ denom, amount: amount.toString() }] }),
      );
    assert.equal(await codeOf(dep(DEL, 99_999n)), "gov:16");
    assert.equal(await codeOf(dep(DEL, 100n * M, "uother")), "gov:23");
    await dep(DEL, 4n * M);
    const p = (await s.proposal(id))!;
    assert.deepEqual(p.totalDeposit, [{ denom: "udgrid", amount: String(5n * M) }]);
    assert.equal(await s.balance(GOV), 5n * M);
    // the deposit period (2 days) ends without the minimum: dropped, refunded
    await s.advance(VOTING_MS);
    assert.equal(await s.proposal(id), undefined);
    assert.equal(await s.balance(RICH), 1000n * M);
    assert.equal(await s.balance(DEL), 100n * M);
    assert.equal(await s.balance(GOV), 0n);
    assert.equal(await codeOf(dep(DEL, 1n * M)), "gov:2");
  });

  it("burn_proposal_deposit_prevote burns an expired proposal's deposits", async () => {
    const s = await stakedSetup({ burnProposalDepositPrevote: true });
    const id = await s.submit([bankParamsMsg(false)], 1n * M);
    const supply = await s.supply();
    await s.advance(VOTING_MS);
    assert.equal(await s.proposal(id), undefined);
    assert.equal(await s.supply(), supply - 1n * M);
  });

  it("a second deposit reaching the minimum starts the voting period", async () => {
    const s = await stakedSetup();
    await s.fund(DEL, 100n * M);
    const id = await s.submit([bankParamsMsg(false)], 5n * M);
    await s.exec(
      MsgDeposit.typeUrl,
      MsgDeposit.fromPartial({ proposalId: id, depositor: DEL, amount: [{ denom: "udgrid", amount: String(5n * M) }] }),
    );
    const p = (await s.proposal(id))!;
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    assert.ok(p.votingEndTime);
  });

  it("a passed proposal executes its messages as the gov account; refunds deposits", async () => {
    const s = await stakedSetup();
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES);
    await s.advance(VOTING_MS - 1000);
    assert.equal((await s.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    assert.equal((await s.bk.getParams(s.ctx())).defaultSendEnabled, true);
    await s.advance(1000);
    const p = (await s.proposal(id))!;
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    assert.equal((await s.bk.getParams(s.ctx())).defaultSendEnabled, false);
    assert.equal(await s.balance(RICH), 1000n * M);
  });

  it("a passed proposal whose second message fails changes nothing and is FAILED", async () => {
    const s = await stakedSetup();
    // message 1 would succeed; message 2 sends more than the gov account holds
    const send = {
      typeUrl: MsgSend.typeUrl,
      value: MsgSend.encode({
        fromAddress: GOV,
        toAddress: DEL,
        amount: [{ denom: "udgrid", amount: String(999n * M) }],
      }).finish(),
    };
    const govParams = {
      typeUrl: GovMsgUpdateParams.typeUrl,
      value: GovMsgUpdateParams.encode({
        authority: GOV,
        params: { ...defaultParams(), burnVoteVeto: false },
      }).finish(),
    };
    const id = await s.submit([govParams, send], 10n * M);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES);
    await s.advance(VOTING_MS);
    const p = (await s.proposal(id))!;
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_FAILED);
    assert.match(p.failedReason, /insufficient funds/);
    assert.equal((await s.gk.getParams(s.ctx())).burnVoteVeto, true);
    assert.equal(await s.balance(DEL), 0n);
  });

  it("submission refuses unroutable, wrongly signed, invalid and empty proposals with gov codes", async () => {
    const s = await stakedSetup();
    assert.equal(
      await codeOf(s.submit([{ typeUrl: "/dgrid.nothing.v1.MsgX", value: new Uint8Array() }], 10n * M)),
      "gov:10",
    );
    assert.equal(await codeOf(s.submit([bankParamsMsg(false, RICH)], 10n * M)), "gov:13");
    const badSend = {
      typeUrl: MsgSend.typeUrl,
      value: MsgSend.encode({
        fromAddress: GOV,
        toAddress: "nope",
        amount: [{ denom: "udgrid", amount: "1" }],
      }).finish(),
    };
    assert.equal(await codeOf(s.submit([badSend], 10n * M)), "gov:12");
    assert.equal(await codeOf(s.submit([], 10n * M)), "gov:11");
    assert.equal(await codeOf(s.submit([bankParamsMsg(false)], 0n)), "gov:16"); // min_deposit_ratio
    assert.equal(await s.balance(RICH), 1000n * M);
    assert.equal(await s.gk.peekProposalId(s.ctx()), 1n);
  });

  it("the proposer can cancel: half the deposit burned (proposal_cancel_ratio), the rest refunded", async () => {
    const s = await stakedSetup();
    const id = await s.submit([bankParamsMsg(false)], 10n * M);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES);
    assert.equal(await codeOf(s.exec(MsgCancelProposal.typeUrl, { proposalId: id, proposer: DEL })), "gov:18");
    await s.exec(MsgCancelProposal.typeUrl, { proposalId: id, proposer: RICH });
    assert.equal(await s.proposal(id), undefined);
    assert.equal(await s.balance(RICH), 995n * M);
    assert.deepEqual(await s.gk.getVotes(s.ctx(), id), []);
    await s.advance(VOTING_MS); // nothing left in the queues
  });

  it("expedited: higher deposit, shorter period, higher threshold; failing converts to regular", async () => {
    const s = await stakedSetup();
    const r = await s.exec(
      MsgSubmitProposal.typeUrl,
      MsgSubmitProposal.fromPartial({
        messages: [bankParamsMsg(false)],
        initialDeposit: [{ denom: "udgrid", amount: String(50n * M) }],
        proposer: RICH,
        title: "t",
        summary: "s",
        expedited: true,
      }),
    );
    const id = MsgSubmitProposalResponse.decode(r.value).proposalId;
    assert.equal((await s.proposal(id))?.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    await s.vote(id, VAL_A, VoteOption.VOTE_OPTION_YES); // 100/150 = 0.6667 < 0.667
    await s.vote(id, VAL_B, VoteOption.VOTE_OPTION_NO);
    await s.advance(VOTING_MS / 2);
    let p = (await s.proposal(id))!;
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    assert.equal(p.expedited, false);
    assert.equal(await s.balance(GOV), 50n * M); // deposits kept
    await s.advance(VOTING_MS / 2);
    p = (await s.proposal(id))!;
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED); // regular threshold 0.5
  });
});
