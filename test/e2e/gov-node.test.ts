// Governance end to end on a real single-validator node (gentx genesis, 5 s voting period): CosmJS
// clients submit cosmos.gov.v1 proposals; a parameter change passes and takes effect at its
// execution height, a proposal without votes misses quorum and its deposit is refunded, an
// unauthorized message is refused at submission, a failing message changes nothing, and a
// software-upgrade plan halts the node at its height with the app hash of the height before.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DirectSecp256k1HdWallet, type EncodeObject } from "@cosmjs/proto-signing";
import { BroadcastTxError, QueryClient, type SigningStargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { QuerySupplyOfRequest, QuerySupplyOfResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { type Proposal, ProposalStatus, VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import {
  QueryProposalRequest,
  QueryProposalResponse,
  QueryTallyResultRequest,
  QueryTallyResultResponse,
} from "cosmjs-types/cosmos/gov/v1/query";
import { MsgSubmitProposal, MsgVote } from "cosmjs-types/cosmos/gov/v1/tx";
import { QueryValidatorRequest, QueryValidatorResponse } from "cosmjs-types/cosmos/staking/v1beta1/query";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { PROPOSAL_MSG_TYPES } from "../../app/cli/gov-impl.ts";
import { valoperOf } from "../../app/cli/staking-impl.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { connectSigningClient } from "../../client/index.ts";
import {
  type Params as InferenceParams,
  Params as InferenceParamsJson,
} from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { QueryParamsRequest, QueryParamsResponse } from "../../proto/gen/dgrid/inference/v1/query.ts";
import { MsgUpdateParams as InferenceMsgUpdateParams } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { cli, KNOWN_MNEMONIC } from "../cli/helpers.ts";
import { dgrid, dgridBin, rpcCall, waitForHeight } from "../support/node-process.ts";
import { createStakedNode, FAST_GOV, type StakedNode, until } from "../support/staked-node.ts";

const GOV = moduleAddress("gov");
const DEPOSIT = "2000000";
const extraTypes = [...PROPOSAL_MSG_TYPES, ...dgridMsgTypes];

describe("governance on a running node", () => {
  let s: StakedNode;
  let comet: Comet38Client;
  let qc: QueryClient;
  let alice: SigningStargateClient;
  let aliceAddr: string;
  let val: SigningStargateClient;

  before(async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" });
    [{ address: aliceAddr }] = await wallet.getAccounts();
    s = await createStakedNode({ accounts: [{ address: aliceAddr, coins: "1000000000udgrid" }], govParams: FAST_GOV });
    await s.node.start();
    comet = await Comet38Client.connect(s.node.rpcUrl);
    qc = QueryClient.withExtensions(comet);
    alice = await connectSigningClient(s.node.rpcUrl, wallet, { extraTypes });
    val = await connectSigningClient(s.node.rpcUrl, s.valWallet, { extraTypes });
  });
  after(async () => {
    alice?.disconnect();
    val?.disconnect();
    comet?.disconnect();
    await s?.node.stop();
  });

  async function inferenceParams(height?: number): Promise<InferenceParams> {
    const res = await qc.queryAbci("/dgrid.inference.v1.Query/Params", QueryParamsRequest.encode({}).finish(), height);
    const p = QueryParamsResponse.decode(res.value).params;
    assert.ok(p);
    return p;
  }

  async function proposal(id: bigint, height?: number): Promise<Proposal> {
    const res = await qc.queryAbci(
      "/cosmos.gov.v1.Query/Proposal",
      QueryProposalRequest.encode({ proposalId: id }).finish(),
      height,
    );
    const p = QueryProposalResponse.decode(res.value).proposal;
    assert.ok(p);
    return p;
  }

  async function tally(id: bigint) {
    const res = await qc.queryAbci(
      "/cosmos.gov.v1.Query/TallyResult",
      QueryTallyResultRequest.encode({ proposalId: id }).finish(),
    );
    return QueryTallyResultResponse.decode(res.value).tally;
  }

  async function validator(valoper: string) {
    const res = await qc.queryAbci(
      "/cosmos.staking.v1beta1.Query/Validator",
      QueryValidatorRequest.encode({ validatorAddr: valoper }).finish(),
    );
    const v = QueryValidatorResponse.decode(res.value).validator;
    assert.ok(v);
    return v;
  }

  const updateInferenceParams = (params: InferenceParams): Any => ({
    typeUrl: "/dgrid.inference.v1.MsgUpdateParams",
    value: InferenceMsgUpdateParams.encode({ authority: GOV, params }).finish(),
  });

  /** Submits a proposal from alice; resolves to its id and the inclusion height. */
  async function submit(messages: Any[], title: string): Promise<{ id: bigint; height: number }> {
    const msg: EncodeObject = {
      typeUrl: MsgSubmitProposal.typeUrl,
      value: MsgSubmitProposal.fromPartial({
        messages,
        initialDeposit: [{ denom: "udgrid", amount: DEPOSIT }],
        proposer: aliceAddr,
        metadata: "",
        title,
        summary: `${title} (e2e)`,
      }),
    };
    const res = await alice.signAndBroadcast(aliceAddr, [msg], "auto");
    assert.equal(res.code, 0, res.rawLog);
    const ev = res.events.find((e) => e.type === "submit_proposal");
    const id = ev?.attributes.find((a) => a.key === "proposal_id")?.value;
    assert.ok(id, "submit_proposal event with proposal_id");
    return { id: BigInt(id), height: res.height };
  }

  async function vote(client: SigningStargateClient, voter: string, id: bigint, option: VoteOption) {
    const res = await client.signAndBroadcast(
      voter,
      [{ typeUrl: MsgVote.typeUrl, value: MsgVote.fromPartial({ proposalId: id, voter, option, metadata: "" }) }],
      "auto",
    );
    assert.equal(res.code, 0, res.rawLog);
  }

  /** Waits until the proposal has left its deposit and voting periods. */
  const finished = (id: bigint) =>
    until(`proposal ${id} to finish`, async () => {
      const p = await proposal(id);
      return p.status === ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD ||
        p.status === ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD
        ? undefined
        : p;
    });

  it("a MsgUpdateParams raising the inference redundancy passes and applies from its execution height", async () => {
    const before = await inferenceParams();
    const raised = { ...before, defaultRedundancy: before.defaultRedundancy + 1 };
    assert.ok(raised.defaultRedundancy <= raised.maxRedundancy);
    const { id, height: hSubmit } = await submit([updateInferenceParams(raised)], "raise k");
    await vote(val, s.valAddress, id, VoteOption.VOTE_OPTION_YES);
    const p = await finished(id);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED, p.failedReason);
    assert.equal(p.finalTallyResult?.yesCount, "100000000");
    assert.equal((await inferenceParams()).defaultRedundancy, before.defaultRedundancy + 1);

    // the height whose EndBlock executed the proposal: the first with the new value, and the one where
    // the proposal's status turned PASSED; every earlier height still has the old value
    const latest = (await comet.abciInfo()).lastBlockHeight ?? 0; // the last height the app committed
    let hExec = 0;
    for (let h = hSubmit; h <= latest; h++) {
      if ((await inferenceParams(h)).defaultRedundancy !== before.defaultRedundancy) {
        hExec = h;
        break;
      }
    }
    assert.ok(hExec > hSubmit, `execution height ${hExec} after submission ${hSubmit}`);
    assert.equal((await inferenceParams(hExec - 1)).defaultRedundancy, before.defaultRedundancy);
    assert.equal((await proposal(id, hExec - 1)).status, ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD);
    assert.equal((await proposal(id, hExec)).status, ProposalStatus.PROPOSAL_STATUS_PASSED);
    const tally = QueryTallyResultResponse.decode(
      (
        await qc.queryAbci(
          "/cosmos.gov.v1.Query/TallyResult",
          QueryTallyResultRequest.encode({ proposalId: id }).finish(),
        )
      ).value,
    ).tally;
    assert.equal(tally?.yesCount, "100000000");
  });

  it("a proposal nobody votes on misses quorum; its deposit is refunded (burn_vote_quorum=false)", async () => {
    const current = await inferenceParams();
    const { id } = await submit(
      [updateInferenceParams({ ...current, commitDeadlineBlocks: current.commitDeadlineBlocks + 1n })],
      "no quorum",
    );
    const afterSubmit = BigInt((await alice.getBalance(aliceAddr, "udgrid")).amount);
    const govHeld = BigInt((await alice.getBalance(GOV, "udgrid")).amount);
    assert.ok(govHeld >= BigInt(DEPOSIT));
    const p = await finished(id);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    assert.equal(p.finalTallyResult?.yesCount, "0");
    assert.equal((await inferenceParams()).commitDeadlineBlocks, current.commitDeadlineBlocks);
    assert.equal(BigInt((await alice.getBalance(aliceAddr, "udgrid")).amount), afterSubmit + BigInt(DEPOSIT));
    assert.equal(BigInt((await alice.getBalance(GOV, "udgrid")).amount), govHeld - BigInt(DEPOSIT));
  });

  it("a proposal whose message is not signed by the gov account is refused at submission (gov code 13)", async () => {
    const send: Any = {
      typeUrl: MsgSend.typeUrl,
      value: MsgSend.encode({
        fromAddress: aliceAddr,
        toAddress: s.valAddress,
        amount: [{ denom: "udgrid", amount: "1" }],
      }).finish(),
    };
    const bad: Any = {
      typeUrl: "/dgrid.inference.v1.MsgUpdateParams",
      value: InferenceMsgUpdateParams.encode({ authority: aliceAddr, params: await inferenceParams() }).finish(),
    };
    for (const m of [send, bad]) {
      const msg: EncodeObject = {
        typeUrl: MsgSubmitProposal.typeUrl,
        value: MsgSubmitProposal.fromPartial({
          messages: [m],
          initialDeposit: [{ denom: "udgrid", amount: DEPOSIT }],
          proposer: aliceAddr,
          title: "unauthorized",
          summary: "a message not signed by gov",
        }),
      };
      const balance = (await alice.getBalance(aliceAddr, "udgrid")).amount;
      let code: number;
      let codespace: string;
      try {
        // a fixed fee: simulation would already refuse it (with the same code)
        const fee = { amount: [{ denom: "udgrid", amount: "10000" }], gas: "400000" };
        const res = await alice.signAndBroadcast(aliceAddr, [msg], fee);
        code = res.code;
        codespace = (await comet.tx({ hash: Buffer.from(res.transactionHash, "hex") })).result.codespace ?? "";
      } catch (e) {
        assert.ok(e instanceof BroadcastTxError, String(e));
        code = e.code;
        codespace = e.codespace;
      }
      assert.equal(code, 13, m.typeUrl);
      assert.equal(codespace, "gov");
      // no deposit was taken (at most the fee was charged)
      assert.ok(BigInt(balance) - BigInt((await alice.getBalance(aliceAddr, "udgrid")).amount) < BigInt(DEPOSIT));
    }
  });

  it("a proposal whose second message fails at execution changes nothing (all or none)", async () => {
    const current = await inferenceParams();
    const recipient = moduleAddress("e2e-recipient");
    const recipientBefore = (await alice.getBalance(recipient, "udgrid")).amount;
    const { id } = await submit(
      [
        updateInferenceParams({ ...current, defaultRedundancy: current.defaultRedundancy + 1 }),
        {
          typeUrl: MsgSend.typeUrl,
          value: MsgSend.encode({
            fromAddress: GOV,
            toAddress: recipient,
            amount: [{ denom: "udgrid", amount: "1000000000000000" }],
          }).finish(),
        },
      ],
      "fails at execution",
    );
    await vote(val, s.valAddress, id, VoteOption.VOTE_OPTION_YES);
    const p = await finished(id);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_FAILED);
    assert.notEqual(p.failedReason, "");
    assert.deepEqual(await inferenceParams(), current);
    assert.equal((await alice.getBalance(recipient, "udgrid")).amount, recipientBefore);
  });

  it("a delegator voting against its validator changes the tally by exactly its stake", async () => {
    const valoper = valoperOf(s.valAddress);
    const stake = 30_000_000n;
    const d = await alice.delegateTokens(aliceAddr, valoper, { denom: "udgrid", amount: String(stake) }, "auto");
    assert.equal(d.code, 0, d.rawLog);
    const tokens = BigInt((await validator(valoper)).tokens);
    assert.equal(tokens, 100_000_000n + stake);

    const current = await inferenceParams();
    const { id } = await submit(
      [updateInferenceParams({ ...current, revealDeadlineBlocks: current.revealDeadlineBlocks + 1n })],
      "delegator votes no",
    );
    await vote(val, s.valAddress, id, VoteOption.VOTE_OPTION_YES);
    const t1 = await tally(id);
    assert.deepEqual([t1?.yesCount, t1?.noCount], [String(tokens), "0"]);
    await vote(alice, aliceAddr, id, VoteOption.VOTE_OPTION_NO);
    const t2 = await tally(id);
    assert.equal(BigInt(t1?.yesCount ?? 0) - BigInt(t2?.yesCount ?? 0), stake);
    assert.equal(BigInt(t2?.noCount ?? 0), stake);
    assert.deepEqual([t2?.abstainCount, t2?.noWithVetoCount], ["0", "0"]);

    const p = await finished(id);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED, p.failedReason);
    assert.deepEqual(
      [p.finalTallyResult?.yesCount, p.finalTallyResult?.noCount],
      [String(tokens - stake), String(stake)],
    );
  });

  it("via the CLI: a dgrid MsgUpdateParams proposal file, vetoed by the validator, is rejected and its deposit burned", async () => {
    const ring = ["--home", s.node.home, "--keyring-backend", "test"];
    await dgrid(["keys", "add", "alice", "--recover", ...ring], { input: `${KNOWN_MNEMONIC}\n` });
    const current = await inferenceParams();
    const file = join(s.node.home, "proposal.json");
    writeFileSync(
      file,
      JSON.stringify({
        messages: [
          {
            "@type": "/dgrid.inference.v1.MsgUpdateParams",
            authority: GOV,
            params: {
              ...(InferenceParamsJson.toJSON(current) as object),
              default_redundancy: current.defaultRedundancy + 3,
            },
          },
        ],
        metadata: "",
        deposit: `${DEPOSIT}udgrid`,
        title: "raise k by 3",
        summary: "vetoed",
      }),
    );
    const cliTx = async (args: string[], from: string) => {
      const out = await dgrid([
        ...args,
        "--from",
        from,
        "--gas",
        "auto",
        "--broadcast-mode",
        "block",
        "-y",
        "-o",
        "json",
        ...ring,
        "--node",
        s.node.rpcUrl,
      ]);
      const res = JSON.parse(out.stdout);
      assert.equal(res.code, 0, res.raw_log);
      return res;
    };
    const supply = async () => {
      const req = QuerySupplyOfRequest.encode({ denom: "udgrid" }).finish();
      const res = await qc.queryAbci("/cosmos.bank.v1beta1.Query/SupplyOf", req);
      return BigInt(QuerySupplyOfResponse.decode(res.value).amount?.amount ?? "0");
    };
    const sub = await cliTx(["tx", "gov", "submit-proposal", file], "alice");
    const id = BigInt(
      (sub.events as { type: string; attributes: { key: string; value: string }[] }[])
        .find((e) => e.type === "submit_proposal")
        ?.attributes.find((a) => a.key === "proposal_id")?.value ?? "0",
    );
    assert.ok(id > 0n);
    const pending = await proposal(id);
    assert.equal(
      InferenceMsgUpdateParams.decode(pending.messages[0].value).params?.defaultRedundancy,
      current.defaultRedundancy + 3,
    );
    const afterSubmit = BigInt((await alice.getBalance(aliceAddr, "udgrid")).amount);
    // in-process (no subprocess start-up) so the vote lands well inside the voting period
    const v = await cli([
      "tx",
      "gov",
      "vote",
      String(id),
      "no_with_veto",
      "--from",
      "val",
      "--broadcast-mode",
      "block",
      "-y",
      "-o",
      "json",
      ...ring,
      "--node",
      s.node.rpcUrl,
    ]);
    assert.equal(v.code, 0, v.stderr);
    const supplyBefore = await supply();
    const p = await finished(id);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_REJECTED);
    assert.ok(BigInt(p.finalTallyResult?.noWithVetoCount ?? "0") > 0n);
    assert.equal((await inferenceParams()).defaultRedundancy, current.defaultRedundancy);
    // burn_vote_veto=true: not refunded, and the supply shrank by the deposit
    assert.equal(BigInt((await alice.getBalance(aliceAddr, "udgrid")).amount), afterSubmit);
    assert.equal(await supply(), supplyBefore - BigInt(DEPOSIT));
    const q = JSON.parse(
      (await dgrid(["query", "gov", "proposal", String(id), "--node", s.node.rpcUrl, "-o", "json"])).stdout,
    );
    assert.equal(q.proposal.status, "PROPOSAL_STATUS_REJECTED");
    assert.equal(q.proposal.messages[0]["@type"], "/dgrid.inference.v1.MsgUpdateParams");
  });

  it("a software-upgrade plan halts the node at its height with the app hash of the height before", async () => {
    const hNow = (await comet.status()).syncInfo.latestBlockHeight;
    const planHeight = hNow + 60;
    const upgrade: Any = {
      typeUrl: MsgSoftwareUpgrade.typeUrl,
      value: MsgSoftwareUpgrade.encode(
        MsgSoftwareUpgrade.fromPartial({
          authority: GOV,
          plan: { name: "v2-e2e", height: BigInt(planHeight), info: "" },
        }),
      ).finish(),
    };
    const { id } = await submit([upgrade], "upgrade");
    await vote(val, s.valAddress, id, VoteOption.VOTE_OPTION_YES);
    const p = await finished(id);
    assert.equal(p.status, ProposalStatus.PROPOSAL_STATUS_PASSED, p.failedReason);
    assert.ok((await comet.status()).syncInfo.latestBlockHeight < planHeight, "plan height not yet reached");

    // the app hash committed at planHeight-1, read while the node is still running
    // (the app cannot get past planHeight-1; `status` counts stored blocks, which may run one ahead)
    await waitForHeight(s.node.rpcUrl, planHeight - 1, 120_000);
    const info1 = await until("the app to commit planHeight-1", async () => {
      const r = (await rpcCall(s.node.rpcUrl, "abci_info")).result.response;
      return Number(r.last_block_height) >= planHeight - 1 ? r : undefined;
    });
    assert.equal(Number(info1.last_block_height), planHeight - 1);

    const line = `UPGRADE "v2-e2e" NEEDED at height ${planHeight}`;
    const halted = () =>
      until(
        "the upgrade log line",
        async () => (s.node.logs.join("").includes(line.replaceAll('"', '\\"')) ? true : undefined),
        120_000,
      );
    await halted();
    const info = (await rpcCall(s.node.rpcUrl, "abci_info")).result.response;
    assert.equal(Number(info.last_block_height), planHeight - 1);
    assert.equal(info.last_block_app_hash, info1.last_block_app_hash);
    // as CometBFT, block planHeight may be stored (it was decided) but it was never applied: its header
    // carries the app hash of planHeight-1, and nothing was built on it
    const status = (await rpcCall(s.node.rpcUrl, "status")).result.sync_info;
    assert.ok(Number(status.latest_block_height) <= planHeight);
    const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");
    assert.equal(b64(status.latest_app_hash), info.last_block_app_hash);
    const blockH = (await rpcCall(s.node.rpcUrl, "block", { height: String(planHeight) })).result;
    if (blockH) assert.equal(b64(blockH.block.header.app_hash), info.last_block_app_hash);
    assert.ok((await rpcCall(s.node.rpcUrl, "block", { height: String(planHeight + 1) })).error);
    assert.equal(s.node.process?.exitCode, null, "the node keeps running (halted, not crashed)");

    // restart (twice): the handshake replays the stored block planHeight, which halts again with the
    // same line before anything is written; the process exits with an error (as the SDK's node does
    // until the binary is replaced) and the store stays at planHeight-1 with the same app hash
    await s.node.stop();
    const hashHex = Buffer.from(info.last_block_app_hash, "base64").toString("hex");
    for (let i = 0; i < 2; i++) {
      const { code, output } = await new Promise<{ code: number | null; output: string }>((res) => {
        const child = spawn(process.execPath, [dgridBin, "start", "--home", s.node.home], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("close", (c) => res({ code: c, output }));
      });
      assert.notEqual(code, 0);
      assert.ok(output.includes(line.replaceAll('"', '\\"')), output.slice(-2000));
      const loaded = output
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { msg?: string; version?: number; appHash?: string })
        .find((l) => l.msg === "store loaded");
      assert.equal(loaded?.version, planHeight - 1);
      assert.equal(loaded?.appHash, hashHex);
    }
  });
});
