// SIGN_MODE_LEGACY_AMINO_JSON for x/feegrant on the inference test chain: an amino-only owner (as Ledger
// and Keplr's amino mode) with CosmJS's defaults plus the client's authz and feegrant converters signs
// the transaction `dgrid agent create` sends (MsgGrant of an InferenceAuthorization + MsgGrantAllowance
// of an AllowedMsgAllowance [MsgExec] over a Basic, then over a Periodic, allowance, both expiring);
// the app checks the signatures with the same converters and accepts them; the agent, holding 1udgrid,
// then has an amino-signed MsgExec of an inference request paid by the allowance (fee granter = owner);
// the owner's amino-signed MsgRevokeAllowance is accepted, and the agent's next fee-granted tx refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueryAllowanceRequest, QueryAllowanceResponse } from "cosmjs-types/cosmos/feegrant/v1beta1/query";
import { agentGrantMsgs } from "../../app/cli/agent-impl.ts";
import { MODEL_ID, registry, requestMsg, setup } from "../inference/chain-setup.ts";
import { step } from "../inference/harness.ts";
import { AMINO_FEE, aminoSigner } from "./amino-signer.ts";

describe("SIGN_MODE_LEGACY_AMINO_JSON for x/feegrant", () => {
  it("accepts amino-signed agent grants (Basic and Periodic allowances), a fee-granted MsgExec and MsgRevokeAllowance", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    const node = s.net.nodes[0];
    // accounts in genesis order: alice 0 (the owner), creator 1 (the agent, with 1udgrid)
    const owner = await aminoSigner("alice", 0n);
    const agent = await aminoSigner("creator", 1n);
    assert.equal(owner.address, s.alice.address);
    assert.equal(agent.address, s.creator.address);
    await step(s.net);
    const block = async (txs: Uint8Array[]) => {
      const b = await step(s.net, txs);
      // the proposer's injected txs (the request's commit/reveal record) come before these
      return { codes: b.codes.slice(-txs.length), log: b.logs.join("\n") };
    };
    const allowance = async () => {
      const q = await node.app.query({
        path: "/cosmos.feegrant.v1beta1.Query/Allowance",
        data: QueryAllowanceRequest.encode({ granter: owner.address, grantee: agent.address }).finish(),
        height: 0n,
        prove: false,
      });
      return q.code === 0 ? QueryAllowanceResponse.decode(q.value).allowance : undefined;
    };

    // `agent create`'s messages: MsgGrant + MsgGrantAllowance (a Basic allowance under AllowedMsgAllowance)
    const limits = { spendLimit: "100000udgrid", models: MODEL_ID, expiration: "2100-01-01T00:00:00.5Z" };
    const basic = agentGrantMsgs(agent.address, limits)(owner.address, false);
    assert.deepEqual(
      basic.map((m) => m.typeUrl),
      ["/cosmos.authz.v1beta1.MsgGrant", "/cosmos.feegrant.v1beta1.MsgGrantAllowance"],
    );
    let b = await block([await owner.sign(basic)]);
    assert.deepEqual(b.codes, [0], b.log);
    assert.equal((await allowance())?.allowance?.typeUrl, "/cosmos.feegrant.v1beta1.AllowedMsgAllowance");

    // the agent's amino-signed MsgExec of a request, its fee paid by the owner's allowance
    const exec = {
      typeUrl: "/cosmos.authz.v1beta1.MsgExec",
      value: { grantee: agent.address, msgs: [registry.encodeAsAny(requestMsg(s, [1, 2, 3, 4], 3))] },
    };
    b = await block([await agent.sign([exec], { ...AMINO_FEE, granter: owner.address })]);
    assert.deepEqual(b.codes, [0], b.log);

    // `agent grant` with a period: revoke + MsgGrant + MsgGrantAllowance (a Periodic allowance)
    const periodic = agentGrantMsgs(agent.address, {
      ...limits,
      period: "24h",
      periodLimit: "50000udgrid",
      feePeriodLimit: "20000udgrid",
    })(owner.address, true);
    assert.deepEqual(
      periodic.map((m) => m.typeUrl),
      [
        "/cosmos.authz.v1beta1.MsgGrant",
        "/cosmos.feegrant.v1beta1.MsgRevokeAllowance",
        "/cosmos.feegrant.v1beta1.MsgGrantAllowance",
      ],
    );
    b = await block([await owner.sign(periodic)]);
    assert.deepEqual(b.codes, [0], b.log);

    // the owner's amino-signed MsgRevokeAllowance; then the agent's fee-granted tx is refused
    b = await block([
      await owner.sign([
        {
          typeUrl: "/cosmos.feegrant.v1beta1.MsgRevokeAllowance",
          value: { granter: owner.address, grantee: agent.address },
        },
      ]),
    ]);
    assert.deepEqual(b.codes, [0], b.log);
    assert.equal(await allowance(), undefined);
    b = await block([await agent.sign([exec], { ...AMINO_FEE, granter: owner.address })]);
    assert.notEqual(b.codes[0], 0, "no allowance left to pay the fee");
  });
});
