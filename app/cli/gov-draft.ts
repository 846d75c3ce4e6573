// `dgrid tx gov draft-proposal`: writes a proposal file that `submit-proposal` takes, as the SDK's
// draft-proposal does, but from flags instead of prompts. A param change is a module's MsgUpdateParams
// with the gov module account as its authority and ALL the module's current params (read from the
// node: MsgUpdateParams replaces every field, so a draft that held only the changed ones would reset
// the rest), `--set` applied over them, and the chain's minimum deposit. Loaded when the command runs.
import { writeFileSync } from "node:fs";
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import * as authQuery from "cosmjs-types/cosmos/auth/v1beta1/query";
import * as bankQuery from "cosmjs-types/cosmos/bank/v1beta1/query";
import * as govQuery from "cosmjs-types/cosmos/gov/v1/query";
import * as slashingQuery from "cosmjs-types/cosmos/slashing/v1beta1/query";
import * as stakingQuery from "cosmjs-types/cosmos/staking/v1beta1/query";
import { moduleAddress } from "../../chain/types/address.ts";
import * as inferenceQuery from "../../proto/gen/dgrid/inference/v1/query.ts";
import * as registryQuery from "../../proto/gen/dgrid/registry/v1/query.ts";
import * as reputationQuery from "../../proto/gen/dgrid/reputation/v1/query.ts";
import { CliError } from "./context.ts";
import { messageToAny, PROPOSAL_MSG_TYPES, type ProposalFile, toSdkJson } from "./gov-impl.ts";
import { withNode } from "./node-client.ts";

interface ParamsSource {
  /** the module's Query/Params path; every such request is empty (gov's params_type "" encodes to nothing) */
  path: string;
  decode(bytes: Uint8Array): { params?: unknown };
  msgType: string;
}

const source = (service: string, decode: ParamsSource["decode"], msgType: string): ParamsSource => ({
  path: `/${service}/Params`,
  decode,
  msgType,
});

/** The modules whose params a proposal can change, by name. */
export const PARAM_MODULES: Record<string, ParamsSource> = {
  auth: source(
    "cosmos.auth.v1beta1.Query",
    (b) => authQuery.QueryParamsResponse.decode(b),
    "/cosmos.auth.v1beta1.MsgUpdateParams",
  ),
  bank: source(
    "cosmos.bank.v1beta1.Query",
    (b) => bankQuery.QueryParamsResponse.decode(b),
    "/cosmos.bank.v1beta1.MsgUpdateParams",
  ),
  staking: source(
    "cosmos.staking.v1beta1.Query",
    (b) => stakingQuery.QueryParamsResponse.decode(b),
    "/cosmos.staking.v1beta1.MsgUpdateParams",
  ),
  slashing: source(
    "cosmos.slashing.v1beta1.Query",
    (b) => slashingQuery.QueryParamsResponse.decode(b),
    "/cosmos.slashing.v1beta1.MsgUpdateParams",
  ),
  gov: source("cosmos.gov.v1.Query", (b) => govQuery.QueryParamsResponse.decode(b), "/cosmos.gov.v1.MsgUpdateParams"),
  registry: source(
    "dgrid.registry.v1.Query",
    (b) => registryQuery.QueryParamsResponse.decode(b),
    "/dgrid.registry.v1.MsgUpdateParams",
  ),
  inference: source(
    "dgrid.inference.v1.Query",
    (b) => inferenceQuery.QueryParamsResponse.decode(b),
    "/dgrid.inference.v1.MsgUpdateParams",
  ),
  reputation: source(
    "dgrid.reputation.v1.Query",
    (b) => reputationQuery.QueryParamsResponse.decode(b),
    "/dgrid.reputation.v1.MsgUpdateParams",
  ),
};

export interface DraftOptions {
  type: string;
  module?: string;
  set: string[];
  title?: string;
  summary?: string;
  deposit?: string;
  metadata?: string;
  outputFile: string;
}

async function abciQuery(comet: Comet38Client, path: string, data: Uint8Array): Promise<Uint8Array> {
  return (await new QueryClient(comet).queryAbci(path, data)).value;
}

/**
 * `--set key=value` over the current params: the value keeps the current one's JSON type (the SDK's
 * JSON has integers as numbers or strings, decimals and durations as strings, lists as JSON).
 */
