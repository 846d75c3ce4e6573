// Registry genesis: params, models (cards and lineage links included), servers, conformance failures,
// model stats and creator earnings (proto JSON with snake_case names). The discovery indexes are not
// exported: InitGenesis rebuilds them from the models and stats.
import type { Context } from "../../chain/baseapp/context.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { GenesisState } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { RegistryKeeper } from "./keeper.ts";
import { checkGenesisLineage } from "./lineage.ts";
import { defaultParams, validateParams } from "./params.ts";
import { validateStats } from "./stats.ts";
import { MAX_REASON_BYTES, validateRegistration } from "./validate.ts";

export function defaultGenesis(): unknown {
  return snakeKeys(
    GenesisState.toJSON({
      params: defaultParams(),
      models: [],
      servers: [],
      conformanceFailures: [],
      modelStats: [],
      creatorEarnings: [],
    }),
  );
}

export function parseGenesis(json: unknown): GenesisState {
  const g = GenesisState.fromJSON(json ?? {});
  const params = g.params ?? defaultParams();
  validateParams(params);
  const ids = new Set<string>();
  for (const m of g.models) {
    validateRegistration({ ...m }, params);
    if (ids.has(m.id)) throw ErrInvalidRequest.wrap(`registry genesis: duplicate model ${m.id}`);
    ids.add(m.id);
  }
  try {
    checkGenesisLineage(g.models);
  } catch (e) {
    throw ErrInvalidRequest.wrap(`registry genesis: ${(e as Error).message}`);
  }
  const statted = new Set<string>();
  for (const s of g.modelStats) {
    if (!ids.has(s.modelId)) throw ErrInvalidRequest.wrap(`registry genesis: stats of unknown model ${s.modelId}`);
    if (statted.has(s.modelId)) throw ErrInvalidRequest.wrap(`registry genesis: duplicate stats of ${s.modelId}`);
    statted.add(s.modelId);
    validateStats(s);
  }
  const earners = new Set<string>();
  for (const e of g.creatorEarnings) {
    if (earners.has(e.creator)) throw ErrInvalidRequest.wrap(`registry genesis: duplicate earnings of ${e.creator}`);
    earners.add(e.creator);
  }
  for (const s of g.servers) {
    if (!ids.has(s.modelId)) throw ErrInvalidRequest.wrap(`registry genesis: server of unknown model ${s.modelId}`);
  }
  const failures = new Set<string>();
  for (const f of g.conformanceFailures) {
    const key = `${f.modelId}/${f.validator}`;
    if (!ids.has(f.modelId))
      throw ErrInvalidRequest.wrap(`registry genesis: conformance failure of unknown model ${f.modelId}`);
    if (failures.has(key)) throw ErrInvalidRequest.wrap(`registry genesis: duplicate conformance failure ${key}`);
    failures.add(key);
    if (f.reason === "" || new TextEncoder().encode(f.reason).length > MAX_REASON_BYTES)
      throw ErrInvalidRequest.wrap(
        `registry genesis: conformance failure ${key}: reason must be 1..${MAX_REASON_BYTES} bytes`,
      );
  }
  return { ...g, params };
}

export function validateGenesis(json: unknown): void {
  parseGenesis(json);
}

export async function initGenesis(ctx: Context, k: RegistryKeeper, json: unknown): Promise<void> {
  const g = parseGenesis(json);
  k.setParams(ctx, g.params!);
  for (const s of g.modelStats) k.setStatsRaw(ctx, s);
  for (const e of g.creatorEarnings) k.setEarnings(ctx, e);
  for (const m of g.models) await k.setModel(ctx, m);
  for (const s of g.servers) k.setServer(ctx, s);
  for (const f of g.conformanceFailures) k.setFailure(ctx, f);
}

export async function exportGenesis(ctx: Context, k: RegistryKeeper): Promise<unknown> {
  return snakeKeys(
    GenesisState.toJSON({
      params: await k.getParams(ctx),
      models: await k.allModels(ctx),
      servers: await k.allServers(ctx),
      conformanceFailures: await k.allFailures(ctx),
      modelStats: await k.allStats(ctx),
      creatorEarnings: await k.allEarnings(ctx),
    }),
  );
}
