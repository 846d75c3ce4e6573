import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProtobufRpcClient } from "@cosmjs/stargate";
import { QueryClientImpl } from "cosmjs-types/cosmos/slashing/v1beta1/query";
import { MsgUnjail, MsgUpdateParams } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { type Misbehavior, MisbehaviorType, type VoteInfo } from "cosmjs-types/tendermint/abci/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import fc from "fast-check";
import pino from "pino";
import { type BlockInfo, Context } from "../../chain/baseapp/context.ts";
import { DEC_ONE } from "../../chain/baseapp/dec.ts";
import { Router } from "../../chain/baseapp/module.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import { timestampToNs, timeToJson } from "../../chain/baseapp/time.ts";
import { CodedError, ErrInvalidRequest, ErrUnauthorized, type RegisteredError } from "../../chain/errors/errors.ts";
import { addressFromString, Bech32PrefixValAddr, moduleAddress } from "../../chain/types/address.ts";
import { BitmapChunk } from "../../modules/slashing/bitmap.ts";
import * as errs from "../../modules/slashing/errors.ts";
import { exportGenesis, initGenesis, validateGenesis } from "../../modules/slashing/genesis.ts";
import { SlashingKeeper, type SlashingKeeperOptions } from "../../modules/slashing/keeper.ts";
import { consAddressFromString, consAddressToString, StoreKey } from "../../modules/slashing/keys.ts";
import { SlashingModule } from "../../modules/slashing/module.ts";
import { MsgUnjailType } from "../../modules/slashing/msg-server.ts";
import { defaultParams, paramsToProto, type SlashingParams } from "../../modules/slashing/params.ts";
import { MemCacheMultiStore, MemKV } from "../app/memory-store.ts";
import { FakeStakingKeeper, type FakeValidator } from "../support/fake-staking.ts";

const AUTHORITY = moduleAddress("gov");
const T0 = 1_700_000_000_000; // ms
const BLOCK_MS = 1000;
const S = 1_000_000_000n;

function code(e: unknown): string {
  assert.ok(e instanceof CodedError, `expected a CodedError, got ${e}`);
  return `${e.codespace}:${e.code}`;
}

async function rejectsWith(p: Promise<unknown>, err: RegisteredError): Promise<void> {
  const expected = `${err.codespace}:${err.code}`;
  try {
    await p;
  } catch (e) {
    assert.equal(code(e), expected, String(e));
    return;
  }
  assert.fail(`expected error ${expected}`);
}

function setup(params: Partial<SlashingParams> = {}, options: SlashingKeeperOptions = {}) {
  const store = new MemKV();
  const ms = new MemCacheMultiStore({ getStore: () => store });
  const sk = new FakeStakingKeeper();
  const keeper = new SlashingKeeper(options, { stakingKeeper: sk });
  sk.setHooks(keeper.hooks());
  const module = new SlashingModule(keeper, AUTHORITY);
  const router = new Router();
  module.registerServices(router);
  const logger = pino({ level: "silent" });
  const ctxAt = (height: number, extra: Partial<BlockInfo> = {}) =>
    new Context(
      ms,
      { height, timeMs: T0 + height * BLOCK_MS, chainId: "t", ...extra },
      new InfiniteGasMeter(),
      "finalize",
      logger,
    );
  keeper.setParams(ctxAt(1), { ...defaultParams(), ...params });
  return { store, ms, sk, keeper, module, router, ctxAt };
}

type Env = ReturnType<typeof setup>;

function vote(v: FakeValidator, flag: BlockIDFlag, power = 10n): VoteInfo {
  return { validator: { address: v.consAddr, power }, blockIdFlag: flag };
}

/** Runs BeginBlock at `height` with these votes in the last commit. */
async function block(env: Env, height: number, votes: VoteInfo[], misbehavior: Misbehavior[] = [], timeMs?: number) {
  const ctx = env.ctxAt(height, {
    lastCommit: { round: 0, votes },
    misbehavior,
    ...(timeMs !== undefined ? { timeMs } : {}),
  });
  await env.module.beginBlock(ctx);
  return ctx;
}

async function bondedValidator(env: Env, name: string, height = 1, tokens = 10_000_000n): Promise<FakeValidator> {
  const ctx = env.ctxAt(height);
  const v = await env.sk.createValidator(ctx, name, tokens);
  await env.sk.bond(ctx, v.operator);
  return v;
}

const ABSENT = BlockIDFlag.BLOCK_ID_FLAG_ABSENT;
const COMMIT = BlockIDFlag.BLOCK_ID_FLAG_COMMIT;
const NIL = BlockIDFlag.BLOCK_ID_FLAG_NIL;

