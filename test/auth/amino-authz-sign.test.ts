// SIGN_MODE_LEGACY_AMINO_JSON for x/authz on the inference test chain: amino-only signers (as Ledger and
// Keplr's amino mode) with CosmJS's defaults plus client/amino-authz.ts sign MsgGrant (generic, send and
// inference authorizations, an expiration with a fraction), MsgExec (a nested bank MsgSend and a nested
// DGrid MsgRequestInference) and MsgRevoke; the app checks those signatures with the same converters
// and accepts every one in a block, and the exec'd messages take effect.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { SendAuthorization } from "cosmjs-types/cosmos/bank/v1beta1/authz";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { InferenceAuthorization } from "../../proto/gen/dgrid/inference/v1/authz.ts";
import { MODEL_ID, registry, requestMsg, setup } from "../inference/chain-setup.ts";
import { step } from "../inference/harness.ts";
import { aminoSigner } from "./amino-signer.ts";

const SEND = "/cosmos.bank.v1beta1.MsgSend";
const DAVE = toBech32("dgrid", new Uint8Array(20).fill(4));

const any = (typeUrl: string, codec: { encode(m: any): { finish(): Uint8Array } }, value: unknown) => ({
  typeUrl,
  value: codec.encode(value).finish(),
});

describe("SIGN_MODE_LEGACY_AMINO_JSON for x/authz", () => {
  it("accepts amino-signed MsgGrant (three authorization types), MsgExec (bank and DGrid messages) and MsgRevoke", async () => {
    const s = await setup(["honest", "honest", "honest", "honest"]);
    const node = s.net.nodes[0];
    // accounts in genesis order: alice 0, creator 1
    const alice = await aminoSigner("alice", 0n);
    const grantee = await aminoSigner("creator", 1n);
    assert.equal(alice.address, s.alice.address);
    assert.equal(grantee.address, s.creator.address);
    await step(s.net);
    const expect = async (txs: Uint8Array[]) => {
      const b = await step(s.net, txs);
      assert.deepEqual(
        b.codes,
        txs.map(() => 0),
        b.logs.join("\n"),
      );
    };
    const grant = (
      authorization: { typeUrl: string; value: Uint8Array },
      expiration?: { seconds: bigint; nanos: number },
    ) => ({
      typeUrl: "/cosmos.authz.v1beta1.MsgGrant",
      value: { granter: alice.address, grantee: grantee.address, grant: { authorization, expiration } },
    });

    await expect([
      await alice.sign([
        {
          typeUrl: SEND,
          value: {
            fromAddress: alice.address,
            toAddress: grantee.address,
            amount: [{ denom: "udgrid", amount: "100000" }],
          },
        },
        grant(
          any(SendAuthorization.typeUrl, SendAuthorization, {
            spendLimit: [{ denom: "udgrid", amount: "5000" }],
            allowList: [],
          }),
          {
            seconds: 4_102_444_800n,
            nanos: 250_000_000,
          },
        ),
        grant(
          any("/dgrid.inference.v1.InferenceAuthorization", InferenceAuthorization, {
            spendLimit: [{ denom: "udgrid", amount: "1000000" }],
            maxFeePerRequest: { denom: "udgrid", amount: "100000" },
            allowedModels: [MODEL_ID],
            period: { seconds: 86_400n, nanos: 0 },
            periodSpendLimit: [{ denom: "udgrid", amount: "500000" }],
            periodCanSpend: [],
          }),
        ),
        grant(any(GenericAuthorization.typeUrl, GenericAuthorization, { msg: "/cosmos.gov.v1beta1.MsgVote" })),
      ]),
    ]);

    const exec = (...msgs: { typeUrl: string; value: unknown }[]) => ({
      typeUrl: "/cosmos.authz.v1beta1.MsgExec",
      value: { grantee: grantee.address, msgs: msgs.map((m) => registry.encodeAsAny(m)) },
    });
    await expect([
      await grantee.sign([
        exec({
          typeUrl: SEND,
          value: { fromAddress: alice.address, toAddress: DAVE, amount: [{ denom: "udgrid", amount: "1200" }] },
        }),
      ]),
      await grantee.sign([exec(requestMsg(s, [1, 2, 3, 4], 3))]),
    ]);
    const q = await node.app.query({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({ address: DAVE, denom: "udgrid" }).finish(),
      height: 0n,
      prove: false,
    });
    assert.equal(
      QueryBalanceResponse.decode(q.value).balance?.amount,
      "1200",
      "the exec'd MsgSend moved alice's coins",
    );

    await expect([
      await alice.sign([
        {
          typeUrl: "/cosmos.authz.v1beta1.MsgRevoke",
          value: { granter: alice.address, grantee: grantee.address, msgTypeUrl: SEND },
        },
      ]),
    ]);
  });
});
