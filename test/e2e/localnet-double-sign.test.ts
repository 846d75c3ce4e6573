// A 4-validator localnet where validator 3 is a double signer (test/support/double-signer.ts, its
// process started by test/support/faulty-node-main.ts --double-sign): it broadcasts a conflicting prevote, the others
// turn it into duplicate-vote evidence, a block carries it, and slashing's BeginBlock slashes the
// validator by slash_fraction_double_sign, jails and tombstones it. The other three go on.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEC_ONE } from "../../chain/baseapp/dec.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { connectQueries, consAddrOf, type LocalnetQueries, valoperOf, waitFor } from "../support/localnet-staking.ts";
import { latestHeight, rpcCall } from "../support/node-process.ts";

const SELF_BOND = 100_000_000n;

describe("localnet: a double-signing validator is slashed and tombstoned", { timeout: 300_000 }, () => {
  let net: TestLocalnet;
  let validators: RunningNode[];
  let qs: LocalnetQueries | undefined;

  before(async () => {
    net = await createTestLocalnet({
      validators: 4,
      faults: (i) => (i === 3 ? { doubleSign: true } : undefined),
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

  it("evidence reaches a block; the validator is slashed, jailed, tombstoned and leaves the set", async () => {
    assert.ok(qs);
    const q = qs.q;
    const bad = validators[3];
    const cons = consAddrOf(bad);
    const info = await waitFor(
      "the double-signer to be tombstoned",
      async () => {
        const r = await q.slashing.signingInfo(cons.bech32);
        return r.valSigningInfo?.tombstoned ? r.valSigningInfo : undefined;
      },
      150_000,
    );
    assert.equal(info.tombstoned, true);
    // jailed "forever" (DoubleSignJailEndTime 9999-12-31T23:59:59Z)
    assert.equal(info.jailedUntil?.seconds, 253402300799n);
    assert.ok(bad.logs.join("").includes("TEST ONLY: double-signed a prevote"), "the double signer ran");

    // a block carries the duplicate-vote evidence against it
    const evHeight = await waitFor("a block with the evidence", async () => {
      const top = await latestHeight(validators[0].rpcUrl);
      for (let h = 2; h <= top; h++) {
        const b = (await rpcCall(validators[0].rpcUrl, "block", { height: String(h) })).result.block;
        const ev = b.evidence.evidence as any[];
        if (ev.some((e) => e.type === "tendermint/DuplicateVoteEvidence" || e.value?.vote_a)) return h;
      }
      return undefined;
    });
    assert.ok(evHeight >= 2);

    const { params } = await q.slashing.params();
    const frac = BigInt(new TextDecoder().decode(params?.slashFractionDoubleSign));
    assert.equal(frac, DEC_ONE / 20n); // 0.05, the default
    const { validator } = await q.staking.validator(valoperOf(bad));
    assert.equal(validator.jailed, true);
    assert.equal(BigInt(validator.tokens), SELF_BOND - (SELF_BOND * frac) / DEC_ONE); // 95000000
    assert.notEqual(validator.status, 3); // not BOND_STATUS_BONDED
    // the honest validators are untouched
    for (const n of validators.slice(0, 3)) {
      const v = (await q.staking.validator(valoperOf(n))).validator;
      assert.equal(v.jailed, false);
      assert.equal(v.tokens, SELF_BOND.toString());
    }

    // consensus drops it: the set at the latest height is the other three
    const honest = validators
      .slice(0, 3)
      .map((n) => consAddrOf(n).hex)
      .sort();
    await waitFor("the set without the double-signer", async () => {
      const { validators: set } = await qs!.comet.validatorsAll();
      const addrs = set.map((v) => Buffer.from(v.address).toString("hex").toUpperCase()).sort();
      return JSON.stringify(addrs) === JSON.stringify(honest);
    });
  });

  it("the chain keeps going with the other three", async () => {
    const live = validators.slice(0, 3);
    const h = Math.max(...(await Promise.all(live.map((n) => latestHeight(n.rpcUrl)))));
    await waitAllHeight(live, h + 3, 90_000);
    // the latest commits are signed by the three honest validators only
    const top = await latestHeight(live[0].rpcUrl);
    const c = (await rpcCall(live[0].rpcUrl, "commit", { height: String(top - 1) })).result.signed_header.commit;
    assert.equal(c.signatures.length, 3);
    assert.ok(!c.signatures.some((s: any) => s.validator_address === consAddrOf(validators[3]).hex));
  });
});