describe("slashing: liveness", () => {
  it("a validator missing more than window - min_signed blocks is slashed and jailed once; one that signs is not", async () => {
    const env = setup({ signedBlocksWindow: 10n });
    const a = await bondedValidator(env, "a");
    const b = await bondedValidator(env, "b");
    const info0 = await env.keeper.getSigningInfo(env.ctxAt(1), a.consAddr);
    assert.equal(info0?.startHeight, 1n);
    assert.equal(info0?.address, consAddressToString(a.consAddr));

    // min height = 1 + 10: through height 11 nothing happens even with 10 misses
    for (let h = 2; h <= 11; h++) await block(env, h, [vote(a, ABSENT), vote(b, COMMIT)]);
    assert.equal(env.sk.slashes.length, 0);
    const before = await env.keeper.getSigningInfo(env.ctxAt(11), a.consAddr);
    assert.equal(before?.missedBlocksCounter, 10n);

    const ctx = await block(env, 12, [vote(a, ABSENT), vote(b, COMMIT)]);
    assert.equal(env.sk.slashes.length, 1);
    const s = env.sk.slashes[0];
    assert.deepEqual(s.consAddr, a.consAddr);
    assert.equal(s.infractionHeight, 12 - 1 - 1);
    assert.equal(s.power, 10n);
    assert.equal(s.fraction, DEC_ONE / 100n);
    assert.equal(s.burned, 100_000n); // 10 power * 10^6 * 0.01
    assert.equal(env.sk.get(a.operator).jailed, true);
    assert.equal(env.sk.get(b.operator).jailed, false);

    const info = await env.keeper.getSigningInfo(ctx, a.consAddr);
    assert.equal(info?.missedBlocksCounter, 0n);
    assert.equal(info?.indexOffset, 0n);
    assert.equal(timestampToNs(info?.jailedUntil), BigInt(T0 + 12 * BLOCK_MS) * 1_000_000n + 600n * S);
    assert.deepEqual(await env.keeper.getValidatorMissedBlocks(ctx, a.consAddr), []);

    const slash = ctx.eventManager.events().find((e) => e.type === "slash");
    assert.deepEqual(slash?.attributes, [
      { key: "address", value: consAddressToString(a.consAddr) },
      { key: "power", value: "10" },
      { key: "reason", value: "missing_signature" },
      { key: "jailed", value: consAddressToString(a.consAddr) },
      { key: "burned_coins", value: "100000" },
    ]);
    const live = ctx.eventManager.events().find((e) => e.type === "liveness");
    assert.deepEqual(live?.attributes, [
      { key: "address", value: consAddressToString(a.consAddr) },
      { key: "missed_blocks", value: "10" }, // the window holds 10
      { key: "height", value: "12" },
    ]);

    // still absent while jailed: nothing more happens
    for (let h = 13; h <= 40; h++) await block(env, h, [vote(a, ABSENT), vote(b, COMMIT)]);
    assert.equal(env.sk.slashes.length, 1);
    const bInfo = await env.keeper.getSigningInfo(env.ctxAt(40), b.consAddr);
    assert.equal(bInfo?.missedBlocksCounter, 0n);
    assert.equal(bInfo?.indexOffset, 39n);
  });

  it("boundary: exactly window - min_signed misses is tolerated, one more is not; nil votes count as signed", async () => {
    const env = setup({ signedBlocksWindow: 10n, minSignedPerWindow: DEC_ONE / 2n });
    const a = await bondedValidator(env, "a");
    // first 10 blocks (heights 2..11) fill the window: 5 signed (some nil), 5 missed
    const pattern = [COMMIT, NIL, COMMIT, NIL, COMMIT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT];
    for (let i = 0; i < 10; i++) await block(env, 2 + i, [vote(a, pattern[i])]);
    // heights 12..16 repeat the pattern's first half (signed): window slides, 5 misses stay
    for (let h = 12; h <= 16; h++) await block(env, h, [vote(a, COMMIT)]);
    assert.equal((await env.keeper.getSigningInfo(env.ctxAt(16), a.consAddr))?.missedBlocksCounter, 5n);
    assert.equal(env.sk.slashes.length, 0);
    // the next block overwrites a missed slot with a signature: counter 4
    await block(env, 17, [vote(a, COMMIT)]);
    assert.equal((await env.keeper.getSigningInfo(env.ctxAt(17), a.consAddr))?.missedBlocksCounter, 4n);
    // two more misses (overwriting missed slots then a signed slot): 4 -> 4 -> ... build to 6
    await block(env, 18, [vote(a, ABSENT)]); // slot 6 was missed -> stays 4
    assert.equal((await env.keeper.getSigningInfo(env.ctxAt(18), a.consAddr))?.missedBlocksCounter, 4n);
    await block(env, 19, [vote(a, ABSENT)]); // slot 7 missed -> 4
    await block(env, 20, [vote(a, ABSENT)]); // slot 8 missed -> 4
    await block(env, 21, [vote(a, ABSENT)]); // slot 9 missed -> 4
    await block(env, 22, [vote(a, ABSENT)]); // slot 0 signed -> 5 (== max missed: tolerated)
    assert.equal((await env.keeper.getSigningInfo(env.ctxAt(22), a.consAddr))?.missedBlocksCounter, 5n);
    assert.equal(env.sk.slashes.length, 0);
    await block(env, 23, [vote(a, ABSENT)]); // slot 1 signed -> 6 > 5: slashed
    assert.equal(env.sk.slashes.length, 1);
    assert.equal(env.sk.slashes[0].infractionHeight, 21);
    assert.equal(env.sk.get(a.operator).jailed, true);
  });

  it("rounding of min_signed_per_window * window is half to even (SDK RoundInt64)", async () => {
    // window 5, min 0.5 -> 2.5 -> rounds to 2 -> max missed 3
    const env = setup({ signedBlocksWindow: 5n, minSignedPerWindow: DEC_ONE / 2n });
    const a = await bondedValidator(env, "a");
    for (let h = 2; h <= 6; h++) await block(env, h, [vote(a, h <= 4 ? ABSENT : COMMIT)]); // 3 missed
    await block(env, 7, [vote(a, COMMIT)]); // slot 0 (missed) -> 2
    await block(env, 8, [vote(a, ABSENT)]); // slot 1 missed -> 2
    await block(env, 9, [vote(a, ABSENT)]); // slot 2 missed -> 2
    await block(env, 10, [vote(a, ABSENT)]); // slot 3 signed -> 3 (== max): ok
    assert.equal(env.sk.slashes.length, 0);
    await block(env, 11, [vote(a, ABSENT)]); // slot 4 signed -> 4 > 3
    assert.equal(env.sk.slashes.length, 1);
  });

  it("a validator unknown to staking or without signing info is skipped, not a crash", async () => {
    const env = setup({ signedBlocksWindow: 10n });
    const ctx = env.ctxAt(1);
    const ghost = await env.sk.createValidator(ctx, "ghost", 1_000_000n); // created, never bonded: no signing info
    const stranger = { ...ghost, consAddr: new Uint8Array(20).fill(7) };
    await block(env, 2, [vote(ghost, ABSENT), vote(stranger, ABSENT)]);
    assert.equal(await env.keeper.getSigningInfo(env.ctxAt(2), ghost.consAddr), undefined);
  });

  it("re-bonding after unjail resets the start height (grace of one window)", async () => {
    const env = setup({ signedBlocksWindow: 10n });
    const a = await bondedValidator(env, "a");
    for (let h = 2; h <= 12; h++) await block(env, h, [vote(a, ABSENT)]);
    assert.equal(env.sk.slashes.length, 1);
    const later = 12 + 700; // 700 s later: past the 600 s jail
    await env.keeper.unjail(env.ctxAt(later), a.operator);
    await env.sk.bond(env.ctxAt(later), a.operator);
    assert.equal((await env.keeper.getSigningInfo(env.ctxAt(later), a.consAddr))?.startHeight, BigInt(later));
    for (let h = later + 1; h <= later + 10; h++) await block(env, h, [vote(a, ABSENT)]);
    assert.equal(env.sk.slashes.length, 1);
    await block(env, later + 11, [vote(a, ABSENT)]);
    assert.equal(env.sk.slashes.length, 2);
  });
});

