// Model cards and discovery from the command line: the card flags of `tx registry register-model` /
// `update-model-card`, and `query registry models --task/--tag/--creator/--sort` (DiscoverModels),
// `query registry lineage`, `query registry creator` (imported when those commands run).
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Command } from "commander";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { TASKS } from "../../modules/registry/card.ts";
import { SORTS } from "../../modules/registry/indexes.ts";
import {
  QueryCreatorModelsRequest,
  QueryCreatorModelsResponse,
  QueryDiscoverModelsRequest,
  QueryDiscoverModelsResponse,
  QueryModelLineageRequest,
  QueryModelLineageResponse,
  QueryModelRequest,
  QueryModelResponse,
} from "../../proto/gen/dgrid/registry/v1/query.ts";
import type { ModelCard } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { type PageFlags, pageRequest } from "./authz-impl.ts";
import { CliError, type CliIO } from "./context.ts";
import { nodeUrl, withNode } from "./node-client.ts";
import type { SendFlags } from "./tx.ts";

/** The card flags (register-model and update-model-card). */
export interface CardFlags {
  task?: string;
  description?: string;
  license?: string;
  tag: string[];
  sourceUri?: string;
  inputDoc?: string;
  outputDoc?: string;
  supersedes?: string;
}

export interface DiscoverFlags extends PageFlags {
  task?: string;
  tag?: string;
  creator?: string;
  sort?: string;
}

function given(f: CardFlags): boolean {
  return (
    f.tag.length > 0 ||
    [f.task, f.description, f.license, f.sourceUri, f.inputDoc, f.outputDoc, f.supersedes].some((v) => v !== undefined)
  );
}

function checkTask(task: string | undefined): void {
  if (task !== undefined && !(TASKS as readonly string[]).includes(task))
    throw new CliError(`--task must be one of ${TASKS.join(", ")}`);
}

/** The card a registration carries: none without card flags; --task is required with any. */
export function cardFromFlags(f: CardFlags): ModelCard | undefined {
  if (!given(f)) return undefined;
  if (f.task === undefined) throw new CliError("--task is required with the card flags");
  checkTask(f.task);
  return overlay(undefined, f);
}

/** The flags given over a current card (an update changes only what its flags name; --tag replaces the tags). */
function overlay(current: ModelCard | undefined, f: CardFlags): ModelCard {
  return {
    task: f.task ?? current?.task ?? "",
    description: f.description ?? current?.description ?? "",
    license: f.license ?? current?.license ?? "",
    tags: f.tag.length > 0 ? f.tag : (current?.tags ?? []),
    sourceUri: f.sourceUri ?? current?.sourceUri ?? "",
    inputDoc: f.inputDoc ?? current?.inputDoc ?? "",
    outputDoc: f.outputDoc ?? current?.outputDoc ?? "",
    supersedes: f.supersedes ?? current?.supersedes ?? "",
  };
}

async function abci(url: string, path: string, data: Uint8Array): Promise<Uint8Array> {
  return withNode(url, async () => {
    const comet = await Comet38Client.connect(url);
    try {
      return (await new QueryClient(comet).queryAbci(`/dgrid.registry.v1.Query/${path}`, data)).value;
    } finally {
      comet.disconnect();
    }
  });
}

export async function updateModelCard(
  io: CliIO,
  cmd: Command,
  modelId: string,
  opts: CardFlags & SendFlags & { from: string },
) {
  if (!given(opts)) throw new CliError("give at least one card flag (--task, --tag, --description, ...)");
  checkTask(opts.task);
  const current = QueryModelResponse.decode(
    await abci(nodeUrl(cmd, io), "Model", QueryModelRequest.encode({ id: modelId }).finish()),
  ).model?.card;
  const card = overlay(current, opts);
  if (card.task === "") throw new CliError("the model has no card yet: --task is required");
  const { signAndBroadcast } = await import("./tx-send.ts");
  return signAndBroadcast(
    io,
    cmd,
    opts.from,
    (address) => [{ typeUrl: "/dgrid.registry.v1.MsgUpdateModelCard", value: { creator: address, modelId, card } }],
    opts,
    (address) => ({ creator: address, model_id: modelId, card: snakeKeys(card) }),
    dgridMsgTypes,
  );
}

/** A listing entry: the model without golden vectors, its card and stats. */
function entry(json: Record<string, unknown>) {
  const { golden_vectors: _, ...model } = (json.model ?? {}) as Record<string, unknown>;
  return { ...model, stats: json.stats, servers: json.servers ?? 0 };
}

const b64 = (b: Uint8Array | undefined) => (b && b.length > 0 ? Buffer.from(b).toString("base64") : null);

export async function discoverModels(url: string, f: DiscoverFlags) {
  checkTask(f.task);
  if (f.sort !== undefined && !(SORTS as readonly string[]).includes(f.sort))
    throw new CliError(`--sort must be one of ${SORTS.join(", ")}`);
  const res = QueryDiscoverModelsResponse.decode(
    await abci(
      url,
      "DiscoverModels",
      QueryDiscoverModelsRequest.encode({
        task: f.task ?? "",
        tag: f.tag ?? "",
        creator: f.creator ?? "",
        sort: f.sort ?? "",
        pagination: pageRequest(f),
      }).finish(),
    ),
  );
  const json = snakeKeys(QueryDiscoverModelsResponse.toJSON(res)) as { models?: Record<string, unknown>[] };
  return {
    models: (json.models ?? []).map(entry),
    pagination: { next_key: b64(res.pagination?.nextKey), total: String(res.pagination?.total ?? 0n) },
  };
}

export async function modelLineage(url: string, id: string) {
  const res = QueryModelLineageResponse.decode(
    await abci(url, "ModelLineage", QueryModelLineageRequest.encode({ id }).finish()),
  );
  return { ids: res.ids, latest: res.latest };
}

export async function creatorModels(url: string, creator: string, f: PageFlags) {
  const res = QueryCreatorModelsResponse.decode(
    await abci(
      url,
      "CreatorModels",
      QueryCreatorModelsRequest.encode({ creator, pagination: pageRequest(f) }).finish(),
    ),
  );
  const json = snakeKeys(QueryCreatorModelsResponse.toJSON(res)) as {
    models?: Record<string, unknown>[];
    earnings?: unknown;
  };
  return {
    earnings: json.earnings,
    models: (json.models ?? []).map(entry),
    pagination: { next_key: b64(res.pagination?.nextKey), total: String(res.pagination?.total ?? 0n) },
  };
}
