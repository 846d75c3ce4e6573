// x/staking keeper and msg server: delegation arithmetic (also after a slash), unbonding maturity by
// block time, redelegations, the bonded set under max_validators with diff-only updates, jailing,
// and the pool invariants after every step.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgUndelegateResponse } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { DEC_ONE, decFromProtoString, parseDec } from "../../chain/baseapp/dec.ts";
import { BondStatus, consAddressOfKey, sharesOf, tokensOf } from "../../modules/staking/types.ts";
import { account, consKey, env, keyId, powers } from "./staking-helpers.ts";

const M = 1_000_000n; // one unit of consensus power

describe("staking keeper", () => {
  it("create validator + delegate: shares 1:1, tokens in the pools, power after EndBlock", async () => {
    const e = env();
    const v = await e.createValidator("v1", 10n * M);
    let val = await e.sk.validator(e.ctx, v.val);
    assert.equal(val?.status, BondStatus.BOND_STATUS_UNBONDED);
    assert.equal(val?.tokens, (10n * M).toString());
    assert.equal(decFromProtoString(val?.delegatorShares ?? ""), 10n * M * DEC_ONE);
    assert.equal(await e.sk.notBondedTokens(e.ctx), 10n * M);
    await e.assertInvariants();

    const up = await e.endBlock();
    assert.deepEqual(powers(up), { [keyId("v1")]: 10n });
    val = await e.sk.validator(e.ctx, v.val);
    assert.equal(val?.status, BondStatus.BOND_STATUS_BONDED);
    assert.equal(await e.sk.totalBondedTokens(e.ctx), 10n * M);
    assert.equal(await e.sk.notBondedTokens(e.ctx), 0n);
    await e.assertInvariants();

    // no change -> no update
    e.next();
    assert.deepEqual(await e.endBlock(), []);

    const d = account("delegator");
    await e.fund(d.acc, 100n * M);
    await e.delegate(d.acc, v.val, 5n * M);
    const del = await e.sk.delegation(e.ctx, d.acc, v.val);
    assert.equal(decFromProtoString(del?.shares ?? ""), 5n * M * DEC_ONE);
    assert.equal(await e.sk.totalBondedTokens(e.ctx), 15n * M);
    assert.equal(await e.balance(d.acc), 95n * M);
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 15n });
    assert.equal(await e.sk.getLastTotalPower(e.ctx), 15n);
    assert.equal(e.sk.powerOf((await e.sk.validator(e.ctx, v.val))!), 15n);
    assert.equal((await e.sk.validatorDelegations(e.ctx, v.val)).length, 2);
    assert.equal((await e.sk.delegatorDelegations(e.ctx, d.acc)).length, 1);
    const byCons = await e.sk.validatorByConsAddr(e.ctx, consAddressOfKey(consKey("v1")));
    assert.equal(byCons?.operatorAddress, v.val);
    await e.assertInvariants();
  });

  it("msg checks: duplicate operator / pubkey, wrong denom, low min self delegation, commission bounds", async () => {
    const e = env();
    const v = await e.createValidator("v1", 2n * M);
    await assert.rejects(e.createValidator("v1", M), /validator already exist for this operator address/);
    const d = account("d");
    await e.fund(d.acc, 10n * M);
    await assert.rejects(
      e.run("/cosmos.staking.v1beta1.MsgDelegate", {
        delegatorAddress: d.acc,
        validatorAddress: v.val,
        amount: { denom: "uatom", amount: "5" },
      }),
      /invalid coin denomination: got uatom, expected udgrid/,
    );
    await assert.rejects(e.createValidator("v2", M, { minSelf: "2000000" }), /self delegation must be greater/);
    await assert.rejects(e.createValidator("v3", M, { rate: "300000000000000000" }), /more than the max rate/);
    await assert.rejects(e.delegate(d.acc, account("nobody").val, 1n), /validator does not exist/);
    await assert.rejects(e.delegate(d.acc, v.val, 100n * M), /insufficient funds/);
  });

  it("undelegate: completion time = block time + unbonding_time; paid out only when mature", async () => {
    const e = env({ unbonding_time: "100s" });
    const v = await e.createValidator("v1", 10n * M);
    await e.endBlock();
    const d = account("d");
    await e.fund(d.acc, 10n * M);
    await e.delegate(d.acc, v.val, 4n * M);
    await e.endBlock();
    const ctx = e.next(5000);
    const res = await e.undelegate(d.acc, v.val, 3n * M);
    const out = MsgUndelegateResponse.decode(res.value);
    assert.equal(Number(out.completionTime.seconds) * 1000, ctx.timeMs + 100_000);
    assert.deepEqual(out.amount, { denom: "udgrid", amount: (3n * M).toString() });
    // tokens left the bonded pool for the not-bonded pool
    assert.equal(await e.sk.totalBondedTokens(e.ctx), 11n * M);
    assert.equal(await e.sk.notBondedTokens(e.ctx), 3n * M);
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 11n });
    await e.assertInvariants();
    const ubd = (await e.sk.delegatorUnbondingDelegations(e.ctx, d.acc))[0];
    assert.equal(ubd.entries.length, 1);
    assert.equal(ubd.entries[0].balance, (3n * M).toString());

    e.next(99_000); // 1 s before maturity
    await e.endBlock();
    assert.equal(await e.balance(d.acc), 6n * M);
    e.next(1000); // exactly mature
    await e.endBlock();
    assert.equal(await e.balance(d.acc), 9n * M);
    assert.equal((await e.sk.delegatorUnbondingDelegations(e.ctx, d.acc)).length, 0);
    assert.equal(await e.sk.notBondedTokens(e.ctx), 0n);
    await e.assertInvariants();
  });

  it("undelegating everything removes the delegation; max entries enforced", async () => {
    const e = env({ max_entries: 2 });
    const v = await e.createValidator("v1", 10n * M);
    await e.endBlock();
    const d = account("d");
    await e.fund(d.acc, 10n * M);
    await e.delegate(d.acc, v.val, 3n * M);
    await e.undelegate(d.acc, v.val, M);
    e.next();
    await e.undelegate(d.acc, v.val, M);
    e.next();
    await assert.rejects(e.undelegate(d.acc, v.val, M), /too many unbonding delegation entries/);
    const e2 = env();
    const v2 = await e2.createValidator("v1", 10n * M);
    const d2 = account("d");
    await e2.fund(d2.acc, 10n * M);
    await e2.delegate(d2.acc, v2.val, 3n * M);
    await e2.undelegate(d2.acc, v2.val, 3n * M);
    assert.equal(await e2.sk.delegation(e2.ctx, d2.acc, v2.val), undefined);
    await assert.rejects(e2.undelegate(d2.acc, v2.val, 1n), /no delegation/);
    await e2.assertInvariants();
  });

  it("slash: burns tokens, shares keep their number, later delegations get more shares per token", async () => {
    const e = env();
    const v = await e.createValidator("v1", 10n * M);
    await e.endBlock();
    const d = account("d");
    await e.fund(d.acc, 20n * M);
    e.next();
    await e.delegate(d.acc, v.val, 10n * M); // 20M tokens, 20M shares
    await e.endBlock();
    const supplyBefore = (await e.bk.getSupply(e.ctx, "udgrid")).amount;
    e.next();
    const burned = await e.sk.slash(e.ctx, consAddressOfKey(consKey("v1")), e.ctx.height, 20n, parseDec("0.1"));
    assert.equal(burned, 2n * M);
    assert.equal((await e.bk.getSupply(e.ctx, "udgrid")).amount, supplyBefore - 2n * M);
    let val = (await e.sk.validator(e.ctx, v.val))!;
    assert.equal(tokensOf(val), 18n * M);
    assert.equal(sharesOf(val), 20n * M * DEC_ONE);
    await e.assertInvariants();
    // delegating 9 tokens now buys 10 shares (20 shares / 18 tokens)
    const d2 = account("d2");
    await e.fund(d2.acc, 9n * M);
    await e.delegate(d2.acc, v.val, 9n * M);
    const del2 = await e.sk.delegation(e.ctx, d2.acc, v.val);
    assert.equal(decFromProtoString(del2?.shares ?? ""), 10n * M * DEC_ONE);
    // undelegating 9 tokens takes those 10 shares back
    await e.undelegate(d2.acc, v.val, 9n * M);
    assert.equal(await e.sk.delegation(e.ctx, d2.acc, v.val), undefined);
    val = (await e.sk.validator(e.ctx, v.val))!;
    assert.equal(tokensOf(val), 18n * M);
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 18n });
    await e.assertInvariants();
  });

  it("slash reaches unbonding delegations and redelegations started at/after the infraction height", async () => {
    const e = env({ unbonding_time: "1000s" });
    const v1 = await e.createValidator("v1", 10n * M);
    const v2 = await e.createValidator("v2", 10n * M);
    await e.endBlock();
    const d = account("d");
    await e.fund(d.acc, 30n * M);
    await e.delegate(d.acc, v1.val, 20n * M);
    await e.endBlock();
    e.next();
    await e.undelegate(d.acc, v1.val, 2n * M); // before the infraction: not slashed
    e.next();
    const infraction = e.ctx.height;
    await e.undelegate(d.acc, v1.val, 4n * M); // at the infraction height: slashed
    await e.redelegate(d.acc, v1.val, v2.val, 6n * M); // slashed from the destination
    await e.endBlock();
    await e.assertInvariants();
    e.next();
    const before = await e.sk.validator(e.ctx, v1.val);
    const burned = await e.sk.slash(e.ctx, consAddressOfKey(consKey("v1")), infraction, 30n, parseDec("0.5"));
    // 15M to slash: 2M from the unbonding entry (half of 4M), 3M from the redelegation, 10M from v1
    assert.equal(burned, 10n * M);
    const after = (await e.sk.validator(e.ctx, v1.val))!;
    assert.equal(tokensOf(after), tokensOf(before!) - 10n * M);
    const ubd = (await e.sk.delegatorUnbondingDelegations(e.ctx, d.acc))[0];
    assert.deepEqual(
      ubd.entries.map((x) => x.balance),
      [(2n * M).toString(), (2n * M).toString()],
    );
    const v2now = (await e.sk.validator(e.ctx, v2.val))!;
    assert.equal(tokensOf(v2now), 13n * M);
    await e.endBlock();
    await e.assertInvariants();
  });

  it("redelegation moves power at once; transitive redelegation refused; completes after unbonding_time", async () => {
    const e = env({ unbonding_time: "100s" });
    const v1 = await e.createValidator("v1", 10n * M);
    const v2 = await e.createValidator("v2", 10n * M);
    const v3 = await e.createValidator("v3", 10n * M);
    await e.endBlock();
    const d = account("d");
    await e.fund(d.acc, 10n * M);
    await e.delegate(d.acc, v1.val, 5n * M);
    await e.endBlock();
    e.next();
    await e.redelegate(d.acc, v1.val, v2.val, 5n * M);
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 10n, [keyId("v2")]: 15n });
    await assert.rejects(e.redelegate(d.acc, v2.val, v3.val, M), /redelegation to this validator already in progress/);
    await assert.rejects(e.redelegate(d.acc, v2.val, v2.val, M), /cannot redelegate to the same validator/);
    assert.equal((await e.sk.delegatorRedelegations(e.ctx, d.acc)).length, 1);
    await e.assertInvariants();
    e.next(100_000);
    await e.endBlock();
    assert.equal((await e.sk.delegatorRedelegations(e.ctx, d.acc)).length, 0);
    e.next();
    await e.redelegate(d.acc, v2.val, v3.val, M); // allowed now
    await e.endBlock();
    await e.assertInvariants();
  });

  it("max_validators: only the top N bond; updates are diffs; the loser unbonds, then is unbonded by time", async () => {
    const e = env({ max_validators: 2, unbonding_time: "100s" });
    const a = await e.createValidator("a", 10n * M);
    const b = await e.createValidator("b", 20n * M);
    const c = await e.createValidator("c", 5n * M);
    assert.deepEqual(powers(await e.endBlock()), { [keyId("a")]: 10n, [keyId("b")]: 20n });
    assert.equal((await e.sk.validator(e.ctx, c.val))?.status, BondStatus.BOND_STATUS_UNBONDED);
    assert.deepEqual(
      (await e.sk.bondedValidatorsByPower(e.ctx)).map((v) => v.operatorAddress),
      [b.val, a.val],
    );
    await e.assertInvariants();
    // c overtakes a
    e.next();
    const d = account("d");
    await e.fund(d.acc, 50n * M);
    await e.delegate(d.acc, c.val, 10n * M);
    const up = await e.endBlock();
    assert.deepEqual(powers(up), { [keyId("c")]: 15n, [keyId("a")]: 0n });
    assert.equal(up.length, 2);
    const aNow = (await e.sk.validator(e.ctx, a.val))!;
    assert.equal(aNow.status, BondStatus.BOND_STATUS_UNBONDING);
    assert.equal(Number(aNow.unbondingTime.seconds) * 1000, e.ctx.timeMs + 100_000);
    assert.equal(await e.sk.totalBondedTokens(e.ctx), 35n * M);
    assert.equal(await e.sk.notBondedTokens(e.ctx), 10n * M);
    assert.equal(await e.sk.getLastTotalPower(e.ctx), 35n);
    await e.assertInvariants();
    e.next(50_000);
    await e.endBlock();
    assert.equal((await e.sk.validator(e.ctx, a.val))?.status, BondStatus.BOND_STATUS_UNBONDING);
    e.next(50_000);
    assert.deepEqual(await e.endBlock(), []);
    assert.equal((await e.sk.validator(e.ctx, a.val))?.status, BondStatus.BOND_STATUS_UNBONDED);
    await e.assertInvariants();
    // equal power: the lower operator address wins the tie, deterministically
    const bonded = await e.sk.bondedValidatorsByPower(e.ctx);
    assert.deepEqual(
      bonded.map((v) => v.operatorAddress),
      [b.val, c.val],
    );
  });

  it("jail removes from the set (power 0 update), unjail brings it back; pools follow", async () => {
    const e = env();
    const v1 = await e.createValidator("v1", 10n * M);
    await e.createValidator("v2", 10n * M);
    await e.endBlock();
    e.next();
    await e.sk.jail(e.ctx, consAddressOfKey(consKey("v1")));
    await e.sk.jail(e.ctx, consAddressOfKey(consKey("v1"))); // idempotent
    assert.equal((await e.sk.validator(e.ctx, v1.val))?.jailed, true);
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 0n });
    assert.equal(await e.sk.totalBondedTokens(e.ctx), 10n * M);
    await e.assertInvariants();
    e.next();
    await e.sk.unjail(e.ctx, consAddressOfKey(consKey("v1")));
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 10n });
    assert.equal(await e.sk.totalBondedTokens(e.ctx), 20n * M);
    await e.assertInvariants();
  });

  it("an operator undelegating under its min self delegation is jailed", async () => {
    const e = env();
    const v = await e.createValidator("v1", 10n * M, { minSelf: (5n * M).toString() });
    await e.createValidator("v2", 10n * M);
    await e.endBlock();
    e.next();
    await e.undelegate(v.acc, v.val, 6n * M);
    assert.equal((await e.sk.validator(e.ctx, v.val))?.jailed, true);
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 0n });
    await e.assertInvariants();
  });

  it("hooks fire: created, bonded (with consensus address), begin unbonding, delegation", async () => {
    const e = env({ max_validators: 1 });
    const calls: string[] = [];
    e.sk.setHooks({
      afterValidatorCreated: (_c, v) => void calls.push(`created ${v.slice(0, 16)}`),
      afterValidatorBonded: (_c, cons, _v) =>
        void calls.push(`bonded ${Buffer.from(cons).toString("hex").slice(0, 8)}`),
      afterValidatorBeginUnbonding: (_c, cons) =>
        void calls.push(`unbonding ${Buffer.from(cons).toString("hex").slice(0, 8)}`),
      beforeDelegationCreated: () => void calls.push("delegation"),
    });
    await e.createValidator("v1", 10n * M);
    await e.endBlock();
    await e.createValidator("v2", 20n * M);
    await e.endBlock();
    const c1 = Buffer.from(consAddressOfKey(consKey("v1")))
      .toString("hex")
      .slice(0, 8);
    const c2 = Buffer.from(consAddressOfKey(consKey("v2")))
      .toString("hex")
      .slice(0, 8);
    assert.deepEqual(
      calls.filter((c) => !c.startsWith("created")),
      ["delegation", `bonded ${c1}`, "delegation", `bonded ${c2}`, `unbonding ${c1}`],
    );
  });
});