describe("slashing: property tests", () => {
  it("missed counter == bitmap popcount == misses in the last window blocks (min_signed 0: never jailed)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.constantFrom(ABSENT, COMMIT, NIL), { minLength: 1, maxLength: 120 }),
        async (window, flags) => {
          const env = setup({ signedBlocksWindow: BigInt(window), minSignedPerWindow: 0n });
          const a = await bondedValidator(env, "a");
          const model: boolean[] = new Array(window).fill(false);
          for (let i = 0; i < flags.length; i++) {
            const ctx = await block(env, 2 + i, [vote(a, flags[i])]);
            model[i % window] = flags[i] === ABSENT;
            const info = await env.keeper.getSigningInfo(ctx, a.consAddr);
            const bitmap = await env.keeper.getValidatorMissedBlocks(ctx, a.consAddr);
            const expected = model.filter(Boolean).length;
            assert.equal(info?.missedBlocksCounter, BigInt(expected));
            assert.equal(bitmap.length, expected);
            assert.deepEqual(
              bitmap.map((b) => Number(b.index)),
              model.flatMap((m, j) => (m ? [j] : [])),
            );
            assert.equal(info?.indexOffset, BigInt(i + 1));
          }
          assert.equal(env.sk.slashes.length, 0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("with any min_signed, the counter always equals the bitmap popcount and a slash jails at most once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 100 }),
        async (window, minPct, misses) => {
          const env = setup({
            signedBlocksWindow: BigInt(window),
            minSignedPerWindow: (DEC_ONE * BigInt(minPct)) / 100n,
          });
          const a = await bondedValidator(env, "a");
          for (let i = 0; i < misses.length; i++) {
            const ctx = await block(env, 2 + i, [vote(a, misses[i] ? ABSENT : COMMIT)]);
            const info = await env.keeper.getSigningInfo(ctx, a.consAddr);
            const bitmap = await env.keeper.getValidatorMissedBlocks(ctx, a.consAddr);
            assert.equal(info?.missedBlocksCounter, BigInt(bitmap.length));
            assert.ok((info?.missedBlocksCounter ?? 0n) <= BigInt(window));
          }
          assert.ok(env.sk.slashes.length <= 1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("bitmap chunks round-trip in the bitset binary form", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1023 }), { maxLength: 64 }), (bits) => {
        const c = BitmapChunk.empty();
        for (const b of bits) c.set(b, true);
        const enc = c.encode();
        assert.equal(enc.length, 8 + 16 * 8);
        const d = BitmapChunk.decode(enc);
        for (let i = 0; i < 1024; i++) assert.equal(d.test(i), bits.includes(i));
        assert.equal(d.count(), bits.length);
      }),
    );
    // bit 0 is the least significant bit of the first big-endian word
    const c = BitmapChunk.empty();
    c.set(0, true);
    c.set(65, true);
    const enc = c.encode();
    assert.deepEqual([...enc.subarray(0, 8)], [0, 0, 0, 0, 0, 0, 4, 0]);
    assert.equal(enc[15], 1);
    assert.equal(enc[23], 2);
  });
});

