// Everything a node runs for inference, wired in one place for the composition root (app/node.ts):
// - the content-addressed ModelStore (<home>/data/models) with its HTTP endpoint (own listener,
//   config models.laddr; PUT only from loopback clients), files from config models.import put at start;
// - the BlobStore of inference input blobs (<home>/data/blobs, config [blobs]) on the same listener
//   (PUT/GET/HEAD /blobs/<sha256>), and the BlobFetcher the duties obtain blobs with (own store, else
//   models.peers by hash); on each sync pass, blobs no pending request names are pruned once their
//   last upload or fetch is blobs.settled-grace old (their requests settled), any past blobs.retention;
// - the output store (<home>/data/outputs, config [outputs]): outputs the duties revealed by hash,
//   served on GET/HEAD /outputs/<sha256> (a node without them asks models.peers), pruned past
//   outputs.retention;
// - the OnnxExecutor (config inference.executionProvider; a missing CUDA provider is a startup error);
// - the InferenceDuties handed to DGridApp (commit/reveal work of this node's validator);
// - a sync loop (every inference.syncIntervalMs, after the node started): for each registered model
//   the node lacks, fetch it from config models.peers (sha256-verified); then, when an operator key
//   is configured (inference.operatorKey, a key in the home's keyring), run the model's golden
//   vectors under its policy (ConformanceChecker; re-run when software, provider, host or vectors
//   change) and send MsgServeModel when they pass and the validator does not serve it yet, and
//   MsgReportConformance{passed: false, reason} when they fail (unless the chain already shows that
//   failure of this validator and it does not serve the model): the failure is visible in the
//   registry (`query registry model`) and withdraws the validator if it served the model. A failed
//   model is not run again before its retry time (30 s, doubling per failure up to 1 h; reset when
//   the node's software, provider or host, or the model's vectors, policy or options change).
import { createReadStream } from "node:fs";
import { join } from "node:path";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Registry as PromRegistry } from "prom-client";
import { Keyring } from "../chain/keyring/keyring.ts";
import { policyFromProto } from "../chain/tensor/agreement.ts";
import { tensorsFromNamed } from "../chain/tensor/canonical.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../chain/types/address.ts";
import { toHex } from "../chain/types/bytes.ts";
import { dgridMsgTypes } from "../client/dgrid-types.ts";
import { dgridRegistry } from "../client/index.ts";
import { MAX_HASHED_OUTPUT_LIMIT } from "../modules/inference/params.ts";
import { QueryPendingRequestsRequest, QueryPendingRequestsResponse } from "../proto/gen/dgrid/inference/v1/query.ts";
import {
  QueryModelRequest,
  QueryModelResponse,
  QueryModelServersRequest,
  QueryModelServersResponse,
  QueryModelsRequest,
  QueryModelsResponse,
} from "../proto/gen/dgrid/registry/v1/query.ts";
import type { Model } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { BlobStore } from "./blob-store/blob-store.ts";
import { BlobFetcher } from "./blob-store/fetch.ts";
import { blobStoreRoutes } from "./blob-store/http.ts";
import { outputStoreRoutes } from "./blob-store/output-routes.ts";
import { ConformanceChecker, type ConformanceModel, type ConformanceResult, underPolicy } from "./conformance.ts";
import { InferenceDuties } from "./duties.ts";
import { ErrProviderUnavailable } from "./errors.ts";
import { type ExecutionProvider, OnnxExecutor } from "./executor/onnx-executor.ts";
import type { InferenceExecutor, PinnedSessionOptions, Tensor } from "./executor/types.ts";
import { fetchModel } from "./model-store/fetch.ts";
import { modelStoreRoutes } from "./model-store/http.ts";
import { ModelStore } from "./model-store/model-store.ts";
import { specLooserThanFile } from "./spec-check.ts";

export interface NodeInferenceOptions {
  home: string;
  /** consensus address (20 bytes) of this node's validator key */
  consAddress: Uint8Array;
  models: { laddr: string; maxModelBytes: number; peers: string[]; import: string[] };
  /** the input blob store (config [blobs]); absent: the config defaults */
  blobs?: { maxBytes: number; maxTotalBytes: number; retentionMs: number; settledGraceMs: number; fetchWaitMs: number };
  /** the output store (config [outputs]); absent: the config defaults */
  outputs?: { maxTotalBytes: number; retentionMs: number };
  inference: {
    executionProvider: ExecutionProvider;
    workers: number;
    timeoutMs: number;
    operatorKey: string;
    keyringBackend: "file" | "test";
    syncIntervalMs: number;
  };
}

