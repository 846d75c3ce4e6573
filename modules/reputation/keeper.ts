// ReputationKeeper: a score per validator (valoper address), in parts per million.

import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { encodeMessage } from "../../chain/types/proto-encode.ts";
import { Params, Reputation, ValidatorStats } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import * as ev from "./events.ts";
import {
  ParamsKey,
  ReputationsPrefix,
  reputationKey,
  StoreKey,
  ValidatorStatsPrefix,
  validatorStatsKey,
} from "./keys.ts";
import { defaultParams, nextScore, type Outcome, type ReputationParams, recoveredScore } from "./params.ts";
import { addSample, applyJob, emptyValidatorStats, type Job } from "./validator-stats.ts";

export class ReputationKeeper {
  readonly storeKey = StoreKey;

  async getParams(ctx: Context): Promise<ReputationParams> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? Params.decode(b) : defaultParams();
  }

  setParams(ctx: Context, p: ReputationParams): void {
    ctx.kvStore(StoreKey).set(ParamsKey, encodeMessage(Params, p));
  }

  async getReputation(ctx: Context, validator: string): Promise<Reputation | undefined> {
    const b = await ctx.kvStore(StoreKey).get(reputationKey(validator));
    return b ? Reputation.decode(b) : undefined;
  }

  /** The record, or a fresh one at the initial score. */
  async reputationOf(ctx: Context, validator: string): Promise<Reputation> {
    const r = await this.getReputation(ctx, validator);
    if (r) return r;
    const p = await this.getParams(ctx);
    return { validator, scorePpm: p.initialScorePpm, agreed: 0n, dissented: 0n, missed: 0n, updatedHeight: 0n };
  }

  async score(ctx: Context, validator: string): Promise<bigint> {
    return (await this.reputationOf(ctx, validator)).scorePpm;
  }

  /** Floor below which a validator is not assigned. */
  async floor(ctx: Context): Promise<bigint> {
    return (await this.getParams(ctx)).floorPpm;
  }

  setReputation(ctx: Context, r: Reputation): void {
    ctx.kvStore(StoreKey).set(reputationKey(r.validator), encodeMessage(Reputation, r));
  }

  /** Settlement hook: one executor's outcome for one request. */
  async recordOutcome(ctx: Context, validator: string, outcome: Outcome): Promise<bigint> {
    const p = await this.getParams(ctx);
    const r = await this.reputationOf(ctx, validator);
    const next = nextScore(r.scorePpm, outcome, p);
    this.setReputation(ctx, {
      ...r,
      scorePpm: next,
      agreed: r.agreed + (outcome === "agree" ? 1n : 0n),
      dissented: r.dissented + (outcome === "dissent" ? 1n : 0n),
      missed: r.missed + (outcome === "missing" ? 1n : 0n),
      updatedHeight: BigInt(ctx.height),
    });
    ctx.eventManager.emit(ev.reputationUpdated(validator, outcome, r.scorePpm, next));
    return next;
  }

  /**
   * Probation (EndBlock): at every multiple of recovery_interval_blocks, each recorded score below
   * neutral_score_ppm moves one recovery step toward it (params.ts recoveredScore), so a validator
   * pushed under the floor gets back to work. Iterates the records in key order (deterministic).
   */
  async recover(ctx: Context): Promise<void> {
    const p = await this.getParams(ctx);
    if (p.recoveryIntervalBlocks <= 0n || BigInt(ctx.height) % p.recoveryIntervalBlocks !== 0n) return;
    for (const r of await this.all(ctx)) {
      const next = recoveredScore(r.scorePpm, p);
      if (next === r.scorePpm) continue;
      this.setReputation(ctx, { ...r, scorePpm: next, updatedHeight: BigInt(ctx.height) });
      ctx.eventManager.emit(ev.reputationUpdated(r.validator, "recovery", r.scorePpm, next));
    }
  }

  async getValidatorStats(ctx: Context, validator: string): Promise<ValidatorStats | undefined> {
    const b = await ctx.kvStore(StoreKey).get(validatorStatsKey(validator));
    return b ? ValidatorStats.decode(b) : undefined;
  }

  setValidatorStats(ctx: Context, s: ValidatorStats): void {
    ctx.kvStore(StoreKey).set(validatorStatsKey(s.validator), encodeMessage(ValidatorStats, s));
  }

  /**
   * Settlement hook: one assigned executor's job in a settled or refunded request (the inference
   * module calls it once per assignment). One read and one write.
   */
  async recordJob(ctx: Context, validator: string, job: Job): Promise<ValidatorStats> {
    const prev = (await this.getValidatorStats(ctx, validator)) ?? emptyValidatorStats(validator);
    const next = applyJob(prev, job, ctx.height);
    this.setValidatorStats(ctx, next);
    return next;
  }

  /**
   * EndBlock, after recovery: at every multiple of score_sample_interval_blocks, each validator with
   * stats gets a (height, score) sample in its ring (key order; one write per validator).
   */
  async sampleScores(ctx: Context): Promise<void> {
    const p = await this.getParams(ctx);
    if (p.scoreSampleIntervalBlocks <= 0n || BigInt(ctx.height) % p.scoreSampleIntervalBlocks !== 0n) return;
    for (const s of await this.allValidatorStats(ctx)) {
      const scorePpm = (await this.getReputation(ctx, s.validator))?.scorePpm ?? p.initialScorePpm;
      this.setValidatorStats(ctx, addSample(s, { height: BigInt(ctx.height), scorePpm }));
    }
  }

  async allValidatorStats(ctx: Context): Promise<ValidatorStats[]> {
    const out: ValidatorStats[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), ValidatorStatsPrefix))
      out.push(ValidatorStats.decode(v));
    return out;
  }

  async all(ctx: Context): Promise<Reputation[]> {
    const out: Reputation[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), ReputationsPrefix)) out.push(Reputation.decode(v));
    return out;
  }
}
