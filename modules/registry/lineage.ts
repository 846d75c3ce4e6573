// Version lineage: a card's `supersedes` names an earlier model of the same creator; the registry
// keeps the reverse link (`superseded_by`) on the superseded model. Each model supersedes at most one
// and is superseded by at most one, and the links never form a cycle, so a lineage is a chain that
// a client follows to its newest version.
import type { Context } from "../../chain/baseapp/context.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrInvalidLineage } from "./errors.ts";
import type { RegistryKeeper } from "./keeper.ts";

/** Longest chain a query walks (each step is one store read); longer lineages are cut there. */
export const MAX_LINEAGE_STEPS = 1000;

/**
 * Throws ErrInvalidLineage unless `model` (registered or being registered) may supersede `targetId`:
 * the target exists, has the same creator, no other model supersedes it, and it is not a newer
 * version of `model` (a cycle).
 */
export async function checkSupersedes(ctx: Context, k: RegistryKeeper, model: Model, targetId: string): Promise<void> {
  const target = await k.getModel(ctx, targetId);
  if (!target) throw ErrInvalidLineage.wrap(`supersedes ${targetId}: no such model`);
  if (target.creator !== model.creator)
    throw ErrInvalidLineage.wrap(`supersedes ${targetId}: its creator is ${target.creator}, not ${model.creator}`);
  if (target.supersededBy !== "" && target.supersededBy !== model.id)
    throw ErrInvalidLineage.wrap(`supersedes ${targetId}: already superseded by ${target.supersededBy}`);
  // a cycle: the target is one of the model's newer versions
  let next = model.supersededBy;
  for (let steps = 0; next !== "" && steps < MAX_LINEAGE_STEPS; steps++) {
    if (next === targetId) throw ErrInvalidLineage.wrap(`supersedes ${targetId}: it is a newer version of ${model.id}`);
    next = (await k.getModel(ctx, next))?.supersededBy ?? "";
  }
}

/** Moves the reverse link when a model's `supersedes` changes from `before` to `after` (checked). */
export async function relink(ctx: Context, k: RegistryKeeper, modelId: string, before: string, after: string) {
  if (before === after) return;
  if (before !== "") {
    const old = await k.getModel(ctx, before);
    if (old && old.supersededBy === modelId) await k.setModel(ctx, { ...old, supersededBy: "" });
  }
  if (after !== "") {
    const target = await k.mustGetModel(ctx, after);
    await k.setModel(ctx, { ...target, supersededBy: modelId });
  }
}

/** The model's lineage, oldest first (cut at MAX_LINEAGE_STEPS each way). */
export async function lineageOf(ctx: Context, k: RegistryKeeper, model: Model): Promise<string[]> {
  const older: string[] = [];
  let prev = model.card?.supersedes ?? "";
  for (let steps = 0; prev !== "" && steps < MAX_LINEAGE_STEPS; steps++) {
    older.unshift(prev);
    prev = (await k.getModel(ctx, prev))?.card?.supersedes ?? "";
  }
  const newer: string[] = [];
  let next = model.supersededBy;
  for (let steps = 0; next !== "" && steps < MAX_LINEAGE_STEPS; steps++) {
    newer.push(next);
    next = (await k.getModel(ctx, next))?.supersededBy ?? "";
  }
  return [...older, model.id, ...newer];
}

/** The newest version of a model: the end of its superseded_by chain. */
export async function latestOf(ctx: Context, k: RegistryKeeper, model: Model): Promise<string> {
  let id = model.id;
  let next = model.supersededBy;
  for (let steps = 0; next !== "" && steps < MAX_LINEAGE_STEPS; steps++) {
    id = next;
    next = (await k.getModel(ctx, next))?.supersededBy ?? "";
  }
  return id;
}

/** Genesis: every link has its reverse, same creator, and no chain loops. Throws a message. */
export function checkGenesisLineage(models: readonly Model[]): void {
  const byId = new Map(models.map((m) => [m.id, m]));
  for (const m of models) {
    const target = m.card?.supersedes ?? "";
    if (target !== "") {
      const t = byId.get(target);
      if (!t) throw new Error(`model ${m.id} supersedes unknown model ${target}`);
      if (t.creator !== m.creator) throw new Error(`model ${m.id} supersedes ${target} of another creator`);
      if (t.supersededBy !== m.id) throw new Error(`model ${target} must be superseded_by ${m.id}`);
    }
    if (m.supersededBy !== "") {
      const n = byId.get(m.supersededBy);
      if (!n || n.card?.supersedes !== m.id)
        throw new Error(`model ${m.id} is superseded_by ${m.supersededBy}, whose card does not supersede it`);
    }
  }
  // with every link two-way, a loop is a chain that never reaches a model nothing supersedes
  for (const m of models) {
    const seen = new Set<string>([m.id]);
    for (let next = m.supersededBy; next !== ""; next = byId.get(next)?.supersededBy ?? "") {
      if (seen.has(next)) throw new Error(`the lineage of model ${m.id} loops`);
      seen.add(next);
    }
  }
}