export interface NodeInferenceDeps {
  logger: Logger;
  metricsRegistry?: PromRegistry;
  /** keyring passphrase for the file backend (env DGRID_KEYRING_PASSPHRASE) */
  keyringPassphrase?: string;
  /**
   * wraps the executor the duties run assigned work on (test/support/faulty-executor.ts; production
   * passes none); golden-vector checks keep the plain executor
   */
  dutiesExecutor?(executor: InferenceExecutor): InferenceExecutor;
}

/** ABCI query of the node's own app: gRPC path + request bytes -> response bytes (throws on code != 0). */
export type AppQuery = (path: string, data: Uint8Array) => Promise<Uint8Array>;

export interface SyncDeps {
  query: AppQuery;
  /** this node's RPC URL (transactions are broadcast through it) */
  rpcUrl: string;
}

export interface ModelSyncReport {
  modelId: string;
  present: boolean;
  conformance?: ConformanceResult;
  /** serve: MsgServeModel sent; report: MsgReportConformance (failed) sent */
  action?: "serve" | "report";
  error?: string;
  /** how the registered spec is looser than the file (then the model is not served) */
  specMismatch?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export function parseHostPort(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/|http:\/\/)?\[?([^\]]*?)\]?:(\d+)$/.exec(laddr.trim());
  if (!m) throw new Error(`invalid listen address "${laddr}" (expected tcp://HOST:PORT)`);
  return { host: m[1] || "0.0.0.0", port: Number(m[2]) };
}

/** config [blobs] defaults (chain/node/config/fields.ts) */
const BLOB_DEFAULTS = {
  maxBytes: 16 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  retentionMs: 3_600_000,
  settledGraceMs: 300_000,
  fetchWaitMs: 2_000,
};

/** config [outputs] defaults (chain/node/config/fields.ts) */
const OUTPUT_DEFAULTS = { maxTotalBytes: 4 * 1024 * 1024 * 1024, retentionMs: 86_400_000 };
/** the largest canonical output the store takes: max_hashed_output_bytes' bound plus the encoding's headers */
const MAX_STORED_OUTPUT_BYTES = Number(MAX_HASHED_OUTPUT_LIMIT) + 1024 * 1024;

export class NodeInference {
  readonly store: ModelStore;
  /** inference input blobs (<home>/data/blobs), served on the model endpoint */
  readonly blobStore: BlobStore;
  private readonly blobOptions: NonNullable<NodeInferenceOptions["blobs"]>;
  private readonly blobFetcher: BlobFetcher;
  /** outputs this node's executor revealed by hash (<home>/data/outputs), served on GET /outputs/<sha256> */
  readonly outputStore: BlobStore;
  executor?: OnnxExecutor;
  duties?: InferenceDuties;
  checker?: ConformanceChecker;
  /** base URL of this node's model endpoint ("" when not listening) */
  modelsUrl = "";
  private http?: FastifyInstance;
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<ModelSyncReport[]>;
  private closed = false;
  private signer?: { client: SigningStargateClient; address: string; valoper: string };

  constructor(
    readonly options: NodeInferenceOptions,
    private readonly deps: NodeInferenceDeps,
  ) {
    this.logger = deps.logger.child({ module: "node-inference" });
    this.store = new ModelStore(
      { home: options.home, maxModelBytes: options.models.maxModelBytes },
      { logger: deps.logger },
    );
    const blobs = options.blobs ?? BLOB_DEFAULTS;
    this.blobOptions = blobs;
    this.blobStore = new BlobStore(
      {
        home: options.home,
        maxBlobBytes: blobs.maxBytes,
        maxTotalBytes: blobs.maxTotalBytes,
        retentionMs: blobs.retentionMs,
      },
      { logger: deps.logger },
    );
    const outputs = options.outputs ?? OUTPUT_DEFAULTS;
    this.outputStore = new BlobStore(
      {
        home: options.home,
        subdir: "outputs",
        maxBlobBytes: MAX_STORED_OUTPUT_BYTES,
        maxTotalBytes: outputs.maxTotalBytes,
        retentionMs: outputs.retentionMs,
      },
      { logger: deps.logger },
    );
    this.blobFetcher = new BlobFetcher(
      { peers: options.models.peers, waitMs: blobs.fetchWaitMs },
      { store: this.blobStore, logger: deps.logger },
    );
  }