describe("slashing: unjail", () => {
  async function jailedForDowntime(env: Env) {
    const a = await bondedValidator(env, "a");
    for (let h = 2; h <= 12; h++) await block(env, h, [vote(a, ABSENT)]);
    assert.equal(env.sk.get(a.operator).jailed, true);
    return a;
  }

  it("refused before jailed_until, accepted at/after it", async () => {
    const env = setup({ signedBlocksWindow: 10n, downtimeJailDurationNs: 600n * S });
    const a = await jailedForDowntime(env);
    const jailedAtMs = T0 + 12 * BLOCK_MS;
    await rejectsWith(env.keeper.unjail(env.ctxAt(13), a.operator), errs.ErrValidatorJailed);
    await rejectsWith(
      env.keeper.unjail(env.ctxAt(13, { timeMs: jailedAtMs + 600_000 - 1 }), a.operator),
      errs.ErrValidatorJailed,
    );
    assert.equal(env.sk.unjails.length, 0);
    await env.keeper.unjail(env.ctxAt(13, { timeMs: jailedAtMs + 600_000 }), a.operator);
    assert.equal(env.sk.get(a.operator).jailed, false);
    assert.equal(env.sk.unjails.length, 1);
    // not jailed any more
    await rejectsWith(
      env.keeper.unjail(env.ctxAt(14, { timeMs: jailedAtMs + 700_000 }), a.operator),
      errs.ErrValidatorNotJailed,
    );
  });

  it("through the Msg service: signer is the operator's account; unknown validator, self-delegation checks", async () => {
    const env = setup({ signedBlocksWindow: 10n });
    const a = await jailedForDowntime(env);
    const msg = MsgUnjail.fromPartial({ validatorAddr: a.operator });
    assert.deepEqual(MsgUnjailType.signers(msg), [a.account]);
    assert.deepEqual(MsgUnjailType.toAmino?.(msg), { type: "cosmos-sdk/MsgUnjail", value: { address: a.operator } });
    assert.throws(() => MsgUnjailType.validateBasic?.(MsgUnjail.fromPartial({ validatorAddr: a.account })), /prefix/);

    const handler = env.router.msg(MsgUnjail.typeUrl)?.handler;
    assert.ok(handler);
    const late = env.ctxAt(1000);
    // min_self_delegation: 10 tokens self-bonded, min raised above it
    env.sk.get(a.operator).minSelfDelegation = "20000000";
    await rejectsWith(handler(late, msg), errs.ErrSelfDelegationTooLowToUnjail);
    env.sk.get(a.operator).minSelfDelegation = "1";
    env.sk.setSelfShares(a.account, a.operator, undefined);
    await rejectsWith(handler(late, msg), errs.ErrMissingSelfDelegation);
    env.sk.setSelfShares(a.account, a.operator, 5n * DEC_ONE);
    const other = await env.sk.createValidator(late, "other", 1_000_000n);
    env.sk.validators.delete(other.operator);
    await rejectsWith(
      handler(late, MsgUnjail.fromPartial({ validatorAddr: other.operator })),
      errs.ErrNoValidatorForAddress,
    );
    const r = await handler(late, msg);
    assert.equal(r.typeUrl, "/cosmos.slashing.v1beta1.MsgUnjailResponse");
    assert.equal(env.sk.get(a.operator).jailed, false);
  });

  it("a jailed validator without signing info (never bonded) may unjail at any time", async () => {
    const env = setup();
    const ctx = env.ctxAt(5);
    const v = await env.sk.createValidator(ctx, "never-bonded", 1_000_000n);
    env.sk.get(v.operator).jailed = true;
    await env.keeper.unjail(ctx, v.operator);
    assert.equal(env.sk.get(v.operator).jailed, false);
  });
});

