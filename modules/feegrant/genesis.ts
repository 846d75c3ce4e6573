// x/feegrant genesis (cosmos.feegrant.v1beta1.GenesisState in the SDK's JSON): the allowances.
// InitGenesis grants each one as MsgGrantAllowance would (queue entries, grantee accounts), except
// those already expired at the genesis block time.
import type { Context } from "../../chain/baseapp/context.ts";
import { msToNs } from "../../chain/baseapp/time.ts";
import { ErrJSONUnmarshal } from "../../chain/errors/errors.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { expiresAt, type FeeAllowance, validateAllowance } from "./allowance.ts";
import { allowanceFromJson, allowanceToJson } from "./json.ts";
import type { FeegrantKeeper } from "./keeper.ts";

export interface GenesisJson {
  allowances: { granter: string; grantee: string; allowance: Record<string, unknown> }[];
}

export function defaultGenesis(): GenesisJson {
  return { allowances: [] };
}

function parse(json: unknown): { granter: string; grantee: string; allowance: FeeAllowance }[] {
  const j = (json ?? {}) as Partial<GenesisJson>;
  const list = j.allowances ?? [];
  if (!Array.isArray(list)) throw ErrJSONUnmarshal.wrap("feegrant genesis: allowances must be a list");
  return list.map((g) => ({
    granter: String(g?.granter ?? ""),
    grantee: String(g?.grantee ?? ""),
    allowance: allowanceFromJson(g?.allowance),
  }));
}

/** ValidateGenesis: addresses decode and every allowance passes its ValidateBasic. */
export function validateGenesis(json: unknown): void {
  for (const g of parse(json)) {
    addressFromString(g.granter);
    addressFromString(g.grantee);
    validateAllowance(g.allowance);
  }
}

/**
 * Whether InitGenesis at `nowNs` drops this allowance. An export carries allowances that expired but
 * wait for pruning (v0.50 prunes only through MsgPruneAllowances, 75 at a time): they are dropped on
 * import (as authz's import drops expired grants), not refused, so export -> import works.
 */
function droppedAt(allowance: FeeAllowance, nowNs: bigint): boolean {
  const exp = expiresAt(allowance);
  return exp !== undefined && exp < nowNs;
}

/** The allowances of a feegrant genesis that InitGenesis at `nowNs` drops (the simulation's export check). */
export function allowancesDroppedAt(
  json: unknown,
  nowNs: bigint,
): { granter: string; grantee: string; expirationNs: bigint }[] {
  return parse(json)
    .filter((g) => droppedAt(g.allowance, nowNs))
    .map((g) => ({ granter: g.granter, grantee: g.grantee, expirationNs: expiresAt(g.allowance) as bigint }));
}

export async function initGenesis(ctx: Context, keeper: FeegrantKeeper, json: unknown): Promise<void> {
  const now = msToNs(ctx.timeMs);
  for (const g of parse(json)) {
    if (droppedAt(g.allowance, now)) continue;
    await keeper.grantAllowance(ctx, g.granter, g.grantee, g.allowance);
  }
}

export async function exportGenesis(ctx: Context, keeper: FeegrantKeeper): Promise<GenesisJson> {
  const grants = await keeper.allGrants(ctx);
  return {
    allowances: grants.map((g) => ({
      granter: g.granter,
      grantee: g.grantee,
      allowance: allowanceToJson(g.allowance),
    })),
  };
}