  /** Store, imports, executor (provider checked), duties and the model endpoint. */
  async start(): Promise<void> {
    await this.store.init();
    await this.blobStore.init();
    await this.outputStore.init();
    for (const file of this.options.models.import) {
      const res = await this.store.put(createReadStream(file));
      this.logger.info({ file, model: res.id, created: res.created }, "model imported");
    }
    const provider = this.options.inference.executionProvider;
    const executor = new OnnxExecutor(
      { provider, workers: this.options.inference.workers, timeoutMs: this.options.inference.timeoutMs },
      { store: this.store, logger: this.deps.logger, registry: this.deps.metricsRegistry },
    );
    try {
      await executor.start();
    } catch (e) {
      await executor.close().catch(() => {});
      if (ErrProviderUnavailable.is(e)) {
        throw new Error(
          `execution provider "${provider}" is not available on this machine (${(e as Error).message}); ` +
            `install the onnxruntime CUDA libraries or start with --execution-provider cpu`,
        );
      }
      throw e;
    }
    this.executor = executor;
    this.duties = new InferenceDuties(
      {
        consAddress: this.options.consAddress,
        stateFile: join(this.options.home, "data", "inference-duties.json"),
      },
      {
        executor: this.deps.dutiesExecutor?.(executor) ?? executor,
        logger: this.deps.logger,
        blobs: this.blobFetcher,
        outputs: this.outputStore,
        metricsRegistry: this.deps.metricsRegistry,
      },
    );
    this.checker = new ConformanceChecker({ home: this.options.home }, { executor, logger: this.deps.logger });
    if (this.options.models.laddr) await this.listen(this.options.models.laddr);
  }

  private async listen(laddr: string): Promise<void> {
    const { host, port } = parseHostPort(laddr);
    const app = Fastify({
      // per-request logs only at warn and above
      loggerInstance: this.deps.logger.child({ module: "model-store-http" }, { level: "warn" }) as FastifyBaseLogger,
    }) as unknown as FastifyInstance;
    // model uploads only from this machine (the CLI next to the node); peers may GET / HEAD; blobs
    // from anyone (hash-checked, size-bounded)
    app.addHook("onRequest", async (req, reply) => {
      if (req.method === "PUT" && req.url.startsWith("/models") && !LOOPBACK.has(req.socket.remoteAddress ?? "")) {
        return reply.code(403).send({ codespace: "modelstore", code: 1, message: "uploads only from localhost" });
      }
    });
    await app.register(modelStoreRoutes(this.store));
    await app.register(blobStoreRoutes(this.blobStore));
    await app.register(
      outputStoreRoutes(this.outputStore, { peers: this.options.models.peers }, { logger: this.deps.logger }),
    );
    await app.listen({ host, port });
    const addr = app.server.address();
    this.http = app;
    this.modelsUrl = `http://${host}:${typeof addr === "object" && addr ? addr.port : port}`;
  }

  /** Starts the periodic sync (first run at once). */
  startSync(deps: SyncDeps): void {
    const tick = () => {
      if (this.closed) return;
      this.syncing = this.syncOnce(deps).finally(() => {
        this.syncing = undefined;
        if (!this.closed) this.timer = setTimeout(tick, this.options.inference.syncIntervalMs);
      });
    };
    tick();
  }

