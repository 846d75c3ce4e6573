// The fee allowances against SDK v0.50 semantics: Accept of BasicAllowance, PeriodicAllowance (the
// tryResetPeriod rule) and AllowedMsgAllowance, ValidateBasic, the Any round trip; with fast-check
// properties: spend limits never go negative and a period never pays more than its limit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import fc from "fast-check";
import type { Coin } from "../../../chain/baseapp/coins.ts";
import { InfiniteGasMeter } from "../../../chain/baseapp/store-deps.ts";
import { CodedError } from "../../../chain/errors/errors.ts";
import {
  accept,
  type Basic,
  decodeAllowance,
  encodeAllowance,
  type FeeAllowance,
  type Periodic,
  validateAllowance,
} from "../../../modules/feegrant/allowance.ts";
import { allowanceFromJson, allowanceToJson } from "../../../modules/feegrant/json.ts";

const S = 1_000_000_000n; // one second in ns
const T0 = 1_700_000_000n * S;
const gas = () => new InfiniteGasMeter();
const ud = (n: bigint): Coin[] => (n === 0n ? [] : [{ denom: "udgrid", amount: n }]);
const amount = (c: Coin[]) => c.find((x) => x.denom === "udgrid")?.amount ?? 0n;
const MSG_SEND = "/cosmos.bank.v1beta1.MsgSend";
const MSG_REQUEST = "/dgrid.inference.v1.MsgRequestInference";

function codeOf(r: { error?: CodedError }): string | undefined {
  return r.error ? `${r.error.codespace}:${r.error.code}` : undefined;
}

function basic(limit: bigint | undefined, expirationNs?: bigint): Basic {
  return { kind: "basic", spendLimit: limit === undefined ? [] : ud(limit), expirationNs };
}

function periodic(opts: { total?: bigint; period: bigint; limit: bigint; canSpend?: bigint; reset: bigint }): Periodic {
  return {
    kind: "periodic",
    basic: basic(opts.total),
    periodNs: opts.period,
    periodSpendLimit: ud(opts.limit),
    periodCanSpend: ud(opts.canSpend ?? opts.limit),
    periodResetNs: opts.reset,
  };
}

describe("BasicAllowance", () => {
  it("spends down its limit, is removed when used up, refuses more than is left", () => {
    const a = basic(100n);
    assert.deepEqual(accept(a, T0, ud(40n), [MSG_SEND], gas()), { remove: false });
    assert.equal(amount(a.spendLimit), 60n);
    const over = accept(a, T0, ud(61n), [MSG_SEND], gas());
    assert.equal(codeOf(over), "feegrant:2");
    assert.match(over.error?.message ?? "", /basic allowance: fee limit exceeded/);
    assert.deepEqual(accept(a, T0, ud(60n), [MSG_SEND], gas()), { remove: true });
    assert.deepEqual(a.spendLimit, []);
  });

  it("a fee in a denom the limit lacks is refused; no limit accepts anything", () => {
    assert.equal(codeOf(accept(basic(100n), T0, [{ denom: "uatom", amount: 1n }], [], gas())), "feegrant:2");
    assert.deepEqual(accept(basic(undefined), T0, ud(10n ** 30n), [], gas()), { remove: false });
  });

  it("expires after its expiration (the expiration instant itself still pays)", () => {
    assert.deepEqual(accept(basic(100n, T0), T0, ud(1n), [], gas()), { remove: false });
    const late = accept(basic(100n, T0), T0 + 1n, ud(1n), [], gas());
    assert.equal(late.remove, true);
    assert.equal(codeOf(late), "feegrant:3");
    assert.match(late.error?.message ?? "", /basic allowance: fee allowance expired/);
  });

  it("property: the limit never goes negative and pays exactly the fees it accepted", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.array(fc.bigInt({ min: 1n, max: 3_000n })),
        (limit, fees) => {
          const a = basic(limit);
          let paid = 0n;
          for (const f of fees) {
            const before = amount(a.spendLimit);
            const r = accept(a, T0, ud(f), [MSG_SEND], gas());
            assert.equal(r.error === undefined, f <= before);
            if (!r.error) paid += f;
            else a.spendLimit = ud(before); // a refused fee fails the tx, whose writes are discarded
            assert.ok(amount(a.spendLimit) >= 0n);
            assert.equal(r.remove, !r.error && amount(a.spendLimit) === 0n);
            if (r.remove) break;
          }
          assert.equal(paid + amount(a.spendLimit), limit);
        },
      ),
    );
  });
});