describe("slashing: double sign (evidence)", () => {
  function evidence(v: FakeValidator, height: number, power = 10n, timeMs = T0 + height * BLOCK_MS): Misbehavior {
    return {
      type: MisbehaviorType.DUPLICATE_VOTE,
      validator: { address: v.consAddr, power },
      height: BigInt(height),
      time: { seconds: BigInt(Math.floor(timeMs / 1000)), nanos: (timeMs % 1000) * 1_000_000 },
      totalVotingPower: 100n,
    };
  }

  it("slashed at slash_fraction_double_sign at infraction height - 1, jailed forever, tombstoned; second evidence ignored; unjail refused", async () => {
    const env = setup();
    const a = await bondedValidator(env, "a", 1, 100_000_000n);
    const b = await bondedValidator(env, "b");
    const ctx = await block(env, 20, [vote(a, COMMIT, 100n), vote(b, COMMIT)], [evidence(a, 18, 100n)]);
    assert.equal(env.sk.slashes.length, 1);
    const s = env.sk.slashes[0];
    assert.equal(s.infractionHeight, 17);
    assert.equal(s.power, 100n);
    assert.equal(s.fraction, DEC_ONE / 20n);
    assert.equal(s.burned, 5_000_000n);
    assert.equal(env.sk.get(a.operator).jailed, true);
    const info = await env.keeper.getSigningInfo(ctx, a.consAddr);
    assert.equal(info?.tombstoned, true);
    assert.equal(timeToJson(timestampToNs(info?.jailedUntil)), "9999-12-31T23:59:59Z");
    const evs = ctx.eventManager.events().filter((e) => e.type === "slash");
    const addr = consAddressToString(a.consAddr);
    assert.deepEqual(
      evs.map((e) => e.attributes),
      [
        [
          { key: "address", value: addr },
          { key: "power", value: "100" },
          { key: "reason", value: "double_sign" },
          { key: "burned_coins", value: "5000000" },
        ],
        [{ key: "jailed", value: addr }],
      ],
    );

    // the same validator's other equivocation: ignored (tombstone cap)
    await block(env, 21, [vote(b, COMMIT)], [evidence(a, 19, 100n)]);
    assert.equal(env.sk.slashes.length, 1);
    // unjail never works again
    await rejectsWith(env.keeper.unjail(env.ctxAt(10_000_000), a.operator), errs.ErrValidatorJailed);
    assert.equal(env.sk.get(b.operator).jailed, false);
  });

  it("a validator already jailed for downtime is slashed and tombstoned without a second jail", async () => {
    const env = setup({ signedBlocksWindow: 10n });
    const a = await bondedValidator(env, "a");
    for (let h = 2; h <= 12; h++) await block(env, h, [vote(a, ABSENT)]);
    assert.equal(env.sk.jails.length, 1);
    await block(env, 13, [], [evidence(a, 11)]);
    assert.equal(env.sk.slashes.length, 2);
    assert.equal(env.sk.jails.length, 1);
    assert.equal(await env.keeper.isTombstoned(env.ctxAt(13), a.consAddr), true);
  });

  it("evidence too old (by both blocks and time), unknown or unbonded validators are ignored", async () => {
    const env = setup({}, { evidenceMaxAgeNumBlocks: 100n, evidenceMaxAgeDurationNs: 3600n * S });
    const a = await bondedValidator(env, "a");
    const h = 500;
    const now = T0 + h * BLOCK_MS;
    // old in blocks and in time: ignored
    await block(env, h, [], [evidence(a, h - 101, 10n, now - 3_600_001)]);
    assert.equal(env.sk.slashes.length, 0);
    // old in blocks only: handled (the SDK needs both to reject)
    await block(env, h + 1, [], [evidence(a, h - 200, 10n, now)]);
    assert.equal(env.sk.slashes.length, 1);

    const env2 = setup();
    const ctx = env2.ctxAt(1);
    const unbonded = await env2.sk.createValidator(ctx, "unbonded", 1_000_000n);
    const stranger = { ...unbonded, consAddr: new Uint8Array(20).fill(9) };
    await block(env2, 5, [], [evidence(unbonded, 4), evidence(stranger, 4)]);
    assert.equal(env2.sk.slashes.length, 0);
    // an unbonding validator is still slashable
    env2.sk.get(unbonded.operator).status = BondStatus.BOND_STATUS_UNBONDING;
    await env2.sk.bond(env2.ctxAt(5), unbonded.operator); // signing info
    env2.sk.get(unbonded.operator).status = BondStatus.BOND_STATUS_UNBONDING;
    await block(env2, 6, [], [{ ...evidence(unbonded, 5), type: MisbehaviorType.LIGHT_CLIENT_ATTACK }]);
    assert.equal(env2.sk.slashes.length, 1);
    // an unknown misbehavior type is ignored
    await block(env2, 7, [], [{ ...evidence(unbonded, 6), type: MisbehaviorType.UNKNOWN }]);
    assert.equal(env2.sk.slashes.length, 1);
  });

  it("afterValidatorRemoved drops the pubkey relation: evidence is then ignored", async () => {
    const env = setup();
    const a = await bondedValidator(env, "a");
    assert.ok(await env.keeper.getPubkey(env.ctxAt(2), a.consAddr));
    await env.keeper.hooks().afterValidatorRemoved(env.ctxAt(2), a.consAddr, a.operator);
    assert.equal(await env.keeper.getPubkey(env.ctxAt(2), a.consAddr), undefined);
    await block(env, 3, [], [evidence(a, 2)]);
    assert.equal(env.sk.slashes.length, 0);
  });
});

