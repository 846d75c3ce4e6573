// The work behind app/cli/inference.ts: model upload with a progress bar, MsgRegisterModel,
// MsgRequestInference (optionally waiting for the result) and the registry / inference queries.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Command } from "commander";
import pino from "pino";
import { policyFromProto } from "../../chain/tensor/agreement.ts";
import { type TensorJson, tensorFromJson, tensorValues } from "../../chain/tensor/json.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { reachableEndpoint } from "../../client/blob-upload.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { fetchOutputsByHash } from "../../client/output-fetch.ts";
import { DEFAULT_SESSION_OPTIONS, goldenVectorsToProto, parseCoin, sha256Hex, specFromIo } from "../../models/demo.ts";
import { RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  QueryParamsRequest as InferenceQueryParamsRequest,
  QueryParamsResponse as InferenceQueryParamsResponse,
  QueryRequestRequest,
  QueryRequestResponse,
  QueryResultRequest,
  QueryResultResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";
import {
  QueryModelRequest,
  QueryModelResponse,
  QueryModelServersRequest,
  QueryModelServersResponse,
  QueryModelsRequest,
  QueryModelsResponse,
} from "../../proto/gen/dgrid/registry/v1/query.ts";
import type { NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { type Calibration, calibrate, registrationProblems } from "../../validator/golden/calibrate.ts";
import { type GoldenSet, parseGoldenFile } from "../../validator/golden/format.ts";
import { formatPolicy, parsePolicy } from "../../validator/golden/policy-text.ts";
import { ModelProber } from "../../validator/onnx/sandbox.ts";
import { MODELS_URL_KEY } from "../node-status.ts";
import { CliError, type CliIO } from "./context.ts";
import type { RegisterModelFlags, RequestFlags } from "./inference.ts";
import { nodeUrl, rpcCall, withNode } from "./node-client.ts";
import { cardFromFlags } from "./registry-impl.ts";

/** PUTs the file to `<base>/models`, drawing a progress bar on stderr; returns the stored id and size. */
export async function uploadModel(io: CliIO, base: string, file: string): Promise<{ id: string; size: number }> {
  const total = statSync(file).size;
  let sent = 0;
  let lastDraw = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const frac = total === 0 ? 1 : sent / total;
    const width = 30;
    const filled = Math.round(frac * width);
    io.err(
      `\ruploading [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${sent}/${total} bytes`,
    );
  };
  const stream = createReadStream(file);
  stream.on("data", (c) => {
    sent += c.length;
    draw();
  });
  let res: Response;
  try {
    res = await fetch(`${base.replace(/\/$/, "")}/models`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "content-length": String(total) },
      body: Readable.toWeb(stream) as unknown as ReadableStream,
      duplex: "half",
    } as RequestInit);
  } catch (e) {
    io.err("\n");
    throw new CliError(
      `cannot upload to ${base}: ${(e as Error).message} (is the node's model endpoint there? --node-models)`,
    );
  }
  draw(true);
  io.err("\n");
  const body = (await res.json().catch(() => ({}))) as { id?: string; size?: number; message?: string; code?: number };
  if (!res.ok || !body.id) {
    const why =
      res.status === 404
        ? `nothing at ${base}/models takes uploads: is it the node's model endpoint? (\`dgrid status\` shows it as node_info.other.${MODELS_URL_KEY})`
        : res.status === 403
          ? "the node takes uploads only from its own machine (loopback)"
          : (body.message ?? "no details");
    throw new CliError(`the node refused the model (HTTP ${res.status}): ${why}`);
  }
  return { id: body.id, size: body.size ?? total };
}

/**
 * The node's model endpoint: --node-models, else the URL the node reports in its status (a node
 * listening on every interface reports 0.0.0.0: it is reached where its RPC is).
 */
export async function modelsEndpoint(io: CliIO, cmd: Command, explicit?: string): Promise<string> {
  if (explicit) return explicit.replace(/\/+$/, "");
  return reportedModelsUrl(nodeUrl(cmd, io));
}

