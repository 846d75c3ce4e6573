// The work behind `dgrid agent create|grant|show`: an AI agent's limits as one owner-signed transaction
// (a MsgGrant of an InferenceAuthorization for MsgRequestInference, and a MsgGrantAllowance that pays
// the fees of the agent's MsgExec only), and the limits left, read back from the chain. Loaded only
// when an agent command runs.
import type { JsonValue } from "@bufbuild/protobuf";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { BASE_DENOM, parseCoins } from "./args.ts";
import { grantMsg, INFERENCE_AUTHORIZATION, parseExpiration, queryGrants } from "./authz-impl.ts";
import { CliError } from "./context.ts";
import { grantAllowanceMsg, queryAllowance, revokeAllowanceMsg } from "./feegrant-impl.ts";

export const REQUEST_INFERENCE = "/dgrid.inference.v1.MsgRequestInference";
export const MSG_EXEC = "/cosmos.authz.v1beta1.MsgExec";

/**
 * The default fee allowance: ten paid calls through the x402 gateway at its default terms (a payment tx
 * declares 400000 gas at 0.025udgrid: 10000udgrid of fee each).
 */
export const DEFAULT_FEE_ALLOWANCE = `${10 * 10_000}${BASE_DENOM}`;

export interface AgentLimitFlags {
  spendLimit?: string;
  period?: string;
  periodLimit?: string;
  maxFeePerRequest?: string;
  models?: string;
  feeAllowance?: string;
  feePeriodLimit?: string;
  expiration?: string;
}

/** Inference fees and tx fees are paid in udgrid: a limit in anything else could never be spent. */
function udgrid(text: string | undefined, flag: string): void {
  if (text === undefined) return;
  const coins = parseCoins(text);
  if (coins.length !== 1 || coins[0].denom !== BASE_DENOM)
    throw new CliError(`${flag} must be an amount of ${BASE_DENOM}, e.g. 10000${BASE_DENOM}; got "${text}"`);
}

/** What the agent may spend, as `agent create|grant` prints it. */
export function limitsSummary(f: AgentLimitFlags, now = Date.now()): Record<string, unknown> {
  const expiration =
    f.expiration === undefined
      ? "never"
      : new Date(Number(parseExpiration(f.expiration, now).seconds) * 1000).toISOString().replace(".000Z", "Z");
  return {
    inference: {
      paid_by: "the owner, through an InferenceAuthorization for MsgRequestInference",
      spend_limit: f.spendLimit,
      ...(f.period !== undefined ? { period: f.period, period_limit: f.periodLimit } : {}),
      max_fee_per_request: f.maxFeePerRequest ?? "no limit",
      models: f.models ?? "any",
    },
    fee_allowance: {
      paid_by: "the owner, for the agent's MsgExec transactions only (fee granter = owner)",
      spend_limit: f.feeAllowance ?? DEFAULT_FEE_ALLOWANCE,
      ...(f.feePeriodLimit !== undefined ? { period: f.period, period_limit: f.feePeriodLimit } : {}),
    },
    expiration,
  };
}

/**
 * The owner-signed messages that give `agent` its limits: MsgGrant (InferenceAuthorization) and
 * MsgGrantAllowance (AllowedMsgAllowance [MsgExec] over a Basic, or with --fee-period-limit a Periodic,
 * allowance), both expiring at --expiration. `replaceAllowance` first revokes the owner's current
 * allowance for the agent (MsgGrantAllowance refuses a pair that has one; MsgGrant replaces its own).
 * Every flag is checked here, before any key is made or anything signed.
 */
export function agentGrantMsgs(
  agent: string,
  f: AgentLimitFlags,
  now = Date.now(),
): (owner: string, replaceAllowance: boolean) => EncodeObject[] {
  if (f.spendLimit === undefined)
    throw new CliError("--spend-limit is required: the most the agent may spend on inference");
  udgrid(f.spendLimit, "--spend-limit");
  udgrid(f.periodLimit, "--period-limit");
  udgrid(f.maxFeePerRequest, "--max-fee-per-request");
  udgrid(f.feeAllowance, "--fee-allowance");
  udgrid(f.feePeriodLimit, "--fee-period-limit");
  if (f.feePeriodLimit !== undefined && f.period === undefined)
    throw new CliError("--fee-period-limit needs --period (the fee allowance's period is the inference limit's)");
  const grant = grantMsg(agent, "inference", {
    spendLimit: f.spendLimit,
    period: f.period,
    periodLimit: f.periodLimit,
    maxFeePerRequest: f.maxFeePerRequest,
    models: f.models,
    expiration: f.expiration,
  });
  const allowance = grantAllowanceMsg(
    agent,
    {
      spendLimit: f.feeAllowance ?? DEFAULT_FEE_ALLOWANCE,
      period: f.feePeriodLimit !== undefined ? f.period : undefined,
      periodLimit: f.feePeriodLimit,
      expiration: f.expiration,
      allowedMessages: MSG_EXEC,
    },
    now,
  );
  const revoke = revokeAllowanceMsg(agent);
  return (owner, replaceAllowance) => {
    if (owner === agent) throw new CliError("the agent cannot be its own owner");
    return [grant(owner), ...(replaceAllowance ? [revoke(owner)] : []), allowance(owner)];
  };
}

// ---- agent show ----

type Json = Record<string, any>;

/** null when the node answers that there is none */
async function orNone(q: Promise<JsonValue>): Promise<Json | null> {
  try {
    return (await q) as Json;
  } catch (e) {
    if (e instanceof CliError && /not found|no authorization/i.test(e.message)) return null;
    throw e;
  }
}

/** The owner's fee allowance for the agent, if any (`agent grant` replaces it). */
export async function hasAllowance(url: string, owner: string, agent: string): Promise<boolean> {
  return (await orNone(queryAllowance(url, owner, agent))) !== null;
}

function feeAllowanceLeft(a: Json): Json {
  const out: Json = {};
  let inner = a;
  if (inner["@type"] === "/cosmos.feegrant.v1beta1.AllowedMsgAllowance") {
    out.allowed_messages = inner.allowed_messages;
    inner = inner.allowance ?? {};
  }
  const basic = inner["@type"] === "/cosmos.feegrant.v1beta1.PeriodicAllowance" ? inner.basic : inner;
  out.spend_limit = basic?.spend_limit?.length ? basic.spend_limit : "no limit";
  if (inner.period !== undefined) {
    out.period = inner.period;
    out.period_spend_limit = inner.period_spend_limit;
    out.period_can_spend = inner.period_can_spend;
    out.period_reset = inner.period_reset;
  }
  out.expiration = basic?.expiration ?? "never";
  return out;
}

/** What the agent may still spend: its inference grant and fee allowance from `owner`, as the chain has them. */
export async function agentStatus(url: string, owner: string, agent: string): Promise<Json> {
  const grants = await orNone(queryGrants(url, owner, agent, REQUEST_INFERENCE, {}));
  const allowance = await orNone(queryAllowance(url, owner, agent));
  const g = grants?.grants?.[0];
  let inference: Json | null = null;
  if (g) {
    const { "@type": type, ...auth } = g.authorization as Json;
    inference =
      type === INFERENCE_AUTHORIZATION
        ? { ...auth, expiration: g.expiration ?? "never" }
        : { authorization: type, expiration: g.expiration ?? "never" };
  }
  return {
    agent,
    owner,
    inference,
    fee_allowance: allowance ? feeAllowanceLeft(allowance.allowance.allowance as Json) : null,
  };
}