describe("staking msgs: edit validator, cancel unbonding, update params", () => {
  it("edit validator: description kept with [do-not-modify], commission rate limits, min self delegation only up", async () => {
    const e = env();
    const v = await e.createValidator("v1", 10n * M);
    const edit = (o: { moniker?: string; rate?: string; minSelf?: string }) =>
      e.run("/cosmos.staking.v1beta1.MsgEditValidator", {
        description: {
          moniker: o.moniker ?? "[do-not-modify]",
          identity: "[do-not-modify]",
          website: "https://example.org",
          securityContact: "[do-not-modify]",
          details: "[do-not-modify]",
        },
        validatorAddress: v.val,
        commissionRate: o.rate ?? "",
        minSelfDelegation: o.minSelf ?? "",
      });
    await edit({});
    let val = (await e.sk.validator(e.ctx, v.val))!;
    assert.equal(val.description.moniker, "v1");
    assert.equal(val.description.website, "https://example.org");
    await assert.rejects(edit({ rate: "110000000000000000" }), /more than once in 24h/);
    e.next(24 * 3600 * 1000);
    await assert.rejects(edit({ rate: "150000000000000000" }), /more than max change rate/);
    await assert.rejects(edit({ rate: "250000000000000000" }), /more than the max rate/);
    await edit({ rate: "105000000000000000", moniker: "renamed" });
    val = (await e.sk.validator(e.ctx, v.val))!;
    assert.equal(val.commission.commissionRates.rate, "105000000000000000");
    assert.equal(val.description.moniker, "renamed");
    await edit({ minSelf: "5" });
    await assert.rejects(edit({ minSelf: "4" }), /minimum self delegation cannot be decrease/);
    await assert.rejects(edit({ minSelf: (11n * M).toString() }), /self delegation must be greater/);
  });

  it("cancel unbonding: part of an entry goes back to the validator, from the not-bonded to the bonded pool", async () => {
    const e = env();
    const v = await e.createValidator("v1", 10n * M);
    await e.endBlock();
    const d = account("d");
    await e.fund(d.acc, 10n * M);
    await e.delegate(d.acc, v.val, 5n * M);
    e.next();
    const height = BigInt(e.ctx.height);
    await e.undelegate(d.acc, v.val, 4n * M);
    await e.endBlock();
    const cancel = (amount: bigint, h = height) =>
      e.run("/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation", {
        delegatorAddress: d.acc,
        validatorAddress: v.val,
        amount: { denom: "udgrid", amount: amount.toString() },
        creationHeight: h,
      });
    await assert.rejects(cancel(M, height + 1n), /entry is not found at block height/);
    await assert.rejects(cancel(5n * M), /greater than the unbonding delegation entry balance/);
    await cancel(3n * M);
    const ubd = (await e.sk.delegatorUnbondingDelegations(e.ctx, d.acc))[0];
    assert.equal(ubd.entries[0].balance, M.toString());
    assert.equal(decFromProtoString((await e.sk.delegation(e.ctx, d.acc, v.val))?.shares ?? ""), 4n * M * DEC_ONE);
    assert.equal(await e.sk.notBondedTokens(e.ctx), M);
    await e.assertInvariants();
    assert.deepEqual(powers(await e.endBlock()), { [keyId("v1")]: 14n });
    await cancel(M);
    assert.equal((await e.sk.delegatorUnbondingDelegations(e.ctx, d.acc)).length, 0);
    await e.assertInvariants();
  });

  it("update params: only the gov authority; min commission raises validators under it", async () => {
    const e = env();
    const v = await e.createValidator("v1", 10n * M, { rate: "10000000000000000" }); // 1%
    const p = await e.sk.getParams(e.ctx);
    const { AUTHORITY } = await import("./staking-helpers.ts");
    await assert.rejects(
      e.run("/cosmos.staking.v1beta1.MsgUpdateParams", { authority: account("x").acc, params: p }),
      /invalid authority/,
    );
    await assert.rejects(
      e.run("/cosmos.staking.v1beta1.MsgUpdateParams", { authority: AUTHORITY, params: { ...p, maxValidators: 0 } }),
      /max validators must be positive/,
    );
    await e.run("/cosmos.staking.v1beta1.MsgUpdateParams", {
      authority: AUTHORITY,
      params: { ...p, minCommissionRate: "50000000000000000", maxValidators: 7 },
    });
    assert.equal((await e.sk.getParams(e.ctx)).maxValidators, 7);
    const val = (await e.sk.validator(e.ctx, v.val))!;
    assert.equal(val.commission.commissionRates.rate, "50000000000000000");
    await assert.rejects(e.createValidator("v2", M, { rate: "40000000000000000" }), /less than minimum rate/);
  });
});