/** The model endpoint the node at `url` reports in its status. */
async function reportedModelsUrl(url: string): Promise<string> {
  const status = await withNode(url, () => rpcCall(url, "status"));
  const reported = status?.node_info?.other?.[MODELS_URL_KEY];
  if (typeof reported !== "string" || reported === "") {
    throw new CliError(
      `the node at ${url} reports no model endpoint (its config models.laddr is empty); pass --node-models URL`,
    );
  }
  return reachableEndpoint(reported, url);
}

function creatorSharePpm(text: string): bigint {
  if (!/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/.test(text))
    throw new CliError(`--creator-share must be a fraction 0..1, got ${text}`);
  const [i, f = ""] = text.split(".");
  return BigInt(i) * 1_000_000n + BigInt(f.padEnd(6, "0"));
}

/** The policy to register with: --policy, else the golden file's, else exact; the two must not differ. */
function registrationPolicy(flag: string | undefined, golden: GoldenSet, goldenPath: string): string {
  if (flag === undefined) return golden.policy?.text ?? "exact";
  let text: string;
  try {
    text = formatPolicy(parsePolicy(flag));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (golden.policy && golden.policy.text !== text) {
    throw new CliError(
      `--policy ${flag} differs from the policy in ${goldenPath} (${golden.policy.text}); give one of them`,
    );
  }
  return text;
}

/**
 * The pre-checks on this machine before anything is uploaded or paid for: the golden outputs agree
 * with this machine's run under the policy, and calibration (validator/golden/calibrate.ts) shows
 * the policy holds under other execution settings (for `exact`: the same bits everywhere).
 */
async function precheck(io: CliIO, bytes: Uint8Array, golden: GoldenSet, policyText: string): Promise<void> {
  const policy = policyFromProto(parsePolicy(policyText));
  io.err(`checking the golden vectors under ${policyText} and calibrating (--skip-calibration to skip)...\n`);
  let c: Calibration;
  try {
    c = await calibrate(
      bytes,
      golden.vectors.map((v) => v.inputs),
      { pinned: DEFAULT_SESSION_OPTIONS, policy, expected: golden.vectors.map((v) => v.outputs) },
    );
  } catch (e) {
    throw new CliError(`the golden vectors' inputs do not run: ${String((e as Error)?.message ?? e).split("\n")[0]}`);
  }
  const problems = registrationProblems(c, policy);
  if (problems.length === 0) return;
  const suggestion = c.suggested.policy
    ? `calibration suggests ${c.suggested.policy} (${c.suggested.reason})`
    : `no policy fits: ${c.suggested.reason}`;
  throw new CliError(
    `validators would fail this model's golden vectors under ${policyText}:\n  ${problems.join("\n  ")}\n${suggestion}.\n` +
      "Make the golden file again under a policy that fits (dgrid models golden MODEL --inputs GOLDEN --policy P), " +
      "see `dgrid models calibrate MODEL`, or pass --skip-calibration to register anyway.",
  );
}

export async function registerModel(io: CliIO, cmd: Command, file: string, opts: RegisterModelFlags) {
  const path = resolve(file);
  let price: { denom: string; amount: string };
  let golden: GoldenSet;
  let bytes: Uint8Array;
  try {
    price = parseCoin(opts.price!);
    golden = parseGoldenFile(JSON.parse(readFileSync(opts.golden!, "utf8")), opts.golden);
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const policyText = registrationPolicy(opts.policy, golden, opts.golden!);
  const policy = parsePolicy(policyText);
  const share = creatorSharePpm(opts.creatorShare);
  const modelId = sha256Hex(bytes);
  if (golden.modelId && golden.modelId !== modelId) {
    throw new CliError(`${opts.golden} was made for model ${golden.modelId}; ${file} is ${modelId}`);
  }
  const pinned = DEFAULT_SESSION_OPTIONS;
  if (golden.sessionOptions && JSON.stringify(golden.sessionOptions) !== JSON.stringify(pinned)) {
    throw new CliError(
      `${opts.golden} was made with session options ${JSON.stringify(golden.sessionOptions)}; registration pins ${JSON.stringify(pinned)}`,
    );
  }
  const card = cardFromFlags(opts);
  const endpoint = await modelsEndpoint(io, cmd, opts.nodeModels);
  // the tensor specs come from onnxruntime's view of the file (symbolic dims stay symbolic)
  const prober = new ModelProber({ timeoutMs: 60_000 }, { logger: pino({ level: "silent" }) });
  let meta: Awaited<ReturnType<ModelProber["probe"]>>;
  try {
    meta = await prober.probe(path);
  } catch (e) {
    throw new CliError(`${file} is not a loadable ONNX model: ${(e as Error).message}`);
  } finally {
    await prober.close();
  }
  if (!opts.skipCalibration) await precheck(io, bytes, golden, policyText);
  const uploaded = await uploadModel(io, endpoint, path);
  const { signAndBroadcast } = await import("./tx-send.ts");
  const result = await signAndBroadcast(
    io,
    cmd,
    opts.from!,
    (address) => [
      {
        typeUrl: "/dgrid.registry.v1.MsgRegisterModel",
        value: {
          creator: address,
          id: uploaded.id,
          name: opts.name,
          version: opts.modelVersion,
          inputs: meta.inputs.map(specFromIo),
          outputs: meta.outputs.map(specFromIo),
          sessionOptions: { ...pinned },
          policy,
          pricePerCall: price,
          creatorSharePpm: share,
          goldenVectors: goldenVectorsToProto(golden.vectors),
          sizeBytes: BigInt(uploaded.size),
          card,
        },
      },
    ],
    { ...opts, broadcastMode: "block" },
    (address) => ({ creator: address, model_id: uploaded.id, name: opts.name, version: opts.modelVersion }),
    dgridMsgTypes,
  );
  if (result.code !== 0 || !opts.wait) return { model_id: uploaded.id, ...result };
  io.err(`registered ${uploaded.id}; waiting until a validator serves it (it first checks the golden vectors)\n`);
  const servedBy = await waitServed(nodeUrl(cmd, io), uploaded.id, Number(opts.timeout));
  return { model_id: uploaded.id, served_by: servedBy, ...result };
}

async function modelServers(url: string, id: string): Promise<string[]> {
  const res = QueryModelServersResponse.decode(
    await abci(
      url,
      "/dgrid.registry.v1.Query/ModelServers",
      QueryModelServersRequest.encode(QueryModelServersRequest.fromPartial({ modelId: id })).finish(),
    ),
  );
  return res.servers.map((s) => s.validator);
}

/** Polls the registry until some validator serves the model; returns the servers' valoper addresses. */
async function waitServed(url: string, id: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const servers = await modelServers(url, id);
    if (servers.length > 0) return servers;
    if (Date.now() >= deadline) {
      throw new CliError(
        `model ${id} is registered, but no validator serves it after ${timeoutMs} ms: a validator serves a model once its golden vectors pass on its node (see \`dgrid query registry model ${id}\`)`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** An item's tensors by name, sorted by name. */
function namedOf(entries: [string, unknown][], what: string): NamedTensor[] {
  const out: NamedTensor[] = [];
  for (const [name, json] of entries) {
    try {
      out.push({ name, ...tensorFromJson(json as TensorJson, `${what} ${name}`) });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** --inputs-file: a JSON array of items, each an object of tensors by input name. */
function readItems(file: string): NamedTensor[][] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`--inputs-file ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(json) || json.length === 0)
    throw new CliError(`--inputs-file ${file}: expected a non-empty JSON array of items, each {"NAME": tensor, ...}`);
  return json.map((item, i) => {
    if (!item || typeof item !== "object" || Array.isArray(item))
      throw new CliError(`--inputs-file ${file}: item ${i} must be an object of tensors by input name`);
    return namedOf(Object.entries(item), `--inputs-file item ${i}`);
  });
}

export async function requestInference(io: CliIO, cmd: Command, modelId: string, opts: RequestFlags) {
  const inputs: NamedTensor[] = [];
  for (const spec of opts.input) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new CliError(`--input ${spec}: expected name=FILE.json`);
    const name = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    inputs.push(...namedOf([[name, json]], "--input"));
  }
  inputs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const items = opts.inputsFile ? readItems(opts.inputsFile).map((i) => ({ inputs: i })) : [];
  let maxFee: { denom: string; amount: string };
  try {
    maxFee = parseCoin(opts.maxFee!);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const redundancy = Number(opts.redundancy);
  if (!Number.isSafeInteger(redundancy) || redundancy < 0) throw new CliError(`bad --redundancy ${opts.redundancy}`);
  const url = nodeUrl(cmd, io);
  await checkRequest(url, modelId, maxFee, redundancy, opts.maxFee!, Math.max(1, items.length));
  const { signAndBroadcast } = await import("./tx-send.ts");
  const result = await signAndBroadcast(
    io,
    cmd,
    opts.from!,
    (address) => [
      {
        typeUrl: "/dgrid.inference.v1.MsgRequestInference",
        value: { requester: address, modelId, inputs, maxFee, redundancy, items },
      },
    ],
    { ...opts, broadcastMode: "block" },
    (address) => ({
      requester: address,
      model_id: modelId,
      max_fee: opts.maxFee,
      redundancy,
      ...(items.length > 0 ? { items: items.length } : {}),
    }),
    dgridMsgTypes,
  );
  const ev = (result.events as { type: string; attributes: { key: string; value: string }[] }[] | undefined)?.find(
    (e) => e.type === "request_created",
  );
  const requestId = ev?.attributes.find((a) => a.key === "request_id")?.value;
  const out: Record<string, unknown> = { request_id: requestId ?? "", txhash: result.txhash, height: result.height };
  if (result.code !== 0) return { ...out, code: result.code, codespace: result.codespace, raw_log: result.raw_log };
  if (opts.wait && requestId) {
    const deadline = Date.now() + Number(opts.timeout);
    for (;;) {
      const r = await tryResult(url, requestId);
      if (r) {
        out.result = r;
        break;
      }
      if (Date.now() > deadline) throw new CliError(`request ${requestId} not finalized within ${opts.timeout} ms`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
  return { ...out, code: 0, raw_log: "" };
}

/**
 * What the chain would refuse or refund, said before anything is signed: an unknown model, a model
 * no validator serves yet, a max fee below price x items x executors (naming the amount that is needed).
 */
async function checkRequest(
  url: string,
  modelId: string,
  maxFee: { denom: string; amount: string },
  redundancy: number,
  maxFeeText: string,
  items: number,
): Promise<void> {
  let price: { denom: string; amount: string } | undefined;
  try {
    const res = QueryModelResponse.decode(
      await abci(url, "/dgrid.registry.v1.Query/Model", QueryModelRequest.encode({ id: modelId }).finish()),
    );
    price = res.model?.pricePerCall;
  } catch (e) {
    if (/not found|not registered/i.test((e as Error).message))
      throw new CliError(`model ${modelId} is not registered (dgrid query registry models lists them)`);
    throw e;
  }
  if ((await modelServers(url, modelId)).length === 0) {
    throw new CliError(
      `no validator serves model ${modelId} yet (a validator serves a model once its golden vectors pass on its node; \`register-model --wait\` waits for that): the request would be refunded`,
    );
  }
  const params = InferenceQueryParamsResponse.decode(
    await abci(url, "/dgrid.inference.v1.Query/Params", InferenceQueryParamsRequest.encode({}).finish()),
  ).params;
  const k = redundancy === 0 ? (params?.defaultRedundancy ?? 1) : redundancy;
  if (!price || BigInt(price.amount) === 0n) return;
  const needed = BigInt(price.amount) * BigInt(items) * BigInt(k);
  if (maxFee.denom !== price.denom || BigInt(maxFee.amount) < needed) {
    const executors = redundancy === 0 ? `${k} executors, the chain's default redundancy` : `${k} executors`;
    const batch = items > 1 ? ` x ${items} items` : "";
    throw new CliError(
      `--max-fee ${maxFeeText} does not cover this request: it costs ${needed}${price.denom} (the model's price ${price.amount}${price.denom} per execution${batch} x ${executors}); pass --max-fee ${needed}${price.denom}`,
    );
  }
}

async function abci(url: string, path: string, data: Uint8Array): Promise<Uint8Array> {
  return withNode(url, async () => {
    const comet = await Comet38Client.connect(url);
    try {
      return (await new QueryClient(comet).queryAbci(path, data)).value;
    } finally {
      comet.disconnect();
    }
  });
}

function parseId(id: string): bigint {
  if (!/^\d+$/.test(id)) throw new CliError(`invalid request id ${id}`);
  return BigInt(id);
}

function withValues(tensors: NamedTensor[]) {
  return tensors.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape,
    data: Buffer.from(t.data).toString("base64"),
    values: tensorValues(t),
  }));
}

async function tryResult(url: string, id: string) {
  try {
    return await queryResult(url, id);
  } catch (e) {
    if (/not settled yet|not found/i.test(String((e as Error).message))) return undefined;
    throw e;
  }
}

/**
 * A request's result. Outputs revealed by hash (output_ref) are fetched from the node's model
 * endpoint (`modelsUrl`, else the one the node reports) and checked against the reference under the
 * model's policy, so they print like inline ones; when that fails the result says why in
 * `outputs_error` (the result itself stands).
 */
export async function queryResult(url: string, id: string, modelsUrl?: string) {
  const res = QueryResultResponse.decode(
    await abci(url, "/dgrid.inference.v1.Query/Result", QueryResultRequest.encode({ id: parseId(id) }).finish()),
  );
  const r = res.result!;
  const json = snakeKeys(QueryResultResponse.toJSON(res)) as {
    result: Record<string, unknown> & { items?: unknown[] };
  };
  const out: Record<string, unknown> = {
    ...json.result,
    status: RequestStatus[r.status] ?? r.status,
    outputs: withValues(r.outputs),
  };
  const targets = [r, ...r.items].filter((t) => t.outputRef !== undefined);
  if (targets.length === 0) return out;
  try {
    const request = QueryRequestResponse.decode(
      await abci(url, "/dgrid.inference.v1.Query/Request", QueryRequestRequest.encode({ id: r.requestId }).finish()),
    ).request!;
    const model = QueryModelResponse.decode(
      await abci(url, "/dgrid.registry.v1.Query/Model", QueryModelRequest.encode({ id: request.modelId }).finish()),
    ).model!;
    const base = modelsUrl ?? (await reportedModelsUrl(url));
    const policy = policyFromProto(model.policy);
    if (r.outputRef) out.outputs = withValues(await fetchOutputsByHash(base, r, policy));
    if (r.items.some((it) => it.outputRef)) {
      const items = (json.result.items ?? []) as Record<string, unknown>[];
      for (let i = 0; i < r.items.length; i++) {
        if (r.items[i].outputRef)
          items[i] = { ...items[i], outputs: withValues(await fetchOutputsByHash(base, r.items[i], policy)) };
      }
      out.items = items;
    }
    out.outputs_from = base;
  } catch (e) {
    out.outputs_error = (e as Error).message;
  }
  return out;
}

export async function queryRequest(url: string, id: string) {
  const res = QueryRequestResponse.decode(
    await abci(url, "/dgrid.inference.v1.Query/Request", QueryRequestRequest.encode({ id: parseId(id) }).finish()),
  );
  const json = snakeKeys(QueryRequestResponse.toJSON(res)) as { request: Record<string, unknown> };
  return { ...json.request, status: RequestStatus[res.request!.status] ?? res.request!.status };
}

const brief = (m: Record<string, unknown>) => {
  const { golden_vectors, ...rest } = m;
  return { ...rest, golden_vectors: Array.isArray(golden_vectors) ? golden_vectors.length : 0 };
};

export async function queryModels(url: string) {
  const res = QueryModelsResponse.decode(
    await abci(
      url,
      "/dgrid.registry.v1.Query/Models",
      QueryModelsRequest.encode(QueryModelsRequest.fromPartial({})).finish(),
    ),
  );
  const json = snakeKeys(QueryModelsResponse.toJSON(res)) as { models?: Record<string, unknown>[] };
  return { models: (json.models ?? []).map(brief) };
}

export async function queryModel(url: string, id: string) {
  const res = QueryModelResponse.decode(
    await abci(url, "/dgrid.registry.v1.Query/Model", QueryModelRequest.encode({ id }).finish()),
  );
  const json = snakeKeys(QueryModelResponse.toJSON(res)) as {
    model: Record<string, unknown>;
    servers?: unknown[];
    conformance_failures?: unknown[];
  };
  // who serves the model, and who ran its golden vectors and failed (with the reason)
  return { ...brief(json.model), servers: json.servers ?? [], conformance_failures: json.conformance_failures ?? [] };
}