describe("PeriodicAllowance", () => {
  it("refuses over the period limit, refills at period_reset and steps the reset from the last one", () => {
    const a = periodic({ period: 10n * S, limit: 100n, reset: T0 + 10n * S });
    assert.equal(accept(a, T0 + 5n * S, ud(60n), [], gas()).error, undefined);
    const over = accept(a, T0 + 5n * S, ud(41n), [], gas());
    assert.equal(codeOf(over), "feegrant:2");
    assert.match(over.error?.message ?? "", /period limit/);
    a.periodCanSpend = ud(40n); // the refused tx's writes are discarded
    // exactly at the reset: refilled, and the next reset is one period after the previous one
    assert.equal(accept(a, T0 + 10n * S, ud(100n), [], gas()).error, undefined);
    assert.equal(a.periodResetNs, T0 + 20n * S);
    assert.deepEqual(a.periodCanSpend, []);
    // idle for more than a period: the next reset is one period from now
    assert.equal(accept(a, T0 + 35n * S, ud(1n), [], gas()).error, undefined);
    assert.equal(a.periodResetNs, T0 + 45n * S);
    assert.equal(amount(a.periodCanSpend), 99n);
  });

  it("within a period after the reset passed by less than a period, the reset stays on its grid", () => {
    const a = periodic({ period: 10n * S, limit: 100n, canSpend: 0n, reset: T0 });
    assert.equal(accept(a, T0 + 3n * S, ud(5n), [], gas()).error, undefined);
    assert.equal(a.periodResetNs, T0 + 10n * S);
  });

  it("refills to what the total limit has left when that is less than the period limit", () => {
    const a = periodic({ total: 130n, period: 10n * S, limit: 100n, reset: T0 + 10n * S });
    assert.equal(accept(a, T0, ud(100n), [], gas()).error, undefined);
    assert.equal(amount(a.basic.spendLimit), 30n);
    assert.equal(accept(a, T0 + 10n * S, ud(1n), [], gas()).error, undefined);
    assert.equal(amount(a.periodCanSpend), 29n);
    const r = accept(a, T0 + 20n * S, ud(29n), [], gas());
    assert.deepEqual(r, { remove: true });
  });

  it("expires after basic.expiration with the SDK's code", () => {
    const a = periodic({ period: S, limit: 10n, reset: T0 });
    a.basic.expirationNs = T0;
    const r = accept(a, T0 + 1n, ud(1n), [], gas());
    assert.equal(codeOf(r), "feegrant:3");
    assert.equal(r.remove, true);
  });

  it("a reset landing exactly on the block time refills again at that time (SDK: blockTime.After is strict)", () => {
    const a = periodic({ period: 16n * S, limit: 1n, reset: T0 + 16n * S });
    assert.equal(accept(a, T0 + 32n * S, ud(1n), [], gas()).error, undefined);
    assert.equal(a.periodResetNs, T0 + 32n * S);
    assert.equal(accept(a, T0 + 32n * S, ud(1n), [], gas()).error, undefined);
    assert.equal(a.periodResetNs, T0 + 48n * S);
  });

  it("property: period and total limits never go negative; between two refills no more than the period limit is paid", () => {
    const step = fc.record({ dt: fc.bigInt({ min: 0n, max: 25n }), fee: fc.bigInt({ min: 1n, max: 60n }) });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 500n }),
        fc.bigInt({ min: 1n, max: 100n }),
        fc.bigInt({ min: 1n, max: 20n }),
        fc.array(step, { maxLength: 40 }),
        (total, limit, periodS, steps) => {
          const a = periodic({ total, period: periodS * S, limit, reset: T0 });
          let now = T0;
          let paidTotal = 0n;
          let sinceRefill = 0n;
          for (const { dt, fee } of steps) {
            now += dt * S;
            const saved = structuredClone(a);
            const r = accept(a, now, ud(fee), [], gas());
            if (r.error) {
              Object.assign(a, saved); // a failed tx leaves the grant as it was
              continue;
            }
            if (now >= saved.periodResetNs) sinceRefill = 0n; // tryResetPeriod fired
            sinceRefill += fee;
            paidTotal += fee;
            assert.ok(sinceRefill <= limit, "paid since the last refill");
            assert.ok(amount(a.periodCanSpend) >= 0n && amount(a.basic.spendLimit) >= 0n);
            assert.ok(now <= a.periodResetNs, "the next reset is not in the past");
            if (r.remove) break;
          }
          assert.ok(paidTotal <= total);
        },
      ),
    );
  });
});

