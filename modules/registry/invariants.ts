// Registry invariants (crisis routes "registry/..."): the discovery and creator indexes hold exactly
// the entries the models and their stats call for.
import type { Context } from "../../chain/baseapp/context.ts";
import type { InvariantResult } from "../../chain/baseapp/module.ts";
import { toHex } from "../../chain/types/bytes.ts";
import type { RegistryKeeper } from "./keeper.ts";

export async function indexesInvariant(ctx: Context, k: RegistryKeeper): Promise<InvariantResult> {
  const expected = (await k.expectedIndexKeys(ctx)).map(toHex);
  const stored = (await k.storedIndexKeys(ctx)).map(toHex).sort();
  const want = new Set(expected);
  const have = new Set(stored);
  const missing = expected.filter((x) => !have.has(x));
  const extra = stored.filter((x) => !want.has(x));
  const broken = missing.length > 0 || extra.length > 0;
  return {
    broken,
    message: broken
      ? `registry indexes: ${missing.length} entries missing, ${extra.length} stale (first: ${missing[0] ?? extra[0]})`
      : "registry indexes match the models and stats",
  };
}