  /** One pass over the registered models: fetch missing files; check, serve or withdraw. */
  async syncOnce(deps: SyncDeps): Promise<ModelSyncReport[]> {
    const reports: ModelSyncReport[] = [];
    await this.pruneBlobs(deps.query).catch((err) => this.logger.warn({ err }, "blob prune failed"));
    let models: Model[];
    try {
      models = await this.allModels(deps.query);
    } catch (e) {
      this.logger.warn({ err: e }, "cannot list registered models");
      return reports;
    }
    for (const m of models) {
      if (this.closed) break;
      if (m.delisted) continue;
      const report: ModelSyncReport = { modelId: m.id, present: false };
      reports.push(report);
      try {
        if (!(await this.store.has(m.id)) && this.options.models.peers.length > 0) {
          const got = await fetchModel(m.id, this.options.models.peers, {
            store: this.store,
            logger: this.deps.logger,
          });
          this.logger.info({ model: m.id, peer: got.peer, size: got.size }, "model fetched from a peer");
        }
        report.present = await this.store.has(m.id);
        if (!report.present || !this.options.inference.operatorKey || !this.checker) continue;
        const signer = await this.operator(deps.rpcUrl);
        const serving = await this.isServing(deps.query, m.id, signer.valoper);
        const result = await this.checker.check(conformanceModel(m));
        report.conformance = result;
        // a spec looser than the file would let in requests the model refuses: not served
        report.specMismatch = specLooserThanFile(
          m,
          await this.executor!.metadata(m.id, conformanceModel(m).sessionOptions),
        );
        if (report.specMismatch) this.logger.warn({ model: m.id, mismatch: report.specMismatch }, "spec mismatch");
        const servable = result.pass && !report.specMismatch;
        const why = report.specMismatch ? "registered spec looser than the file" : "golden vectors failed";
        if (servable && !serving) {
          report.action = "serve";
          await this.send(signer, {
            typeUrl: "/dgrid.registry.v1.MsgServeModel",
            value: { validator: signer.valoper, modelId: m.id, provider: this.executor!.provider },
          });
          this.logger.info({ model: m.id }, "golden vectors passed; serving the model");
        } else if (!servable && (report.specMismatch !== undefined || !result.fromRecord || serving)) {
          // a fresh failure (or one still backing off while the chain shows us serving), or a spec
          // looser than the file: make it visible on chain, which also withdraws a serving validator.
          // A failure backing off is not re-sent: a refused report waits for the next run, not the
          // next sync; one the chain already shows is not sent again.
          const reason = truncateUtf8(
            report.specMismatch ? `${why}: ${report.specMismatch}` : (result.reason ?? why),
            MAX_REPORT_REASON_BYTES,
          );
          const shown = await this.failureOnChain(deps.query, m.id, signer.valoper);
          if (serving || shown !== reason) {
            report.action = "report";
            await this.send(signer, {
              typeUrl: "/dgrid.registry.v1.MsgReportConformance",
              value: {
                validator: signer.valoper,
                modelId: m.id,
                passed: false,
                reason,
                provider: this.executor!.provider,
              },
            });
          }
          this.logger.warn(
            {
              model: m.id,
              reason,
              failures: result.failures,
              retryAt: result.retryAt ? new Date(result.retryAt).toISOString() : undefined,
              vectors: result.vectors,
            },
            `${why}; reported on chain, not serving the model`,
          );
        } else if (!servable) {
          this.logger.warn({ model: m.id, vectors: result.vectors }, `${why}; not serving the model`);
        }
      } catch (e) {
        report.error = (e as Error).message;
        this.logger.warn({ err: e, model: m.id }, "model sync failed");
      }
    }
    return reports;
  }

  /** Blobs past the retention window; then those no pending request names, past the grace. */
  private async pruneBlobs(query: AppQuery): Promise<void> {
    await this.blobStore.prune();
    await this.outputStore.prune();
    await this.blobStore.pruneSettled(() => this.pendingBlobHashes(query), this.blobOptions.settledGraceMs);
  }

  /** The blob hashes (hex) the chain's pending requests name, single requests and batch items. */
  private async pendingBlobHashes(query: AppQuery): Promise<Set<string>> {
    const out = new Set<string>();
    let key: Uint8Array = new Uint8Array();
    for (;;) {
      const res = QueryPendingRequestsResponse.decode(
        await query(
          "/dgrid.inference.v1.Query/PendingRequests",
          QueryPendingRequestsRequest.encode({
            pagination: { key, limit: 100n, offset: 0n, countTotal: false, reverse: false },
          }).finish(),
        ),
      );
      for (const r of res.requests) {
        for (const b of r.inputBlobs) out.add(toHex(b.sha256));
        for (const item of r.items) for (const b of item.blobs) out.add(toHex(b.sha256));
      }
      key = res.pagination?.nextKey ?? new Uint8Array();
      if (key.length === 0) return out;
    }
  }

