// UpgradeKeeper (SDK v0.50 x/upgrade/keeper): the scheduled plan, completed upgrades, and the
// handlers a new binary registers to apply a plan instead of halting.
import { writeFileSync } from "node:fs";
import { Plan } from "cosmjs-types/cosmos/upgrade/v1beta1/upgrade";
import type { Context } from "../../chain/baseapp/context.ts";
import type { ModuleVersion } from "../../chain/baseapp/module-versions.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { DonePrefix, doneKey, PlanKey, StoreKey, upgradedConsStateKey } from "./keys.ts";

export type UpgradeHandler = (ctx: Context, plan: Plan) => Promise<void>;

export interface UpgradeKeeperOptions {
  /** the gov module account */
  authority: string;
  /** where to write upgrade-info.json when halting for an upgrade (cosmovisor); none if unset */
  upgradeInfoFile?: string;
}

/** Go's zero time.Time as a protobuf Timestamp (what the SDK's clients send for "no time"). */
const GO_ZERO_TIME_SECONDS = -62135596800n;

export function isZeroTime(t: Plan["time"] | undefined): boolean {
  return !t || (t.nanos === 0 && (t.seconds === 0n || t.seconds === GO_ZERO_TIME_SECONDS));
}

/** Plan.ValidateBasic */
export function validatePlan(p: Plan): void {
  if (!isZeroTime(p.time)) throw ErrInvalidRequest.wrap("time-based upgrades have been deprecated in the SDK");
  if (p.upgradedClientState) throw ErrInvalidRequest.wrap("upgrade logic for IBC has been moved to the IBC module");
  if (p.name.length === 0) throw ErrInvalidRequest.wrap("name cannot be empty");
  if (p.height <= 0n) throw ErrInvalidRequest.wrap("height must be greater than 0");
}

export interface UpgradeKeeperDependencies {
  /**
   * The app's modules with their consensus versions, sorted by name (the app's module manager). The SDK
   * keeps this map in the upgrade store, written at InitChain and after an upgrade's migrations; DGrid
   * has no in-place migrations, so the running binary's modules are that map.
   */
  moduleVersions(): readonly ModuleVersion[];
}

export class UpgradeKeeper {
  readonly storeKey = StoreKey;
  readonly authority: string;
  readonly upgradeInfoFile?: string;
  private readonly handlers = new Map<string, UpgradeHandler>();

  constructor(
    options: UpgradeKeeperOptions,
    private readonly deps: UpgradeKeeperDependencies,
  ) {
    this.authority = options.authority;
    this.upgradeInfoFile = options.upgradeInfoFile;
  }

  /** GetModuleVersions: every module and its consensus version, sorted by name. */
  getModuleVersions(): readonly ModuleVersion[] {
    return this.deps.moduleVersions();
  }

  /** The upgraded consensus state stored for lastHeight (IBC's; undefined when there is none). */
  async getUpgradedConsensusState(ctx: Context, lastHeight: bigint): Promise<Uint8Array | undefined> {
    return ctx.kvStore(StoreKey).get(upgradedConsStateKey(lastHeight));
  }

  /** A new binary registers the handler of the upgrade it implements (SetUpgradeHandler). */
  setUpgradeHandler(name: string, h: UpgradeHandler): void {
    this.handlers.set(name, h);
  }

  hasHandler(name: string): boolean {
    return this.handlers.has(name);
  }

  async getUpgradePlan(ctx: Context): Promise<Plan | undefined> {
    const b = await ctx.kvStore(StoreKey).get(PlanKey);
    return b ? Plan.decode(b) : undefined;
  }

  /** ScheduleUpgrade: replaces any pending plan; not in the past, not an already completed name. */
  async scheduleUpgrade(ctx: Context, plan: Plan): Promise<void> {
    validatePlan(plan);
    if (plan.height < BigInt(ctx.height)) throw ErrInvalidRequest.wrap("upgrade cannot be scheduled in the past");
    if ((await this.getDoneHeight(ctx, plan.name)) !== 0n)
      throw ErrInvalidRequest.wrap(`upgrade with name ${plan.name} has already been completed`);
    ctx.kvStore(StoreKey).set(PlanKey, Plan.encode(plan).finish());
  }

  clearUpgradePlan(ctx: Context): void {
    ctx.kvStore(StoreKey).delete(PlanKey);
  }

  /** The height at which the named upgrade was applied (0 = never). */
  async getDoneHeight(ctx: Context, name: string): Promise<bigint> {
    const want = new TextEncoder().encode(name);
    for await (const [k] of iteratePrefix(ctx.kvStore(StoreKey), DonePrefix)) {
      const n = k.subarray(8);
      if (n.length === want.length && n.every((b, i) => b === want[i]))
        return new DataView(k.buffer, k.byteOffset, 8).getBigUint64(0);
    }
    return 0n;
  }

  /** ApplyUpgrade: runs the handler, records the upgrade as done, clears the plan. */
  async applyUpgrade(ctx: Context, plan: Plan): Promise<void> {
    const h = this.handlers.get(plan.name);
    if (!h) throw new Error(`ApplyUpgrade should never be called without first checking HasHandler`);
    await h(ctx, plan);
    ctx.kvStore(StoreKey).set(doneKey(plan.name, BigInt(ctx.height)), new Uint8Array([1]));
    this.clearUpgradePlan(ctx);
  }

  /** DumpUpgradeInfoToDisk: {name, height, info} for cosmovisor-style tooling. */
  dumpUpgradeInfo(height: bigint, plan: Plan): void {
    if (!this.upgradeInfoFile) return;
    writeFileSync(this.upgradeInfoFile, JSON.stringify({ name: plan.name, height: Number(height), info: plan.info }));
  }
}
