// CosmJS against the app's ABCI query: StargateClient's account/balance queries and the tx
// extension's simulate go through a fake CometClient that forwards abciQuery to app.query.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import {
  QueryClient,
  StargateClient,
  setupAuthExtension,
  setupBankExtension,
  setupTxExtension,
} from "@cosmjs/stargate";
import type { CometClient } from "@cosmjs/tendermint-rpc";
import type { DGridApp } from "../../app/app.ts";
import { block, genesis, initApp, newApp, registry, send, testKey } from "./helpers.ts";

function fakeComet(app: DGridApp): CometClient {
  const client = {
    async abciQuery(q: { path: string; data: Uint8Array; prove?: boolean; height?: number }) {
      const r = await app.query({ path: q.path, data: q.data, prove: q.prove ?? false, height: BigInt(q.height ?? 0) });
      return {
        code: r.code,
        codespace: r.codespace,
        log: r.log,
        info: r.info,
        key: r.key,
        value: r.value,
        height: Number(r.height),
        index: 0,
      };
    },
    disconnect() {},
  };
  return client as unknown as CometClient;
}

describe("CosmJS compatibility", () => {
  it("StargateClient getAccount / getBalance / getAllBalances; missing account is null", async () => {
    const alice = await testKey("alice");
    const nobody = await testKey("nobody");
    const app = newApp();
    await initApp(app, genesis([{ address: alice.address, coins: [{ denom: "udgrid", amount: "777" }] }]));
    await block(app, 1, []);
    const client = StargateClient.create(fakeComet(app));
    const acc = await client.getAccount(alice.address);
    assert.equal(acc?.address, alice.address);
    assert.equal(acc?.accountNumber, 0n);
    assert.equal(acc?.sequence, 0);
    assert.equal(await client.getAccount(nobody.address), null);
    assert.deepEqual(await client.getBalance(alice.address, "udgrid"), { denom: "udgrid", amount: "777" });
    assert.deepEqual(await client.getAllBalances(alice.address), [{ denom: "udgrid", amount: "777" }]);
  });

  it("tx extension simulate and bank/auth extensions", async () => {
    const alice = await testKey("alice");
    const bob = await testKey("bob");
    const app = newApp();
    await initApp(app, genesis([{ address: alice.address, coins: [{ denom: "udgrid", amount: "1000000" }] }]));
    await block(app, 1, []);
    const qc = QueryClient.withExtensions(fakeComet(app), setupAuthExtension, setupBankExtension, setupTxExtension);
    const msg = send(alice.address, bob.address, "5");
    const any = registry.encodeAsAny(msg);
    const sim = await qc.tx.simulate([any], "", encodeSecp256k1Pubkey(alice.pubkey), 0);
    assert.ok(Number(sim.gasInfo?.gasUsed ?? 0n) > 0);
    const supply = await qc.bank.totalSupply();
    assert.deepEqual(supply.supply, [{ denom: "udgrid", amount: "1000000" }]);
    const meta = await qc.bank.denomsMetadata();
    assert.equal(meta.length, 0);
    const acc = await qc.auth.account(alice.address);
    assert.equal(acc?.typeUrl, "/cosmos.auth.v1beta1.BaseAccount");
  });
});