function applySet(params: Record<string, unknown>, text: string, module: string): string {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new CliError(`--set ${text}: expected KEY=VALUE, e.g. --set voting_period=120s`);
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  if (!(key in params)) {
    throw new CliError(`--set ${key}: the ${module} params have no such field (${Object.keys(params).join(", ")})`);
  }
  const current = params[key];
  let value: unknown = raw;
  if (typeof current === "number") {
    value = Number(raw);
    if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new CliError(`--set ${key}: a number is expected, got "${raw}"`);
  } else if (typeof current === "boolean") {
    if (raw !== "true" && raw !== "false") throw new CliError(`--set ${key}: true or false is expected, got "${raw}"`);
    value = raw === "true";
  } else if (current !== null && typeof current === "object") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new CliError(`--set ${key}: JSON is expected (now ${JSON.stringify(current)}), got ${raw}`);
    }
  }
  params[key] = value;
  return `${key} ${JSON.stringify(current)} -> ${JSON.stringify(value)}`;
}

async function paramChange(comet: Comet38Client, opts: DraftOptions) {
  const name = opts.module;
  const src = name ? PARAM_MODULES[name] : undefined;
  if (!src) {
    throw new CliError(
      `--module ${name ?? "(missing)"}: a param change names one of ${Object.keys(PARAM_MODULES).join(", ")}`,
    );
  }
  const params = src.decode(await abciQuery(comet, src.path, new Uint8Array())).params;
  const codec = new Map(PROPOSAL_MSG_TYPES).get(src.msgType) as unknown as {
    fromPartial(o: object): unknown;
    toJSON(m: unknown): unknown;
  };
  const msg = toSdkJson(codec.toJSON(codec.fromPartial({ authority: moduleAddress("gov"), params }))) as {
    authority: string;
    params: Record<string, unknown>;
  };
  const changed = opts.set.map((text) => applySet(msg.params, text, name as string));
  return {
    message: { "@type": src.msgType, authority: msg.authority, params: msg.params },
    changed,
    title: `Update the ${name} params`,
    summary: changed.length > 0 ? `Sets ${changed.join("; ")}.` : `Update the ${name} module's params.`,
  };
}

/** Builds the draft from the node's state; returns the file's content and what it changes. */
export async function draftProposal(url: string, opts: DraftOptions) {
  return withNode(url, async () => {
    const comet = await Comet38Client.connect(url);
    try {
      const gov = govQuery.QueryParamsResponse.decode(
        await abciQuery(
          comet,
          "/cosmos.gov.v1.Query/Params",
          govQuery.QueryParamsRequest.encode({ paramsType: "" }).finish(),
        ),
      ).params;
      const minDeposit = (gov?.minDeposit ?? []).map((c) => `${c.amount}${c.denom}`).join(",");
      let messages: unknown[] = [];
      let changed: string[] = [];
      let title: string;
      let summary: string;
      if (opts.type === "param-change") {
        const p = await paramChange(comet, opts);
        messages = [p.message];
        changed = p.changed;
        ({ title, summary } = p);
      } else if (opts.type === "text") {
        // a proposal with neither messages nor metadata can never pass: the chain refuses it
        if (!opts.metadata)
          throw new CliError("a text proposal carries no messages: give --metadata (e.g. an ipfs:// link to its text)");
        title = "Text proposal";
        summary = "What the chain should decide.";
      } else {
        throw new CliError(`--type ${opts.type}: expected param-change or text`);
      }
      const file: Required<ProposalFile> = {
        messages,
        metadata: opts.metadata ?? "",
        deposit: opts.deposit ?? minDeposit,
        title: opts.title ?? title,
        summary: opts.summary ?? summary,
        expedited: false,
      };
      // the draft must be what submit-proposal can encode
      for (const [i, m] of file.messages.entries()) messageToAny(m, i);
      writeFileSync(opts.outputFile, `${JSON.stringify(file, null, 2)}\n`);
      return {
        file: opts.outputFile,
        type: opts.type,
        module: opts.module,
        authority: messages.length > 0 ? moduleAddress("gov") : undefined,
        deposit: file.deposit,
        changed,
      };
    } finally {
      comet.disconnect();
    }
  });
}
