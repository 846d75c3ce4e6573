// A 4-validator localnet with a 10-block signed-blocks window and a 5 s downtime jail: validator 3
// is stopped for longer than the window allows, so slashing jails it (staking: jailed, tokens cut by
// slash_fraction_downtime) and consensus drops it from the set; restarted, it catches up, and once
// downtime_jail_duration has passed in block time, MsgUnjail signed with its operator key (kept in
// its home's test keyring by `dgrid localnet`) puts it back into the set, and it signs commits again.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes, GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import { LOCALNET_OPERATOR_KEY } from "../../app/localnet.ts";
import { DEC_ONE } from "../../chain/baseapp/dec.ts";
import { Keyring } from "../../chain/keyring/keyring.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { connectQueries, consAddrOf, type LocalnetQueries, valoperOf, waitFor } from "../support/localnet-staking.ts";
import { latestHeight, rpcCall } from "../support/node-process.ts";

const SELF_BOND = 100_000_000n;

describe("localnet: a validator offline for the window is jailed and can unjail", { timeout: 300_000 }, () => {
  let net: TestLocalnet;
  let validators: RunningNode[];
  let qs: LocalnetQueries | undefined;

  const setAddrs = async (height?: number) => {
    const { validators: set } = await qs!.comet.validatorsAll(height);
    return set.map((v) => Buffer.from(v.address).toString("hex").toUpperCase());
  };

  before(async () => {
    net = await createTestLocalnet({
      validators: 4,
      params: { slashing: { signed_blocks_window: "10", downtime_jail_duration: "5s" } },
    });
    validators = net.nodes;
    for (let i = 0; i < 4; i++) net.start(i);
    await waitAllHeight(validators, 2, 150_000);
    qs = await connectQueries(validators[0]);
  });

  after(async () => {
    qs?.disconnect();
    if (net) await net.cleanup();
  });

  it("stopped past the window: jailed, slashed for downtime, out of the set", async () => {
    assert.ok(qs);
    const q = qs.q;
    const down = validators[3];
    await net.stop(3);
    const v = await waitFor(
      "validator 3 to be jailed",
      async () => {
        const r = (await q.staking.validator(valoperOf(down))).validator;
        return r.jailed ? r : undefined;
      },
      150_000,
    );
    const { params } = await q.slashing.params();
    const frac = BigInt(new TextDecoder().decode(params?.slashFractionDowntime));
    assert.equal(frac, DEC_ONE / 100n); // 0.01, the default
    assert.equal(BigInt(v.tokens), SELF_BOND - (SELF_BOND * frac) / DEC_ONE); // 99000000
    const info = (await q.slashing.signingInfo(consAddrOf(down).bech32)).valSigningInfo;
    assert.equal(info?.tombstoned, false);
    assert.ok((info?.jailedUntil?.seconds ?? 0n) > 0n);
    const cons = consAddrOf(down).hex;
    await waitFor("the set without validator 3", async () => {
      const addrs = await setAddrs();
      return addrs.length === 3 && !addrs.includes(cons);
    });
    // the others go on
    const live = validators.slice(0, 3);
    const h = await latestHeight(live[0].rpcUrl);
    await waitAllHeight(live, h + 2, 60_000);
  });

  it("restarted, after downtime_jail_duration, MsgUnjail by its operator key returns it to the set", async () => {
    assert.ok(qs);
    const q = qs.q;
    const down = validators[3];
    const cons = consAddrOf(down);
    net.start(3);
    const tip = await latestHeight(validators[0].rpcUrl);
    await waitAllHeight([down], tip, 120_000);

    // wait until block time has passed jailed_until on the node the tx goes through (which simulates
    // it on its own latest state)
    const info = (await q.slashing.signingInfo(cons.bech32)).valSigningInfo;
    const until = Number(info?.jailedUntil?.seconds ?? 0n) * 1000 + Math.floor((info?.jailedUntil?.nanos ?? 0) / 1e6);
    await waitFor("block time past jailed_until", async () => {
      const st = await rpcCall(down.rpcUrl, "status");
      return Date.parse(st.result.sync_info.latest_block_time) > until;
    });

    const ring = new Keyring({ backend: "test", dir: down.home });
    const signer = await ring.signer(LOCALNET_OPERATOR_KEY);
    const [{ address }] = await signer.getAccounts();
    assert.equal(address, down.operatorAddress);
    const client = await SigningStargateClient.connectWithSigner(down.rpcUrl, signer, {
      gasPrice: GasPrice.fromString("0.025udgrid"),
      registry: new Registry([...defaultRegistryTypes, [MsgUnjail.typeUrl, MsgUnjail]]),
    });
    let unjailHeight = 0;
    try {
      // the restarted node's own services sign with the same operator key (model serving reports):
      // a tx of theirs in its mempool makes the committed sequence CosmJS reads one behind, which
      // the node refuses (code 32) until that tx is in a block; a wallet retries, so does this
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await client.signAndBroadcast(
            address,
            [{ typeUrl: MsgUnjail.typeUrl, value: MsgUnjail.fromPartial({ validatorAddr: valoperOf(down) }) }],
            "auto",
          );
          assert.equal(res.code, 0, res.rawLog);
          unjailHeight = res.height;
          break;
        } catch (e) {
          if (attempt >= 10 || !/account sequence mismatch/.test(String(e))) throw e;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    } finally {
      client.disconnect();
    }
    const v = (await q.staking.validator(valoperOf(down))).validator;
    assert.equal(v.jailed, false);

    // in the CometBFT set from the unjail height + 2, and signing commits again
    await waitAllHeight(validators.slice(0, 3), unjailHeight + 2, 60_000);
    assert.ok(!(await setAddrs(unjailHeight + 1)).includes(cons.hex));
    const back = await setAddrs(unjailHeight + 2);
    assert.equal(back.length, 4);
    assert.ok(back.includes(cons.hex));
    await waitFor("a commit signed by validator 3", async () => {
      const top = await latestHeight(validators[0].rpcUrl);
      for (let h = unjailHeight + 2; h < top; h++) {
        const c = (await rpcCall(validators[0].rpcUrl, "commit", { height: String(h) })).result.signed_header.commit;
        if (c.signatures.some((s: any) => s.block_id_flag === 2 && s.validator_address === cons.hex)) return true;
      }
      return false;
    });
    assert.equal((await q.staking.validator(valoperOf(down))).validator.status, 3); // BOND_STATUS_BONDED
  });
});
