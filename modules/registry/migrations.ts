// Registry state migrations (the SDK's module Migrator): from consensus version N to N+1. DGrid's
// module manager runs none by itself yet; an upgrade handler applies them (see README.md).
import type { Context } from "../../chain/baseapp/context.ts";
import type { RegistryKeeper } from "./keeper.ts";

/**
 * v1 -> v2 (model cards, stats, discovery indexes): v1 models have no card and no stats, so the only
 * new state they need is their index entries ("all" and creator scopes, every sort) and the
 * creator -> models index. Idempotent.
 */
export async function migrateV1ToV2(ctx: Context, k: RegistryKeeper): Promise<void> {
  await k.rebuildIndexes(ctx);
}

/** from version -> the migration to the next one */
export const registryMigrations: Readonly<Record<number, (ctx: Context, k: RegistryKeeper) => Promise<void>>> = {
  1: migrateV1ToV2,
};