  private async allModels(query: AppQuery): Promise<Model[]> {
    const out: Model[] = [];
    let key: Uint8Array = new Uint8Array();
    for (;;) {
      const res = QueryModelsResponse.decode(
        await query(
          "/dgrid.registry.v1.Query/Models",
          QueryModelsRequest.encode(
            QueryModelsRequest.fromPartial({
              pagination: { key, limit: 100n, offset: 0n, countTotal: false, reverse: false },
            }),
          ).finish(),
        ),
      );
      out.push(...res.models);
      key = res.pagination?.nextKey ?? new Uint8Array();
      if (key.length === 0) return out;
    }
  }

  /** The reason of this validator's conformance failure of a model as the chain shows it, if any. */
  private async failureOnChain(query: AppQuery, modelId: string, valoper: string): Promise<string | undefined> {
    const res = QueryModelResponse.decode(
      await query("/dgrid.registry.v1.Query/Model", QueryModelRequest.encode({ id: modelId }).finish()),
    );
    return res.conformanceFailures.find((f) => f.validator === valoper)?.reason;
  }

  private async isServing(query: AppQuery, modelId: string, valoper: string): Promise<boolean> {
    let key: Uint8Array = new Uint8Array();
    for (;;) {
      const res = QueryModelServersResponse.decode(
        await query(
          "/dgrid.registry.v1.Query/ModelServers",
          QueryModelServersRequest.encode(
            QueryModelServersRequest.fromPartial({
              modelId,
              pagination: { key, limit: 100n, offset: 0n, countTotal: false, reverse: false },
            }),
          ).finish(),
        ),
      );
      if (res.servers.some((s) => s.validator === valoper)) return true;
      key = res.pagination?.nextKey ?? new Uint8Array();
      if (key.length === 0) return false;
    }
  }

  private async operator(rpcUrl: string): Promise<{ client: SigningStargateClient; address: string; valoper: string }> {
    if (this.signer) return this.signer;
    const kr = new Keyring({
      backend: this.options.inference.keyringBackend,
      dir: this.options.home,
      passphrase: this.deps.keyringPassphrase,
    });
    const wallet = await kr.signer(this.options.inference.operatorKey);
    const [acc] = await wallet.getAccounts();
    const client = await SigningStargateClient.connectWithSigner(rpcUrl, wallet, {
      registry: dgridRegistry(dgridMsgTypes),
      gasPrice: GasPrice.fromString("0.025udgrid"),
      broadcastPollIntervalMs: 200,
    });
    this.signer = {
      client,
      address: acc.address,
      valoper: addressToString(addressFromString(acc.address), Bech32PrefixValAddr),
    };
    return this.signer;
  }

  private async send(signer: { client: SigningStargateClient; address: string }, msg: EncodeObject): Promise<void> {
    const res = await signer.client.signAndBroadcast(signer.address, [msg], "auto");
    if (res.code !== 0) throw new Error(`${msg.typeUrl} failed with code ${res.code}: ${res.rawLog}`);
  }

  /** Stops the sync loop, the endpoint, the executor's processes and the store. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.syncing?.catch(() => {});
    this.signer?.client.disconnect();
    await this.http?.close();
    await this.executor?.close();
    await this.store.close();
  }
}

/** A registered model as the ConformanceChecker wants it (vectors, pinned options, policy comparator). */
export function conformanceModel(m: Model): ConformanceModel {
  const policy = policyFromProto(m.policy);
  const so = m.sessionOptions;
  const sessionOptions: PinnedSessionOptions = {
    graphOptimizationLevel: (so?.graphOptimizationLevel || "all") as PinnedSessionOptions["graphOptimizationLevel"],
    executionMode: (so?.executionMode || "sequential") as PinnedSessionOptions["executionMode"],
    intraOpNumThreads: so ? so.intraOpNumThreads : 1,
  };
  return {
    modelId: m.id,
    sessionOptions,
    vectors: m.goldenVectors.map((v) => ({
      inputs: tensorsFromNamed(v.inputs) as Record<string, Tensor>,
      outputs: tensorsFromNamed(v.outputs) as Record<string, Tensor>,
    })),
    ...underPolicy(policy),
  };
}

/** The registry keeps a conformance failure's reason to 256 bytes (modules/registry). */
const MAX_REPORT_REASON_BYTES = 256;

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  // cut on a character boundary, leaving room for the ellipsis
  let end = maxBytes - 3;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return `${new TextDecoder().decode(bytes.subarray(0, end))}...`;
}
