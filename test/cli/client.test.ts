// client/: wallet helpers and DGridClient against the fake node.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DGridClient, dgridGasPrice, generateWallet, walletFromMnemonic } from "../../client/index.ts";
import { type FakeNode, startFakeNode } from "./fake-node.ts";
import { KNOWN_MNEMONIC } from "./helpers.ts";

describe("client SDK", () => {
  let node: FakeNode | undefined;
  after(async () => node?.close());

  it("wallet helpers use the dgrid prefix and the Cosmos HD path", async () => {
    const ours = (await (await walletFromMnemonic(KNOWN_MNEMONIC)).getAccounts())[0];
    const ref = (
      await (await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" })).getAccounts()
    )[0];
    assert.equal(ours.address, ref.address);
    assert.match(ours.address, /^dgrid1/);
    const fresh = await generateWallet();
    assert.equal(fresh.mnemonic.split(" ").length, 24);
    assert.equal(dgridGasPrice().denom, "udgrid");
  });

  it("DGridClient.send signs with the default gas price and waits for the result", async () => {
    const wallet = await walletFromMnemonic(KNOWN_MNEMONIC);
    const [acc] = await wallet.getAccounts();
    node = await startFakeNode("client-1", (path) => {
      if (path === "/cosmos.auth.v1beta1.Query/Account") {
        const base = BaseAccount.fromPartial({ address: acc.address, accountNumber: 1n, sequence: 0n });
        return {
          value: QueryAccountResponse.encode({
            account: { typeUrl: "/cosmos.auth.v1beta1.BaseAccount", value: BaseAccount.encode(base).finish() },
          }).finish(),
        };
      }
      if (path === "/cosmos.tx.v1beta1.Service/Simulate") {
        return {
          value: SimulateResponse.encode(
            SimulateResponse.fromPartial({ gasInfo: { gasWanted: 0n, gasUsed: 80_000n }, result: { events: [] } }),
          ).finish(),
        };
      }
      return { code: 6, log: "unknown" };
    });
    const client = await DGridClient.connectWithSigner(node.url, wallet);
    try {
      assert.equal(await client.getChainId(), "client-1");
      const res = await client.signing.signAndBroadcast(
        client.address,
        [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: {
              fromAddress: client.address,
              toAddress: toBech32("dgrid", new Uint8Array(20)),
              amount: [{ denom: "udgrid", amount: "5" }],
            },
          },
        ],
        { amount: [{ denom: "udgrid", amount: "5000" }], gas: "200000" },
      );
      assert.equal(res.code, 0);
      // fee "auto": simulated 80000 gas x CosmJS's 1.4 multiplier = 112000 gas at 0.025udgrid.
      const viaSend = await client.send(toBech32("dgrid", new Uint8Array(20)), "7udgrid", "memo");
      assert.equal(viaSend.height, 43);
      const fee = AuthInfo.decode(TxRaw.decode(node.broadcast.at(-1)!).authInfoBytes).fee!;
      assert.equal(fee.gasLimit, 112_000n);
      assert.deepEqual(fee.amount, [{ denom: "udgrid", amount: "2800" }]);
    } finally {
      client.disconnect();
    }
  });
});