describe("slashing: staking hooks", () => {
  it("accept raw operator bytes; afterValidatorBonded restores a missing pubkey relation", async () => {
    const env = setup();
    const ctx = env.ctxAt(3);
    const v = await env.sk.createValidator(ctx, "raw", 1_000_000n);
    const hooks = env.keeper.hooks();
    env.keeper.deletePubkey(ctx, v.consAddr);
    const opBytes = addressFromString(v.operator, Bech32PrefixValAddr);
    await hooks.afterValidatorCreated(ctx, opBytes);
    assert.ok(await env.keeper.getPubkey(ctx, v.consAddr));
    env.keeper.deletePubkey(ctx, v.consAddr);
    await hooks.afterValidatorBonded(ctx, v.consAddr, opBytes);
    const pk = await env.keeper.getPubkey(ctx, v.consAddr);
    assert.deepEqual(pk, env.sk.get(v.operator).consensusPubkey);
    assert.equal((await env.keeper.getSigningInfo(ctx, v.consAddr))?.startHeight, 3n);
    // bonded again later: same signing info, new start height, counters kept
    await hooks.afterValidatorBonded(env.ctxAt(9), v.consAddr, v.operator);
    assert.equal((await env.keeper.getSigningInfo(ctx, v.consAddr))?.startHeight, 9n);
    await assert.rejects(hooks.afterValidatorCreated(ctx, moduleAddress("x")), /prefix/);
  });
});