describe("AllowedMsgAllowance", () => {
  const wrap = (inner: FeeAllowance, msgs: string[]): FeeAllowance => ({
    kind: "allowedMsg",
    allowance: inner,
    allowedMessages: msgs,
  });

  it("refuses a tx with any message outside its list, with the SDK's code, and charges 10 gas per check", () => {
    const a = wrap(basic(100n), [MSG_REQUEST]);
    const g = gas();
    const r = accept(a, T0, ud(1n), [MSG_REQUEST, MSG_SEND], g);
    assert.equal(codeOf(r), "feegrant:7");
    assert.match(r.error?.message ?? "", /message does not exist in allowed messages: message not allowed/);
    assert.equal(g.consumed(), 30);
    assert.equal(accept(a, T0, ud(10n), [MSG_REQUEST], gas()).error, undefined);
    assert.equal(a.kind === "allowedMsg" && a.allowance?.kind === "basic" && amount(a.allowance.spendLimit), 90n);
  });

  it("property: only txs whose every message is listed are paid", () => {
    const urls = [MSG_SEND, MSG_REQUEST, "/cosmos.gov.v1.MsgVote"];
    fc.assert(
      fc.property(
        fc.subarray(urls),
        fc.array(fc.constantFrom(...urls), { minLength: 1, maxLength: 4 }),
        (allowed, msgs) => {
          fc.pre(allowed.length > 0);
          const r = accept(wrap(basic(undefined), allowed), T0, ud(1n), msgs, gas());
          assert.equal(
            r.error === undefined,
            msgs.every((m) => allowed.includes(m)),
          );
        },
      ),
    );
  });
});

describe("validation and encoding", () => {
  const bad = (a: FeeAllowance, re: RegExp) =>
    assert.throws(
      () => validateAllowance(a),
      (e: unknown) => e instanceof CodedError && re.test(e.message),
    );

  it("ValidateBasic refuses what the SDK refuses", () => {
    bad({ kind: "basic", spendLimit: [{ denom: "udgrid", amount: 0n }] }, /send amount is invalid/);
    bad(basic(1n, -1n), /expiration time cannot be negative: invalid duration/);
    bad(periodic({ period: S, limit: 0n, reset: 0n }), /spend limit must be positive/);
    bad(periodic({ period: -S, limit: 1n, reset: 0n }), /negative clock step: invalid duration/);
    const p = periodic({ total: 5n, period: S, limit: 1n, reset: 0n });
    p.periodSpendLimit = [{ denom: "uatom", amount: 1n }];
    bad(p, /period spend limit has different currency than basic spend limit/);
    bad({ kind: "allowedMsg", allowedMessages: [MSG_SEND] }, /allowance should not be empty: no allowance/);
    bad({ kind: "allowedMsg", allowance: basic(1n), allowedMessages: [] }, /allowed messages are empty/);
    validateAllowance(periodic({ total: 5n, period: S, limit: 1n, canSpend: 0n, reset: 0n }));
  });

  it("Any and JSON round trips; cosmjs-types reads our bytes; unknown types are refused", () => {
    const all: FeeAllowance[] = [
      basic(7n, T0 + 123n),
      periodic({ total: 50n, period: 86_400n * S, limit: 10n, canSpend: 3n, reset: T0 }),
      { kind: "allowedMsg", allowance: basic(undefined), allowedMessages: [MSG_REQUEST] },
    ];
    for (const a of all) {
      assert.deepEqual(decodeAllowance(encodeAllowance(a)), a);
      assert.deepEqual(allowanceFromJson(JSON.parse(JSON.stringify(allowanceToJson(a)))), a);
    }
    const p = PeriodicAllowance.decode(encodeAllowance(all[1]).value);
    assert.equal(p.period?.seconds, 86_400n);
    assert.equal(BasicAllowance.decode(encodeAllowance(all[0]).value).expiration?.nanos, 123);
    assert.throws(() => decodeAllowance({ typeUrl: "/x.Y", value: new Uint8Array() }), /no concrete type registered/);
    assert.throws(() => decodeAllowance(undefined), /failed to get allowance: no allowance/);
  });
});