describe("slashing: genesis", () => {
  it("round trip: export -> validate -> import into a fresh store -> same export", async () => {
    const env = setup({ signedBlocksWindow: 2000n });
    const a = await bondedValidator(env, "a");
    const b = await bondedValidator(env, "b");
    for (let h = 2; h <= 1500; h++) await block(env, h, [vote(a, h % 3 === 0 ? ABSENT : COMMIT), vote(b, COMMIT)]);
    await block(
      env,
      1501,
      [],
      [
        {
          type: MisbehaviorType.DUPLICATE_VOTE,
          validator: { address: b.consAddr, power: 10n },
          height: 1500n,
          time: { seconds: 1n, nanos: 0 },
          totalVotingPower: 20n,
        },
      ],
    );
    const exported = await exportGenesis(env.ctxAt(1501), env.keeper);
    const json = JSON.parse(JSON.stringify(exported));
    validateGenesis(json);
    assert.equal(json.params.signed_blocks_window, "2000");
    assert.equal(json.params.min_signed_per_window, "0.500000000000000000");
    assert.equal(json.params.downtime_jail_duration, "600s");
    assert.equal(json.params.slash_fraction_double_sign, "0.050000000000000000");
    assert.equal(json.params.slash_fraction_downtime, "0.010000000000000000");
    assert.equal(json.signing_infos.length, 2);
    const missedA = json.missed_blocks.find((m: { address: string }) => m.address === consAddressToString(a.consAddr));
    assert.equal(missedA.missed_blocks.length, 500); // heights 3, 6, ..., 1500
    assert.ok(missedA.missed_blocks.some((m: { index: string }) => Number(m.index) >= 1024)); // second chunk
    const infoB = json.signing_infos.find((s: { address: string }) => s.address === consAddressToString(b.consAddr));
    assert.equal(infoB.validator_signing_info.tombstoned, true);
    assert.equal(infoB.validator_signing_info.jailed_until, "9999-12-31T23:59:59Z");

    const fresh = setup();
    await initGenesis(fresh.ctxAt(1), fresh.keeper, json);
    const again = await exportGenesis(fresh.ctxAt(1), fresh.keeper);
    assert.deepEqual(again, exported);
    // the stores hold the same bytes
    env.ms.write();
    fresh.ms.write();
    assert.deepEqual(
      [...fresh.store.data.entries()].sort(),
      [...env.store.data.entries()]
        .filter(([k]) => !k.startsWith("03")) // pubkey relations come from staking's hooks, not genesis
        .sort(),
    );
  });

  it("property: after any run of missed and signed blocks, export -> import gives the same store bytes (no empty chunks kept)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2100 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 1500 })), { minLength: 1, maxLength: 6 }),
        async (window, runs) => {
          const env = setup({ signedBlocksWindow: BigInt(window), minSignedPerWindow: 0n });
          const a = await bondedValidator(env, "a");
          let h = 2;
          // runs of misses and signatures: signing over a window's worth of missed bits clears a chunk
          for (const [missed, n] of runs)
            for (let i = 0; i < n; i++, h++) await block(env, h, [vote(a, missed ? ABSENT : COMMIT)]);
          env.ms.write();
          const chunks = [...env.store.data.entries()].filter(([k]) => k.startsWith("02"));
          for (const [k, v] of chunks) assert.ok(!BitmapChunk.decode(v).isEmpty(), `empty chunk kept at ${k}`);
          const json = JSON.parse(JSON.stringify(await exportGenesis(env.ctxAt(h), env.keeper)));
          const fresh = setup();
          await initGenesis(fresh.ctxAt(1), fresh.keeper, json);
          fresh.ms.write();
          assert.deepEqual(
            [...fresh.store.data.entries()].sort(),
            [...env.store.data.entries()].filter(([k]) => !k.startsWith("03")).sort(),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it("property: any valid genesis imports and exports to itself (missed bits sorted, set bits only)", async () => {
    const infoArb = fc.record({
      addr: fc.uint8Array({ minLength: 20, maxLength: 20 }),
      start: fc.bigInt({ min: 0n, max: 1n << 40n }),
      offset: fc.bigInt({ min: 0n, max: 5000n }),
      jailedUntilS: fc.bigInt({ min: 0n, max: 253402300799n }),
      nanos: fc.integer({ min: 0, max: 999_999_999 }),
      tombstoned: fc.boolean(),
      missed: fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(infoArb, { maxLength: 5, selector: (i) => Buffer.from(i.addr).toString("hex") }),
        async (infos) => {
          const g = {
            params: {
              signed_blocks_window: "3001",
              min_signed_per_window: "0.250000000000000000",
              downtime_jail_duration: "1.500s",
              slash_fraction_double_sign: "1.000000000000000000",
              slash_fraction_downtime: "0.000000000000000000",
            },
            signing_infos: infos.map((i) => ({
              address: consAddressToString(i.addr),
              validator_signing_info: {
                address: consAddressToString(i.addr),
                start_height: i.start.toString(),
                index_offset: i.offset.toString(),
                jailed_until: timeToJson(i.jailedUntilS * S + BigInt(i.nanos)),
                tombstoned: i.tombstoned,
                missed_blocks_counter: String(i.missed.length),
              },
            })),
            missed_blocks: infos.map((i) => ({
              address: consAddressToString(i.addr),
              missed_blocks: i.missed.map((index) => ({ index: String(index), missed: true })),
            })),
          };
          validateGenesis(g);
          const env = setup();
          await initGenesis(env.ctxAt(1), env.keeper, g);
          const out = await exportGenesis(env.ctxAt(1), env.keeper);
          const sortByAddr = <T extends { address: string }>(l: T[]) =>
            [...l].sort((a, b) => Buffer.compare(consAddressFromString(a.address), consAddressFromString(b.address)));
          assert.deepEqual(out.params, g.params);
          assert.deepEqual(out.signing_infos, sortByAddr(g.signing_infos));
          assert.deepEqual(
            out.missed_blocks,
            sortByAddr(g.missed_blocks).map((m) => ({
              address: m.address,
              missed_blocks: [...m.missed_blocks].sort((a, b) => Number(a.index) - Number(b.index)),
            })),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it("default genesis is valid; bad params, addresses and numbers are rejected", async () => {
    const env = setup();
    const def = env.module.defaultGenesis();
    validateGenesis(def);
    const g = JSON.parse(JSON.stringify(def));
    assert.throws(
      () => validateGenesis({ ...g, params: { ...g.params, slash_fraction_downtime: "1.5" } }),
      /too large/,
    );
    assert.throws(() => validateGenesis({ ...g, params: { ...g.params, min_signed_per_window: "-0.1" } }), /negative/);
    assert.throws(() => validateGenesis({ ...g, params: { ...g.params, signed_blocks_window: "0" } }), /positive/);
    assert.throws(() => validateGenesis({ ...g, params: { ...g.params, downtime_jail_duration: "0s" } }), /positive/);
    assert.throws(() => validateGenesis({ ...g, params: { ...g.params, downtime_jail_duration: "10m" } }), /duration/);
    const info = {
      address: "dgridvalcons1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqhu4cdf",
      start_height: "0",
      index_offset: "0",
      jailed_until: "1970-01-01T00:00:00Z",
      tombstoned: false,
      missed_blocks_counter: "0",
    };
    const addr = consAddressToString(new Uint8Array(20).fill(1));
    validateGenesis({ ...g, signing_infos: [{ address: addr, validator_signing_info: { ...info, address: addr } }] });
    assert.throws(
      () => validateGenesis({ ...g, signing_infos: [{ address: "dgrid1xyz", validator_signing_info: info }] }),
      /bech32|prefix/,
    );
    assert.throws(
      () =>
        validateGenesis({
          ...g,
          signing_infos: [{ address: addr, validator_signing_info: { ...info, index_offset: "-5" } }],
        }),
      /negative/,
    );
    assert.throws(
      () =>
        validateGenesis({
          ...g,
          signing_infos: [
            { address: addr, validator_signing_info: info },
            { address: addr, validator_signing_info: info },
          ],
        }),
      /duplicate/,
    );
    // short windows are allowed (localnets)
    validateGenesis({ ...g, params: { ...g.params, signed_blocks_window: "5", downtime_jail_duration: "1.5s" } });
  });
});

describe("slashing: params and queries", () => {
  it("MsgUpdateParams only by the authority, with valid params", async () => {
    const env = setup();
    const handler = env.router.msg(MsgUpdateParams.typeUrl)?.handler;
    assert.ok(handler);
    const ctx = env.ctxAt(3);
    const next = { ...defaultParams(), signedBlocksWindow: 50n, slashFractionDowntime: DEC_ONE / 1000n };
    await rejectsWith(
      handler(ctx, MsgUpdateParams.fromPartial({ authority: moduleAddress("not-gov"), params: paramsToProto(next) })),
      ErrUnauthorized,
    );
    assert.equal((await env.keeper.getParams(ctx)).signedBlocksWindow, 100n);
    await rejectsWith(
      handler(
        ctx,
        MsgUpdateParams.fromPartial({
          authority: AUTHORITY,
          params: paramsToProto({ ...next, slashFractionDowntime: 2n * DEC_ONE }),
        }),
      ),
      ErrInvalidRequest,
    );
    await handler(ctx, MsgUpdateParams.fromPartial({ authority: AUTHORITY, params: paramsToProto(next) }));
    assert.deepEqual(await env.keeper.getParams(ctx), next);
  });

  it("CosmJS's slashing query client (cosmjs-types QueryClientImpl) over the query router", async () => {
    const env = setup({ signedBlocksWindow: 10n });
    const vals = [];
    for (const n of ["a", "b", "c"]) vals.push(await bondedValidator(env, n));
    await block(
      env,
      2,
      vals.map((v, i) => vote(v, i === 0 ? ABSENT : COMMIT)),
    );
    const ctx = env.ctxAt(2);
    const client = new QueryClientImpl(
      createProtobufRpcClient({
        queryAbci: async (path: string, data: Uint8Array) => {
          const h = env.router.query(path);
          if (!h) throw new Error(`unknown path ${path}`);
          return { key: new Uint8Array(), value: await h(ctx, data), height: 2 };
        },
      } as never),
    );
    const params = await client.Params({});
    assert.equal(params.params.signedBlocksWindow, 10n);
    assert.equal(new TextDecoder().decode(params.params.minSignedPerWindow), "500000000000000000");
    assert.equal(params.params.downtimeJailDuration.seconds, 600n);

    const one = await client.SigningInfo({ consAddress: consAddressToString(vals[0].consAddr) });
    assert.equal(one.valSigningInfo.missedBlocksCounter, 1n);
    assert.equal(one.valSigningInfo.address, consAddressToString(vals[0].consAddr));
    await assert.rejects(client.SigningInfo({ consAddress: "" }), /invalid request/);
    await assert.rejects(
      client.SigningInfo({ consAddress: consAddressToString(new Uint8Array(20).fill(3)) }),
      /NotFound desc = SigningInfo not found/,
    );

    const all = await client.SigningInfos({ pagination: undefined });
    assert.equal(all.info.length, 3);
    assert.equal(all.pagination?.total, 3n);
    const page1 = await client.SigningInfos({
      pagination: { key: new Uint8Array(), offset: 0n, limit: 2n, countTotal: false, reverse: false },
    });
    assert.equal(page1.info.length, 2);
    const page2 = await client.SigningInfos({
      pagination: {
        key: page1.pagination?.nextKey ?? new Uint8Array(),
        offset: 0n,
        limit: 2n,
        countTotal: false,
        reverse: false,
      },
    });
    assert.equal(page2.info.length, 1);
    assert.deepEqual(
      [...page1.info, ...page2.info].map((i) => i.address).sort(),
      vals.map((v) => consAddressToString(v.consAddr)).sort(),
    );
  });

  it("the module keeps its state in the `slashing` store", () => {
    const env = setup();
    assert.equal(env.module.name, "slashing");
    assert.equal(env.module.storeKey, StoreKey);
    assert.equal(StoreKey, "slashing");
  });
});
