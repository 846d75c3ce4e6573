// The gRPC door: every method of the service catalog served over real gRPC (@grpc/grpc-js), unary,
// with raw protobuf bytes in and out. A call is checked (its request must decode as the method's input
// type, its x-cosmos-block-height must be an int64 >= 0), then handed as the original bytes to the
// ServiceDispatcher, the same path the REST gateway and JSON-RPC abci_query take. Server reflection
// (grpc.reflection.v1 and v1alpha) lets a client without .proto files list and call the services.
import { fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { parseLaddr } from "../node/config.ts";
import type { CatalogMethod, ServiceCatalog } from "../services/catalog.ts";
import { GrpcCode, type ServiceDispatcher, ServiceError } from "../services/dispatcher.ts";
import { BLOCK_HEIGHT_HEADER, requestedHeight } from "./height.ts";
import { addReflection } from "./reflection.ts";

export interface GrpcServerOptions {
  /** "127.0.0.1:9090" or "tcp://127.0.0.1:9090"; port 0 picks a free port (see `address`) */
  laddr: string;
  /** largest request accepted, in bytes (app.toml grpc.max-recv-msg-size; 0 or absent: the SDK default 10 MiB) */
  maxRecvMsgSize?: number;
  /** largest response sent, in bytes (app.toml grpc.max-send-msg-size; 0 or absent: the SDK default 2^31-1) */
  maxSendMsgSize?: number;
}

export interface GrpcServerDependencies {
  catalog: ServiceCatalog;
  dispatcher: Pick<ServiceDispatcher, "callWithHeight">;
  logger: Logger;
}

export const DEFAULT_MAX_RECV_MSG_SIZE = 10 * 1024 * 1024;
export const DEFAULT_MAX_SEND_MSG_SIZE = 2 ** 31 - 1;

/** Messages travel as the bytes they are: decoding is the dispatcher's (and the app's) business. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const identity = (bytes: Buffer): Buffer => bytes;

export class GrpcServer {
  private readonly server: grpc.Server;
  private readonly log: Logger;
  private bound = "";

  constructor(
    private readonly options: GrpcServerOptions,
    private readonly deps: GrpcServerDependencies,
  ) {
    this.log = deps.logger.child({ module: "grpc" });
    this.server = new grpc.Server({
      "grpc.max_receive_message_length": options.maxRecvMsgSize || DEFAULT_MAX_RECV_MSG_SIZE,
      "grpc.max_send_message_length": options.maxSendMsgSize || DEFAULT_MAX_SEND_MSG_SIZE,
    });
    const byService = new Map<string, CatalogMethod[]>();
    for (const m of deps.catalog.methods) {
      const list = byService.get(m.service.typeName) ?? [];
      list.push(m);
      byService.set(m.service.typeName, list);
    }
    for (const methods of byService.values()) this.server.addService(this.definition(methods), this.handlers(methods));
    addReflection(this.server, deps.catalog);
  }

  /** "host:port" actually bound (the port chosen when laddr asked for 0); "" before start. */
  get address(): string {
    return this.bound;
  }

  async start(): Promise<void> {
    const { host, port } = parseLaddr(this.options.laddr);
    const target = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(new Error(`grpc server cannot listen on ${target}: ${err.message}`)) : resolve(p),
      ),
    );
    this.bound = host.includes(":") ? `[${host}]:${boundPort}` : `${host}:${boundPort}`;
    this.log.info({ address: this.bound, services: this.serviceCount() }, "grpc server listening");
  }

  /** Stops accepting calls and lets running ones finish for up to `timeoutMs`, then cuts them off. */
  async close(timeoutMs = 5_000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn({ timeoutMs }, "grpc calls still running at shutdown: forcing");
        this.server.forceShutdown();
        resolve();
      }, timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private serviceCount(): number {
    return new Set(this.deps.catalog.methods.map((m) => m.service.typeName)).size;
  }

  private definition(methods: CatalogMethod[]): grpc.ServiceDefinition {
    const def: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
    for (const m of methods)
      def[m.desc.name] = {
        path: m.path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      };
    return def;
  }

  private handlers(methods: CatalogMethod[]): grpc.UntypedServiceImplementation {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const m of methods)
      impl[m.desc.name] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        this.handle(m, call).then(
          (value) => callback(null, value),
          (err) => callback(this.status(m, err)),
        );
      };
    return impl;
  }

  private async handle(m: CatalogMethod, call: grpc.ServerUnaryCall<Buffer, Buffer>): Promise<Buffer> {
    const height = requestedHeight(call.metadata.get(BLOCK_HEIGHT_HEADER));
    try {
      // refuse what the method's input type cannot decode; the original bytes are what travels on
      fromBinary(m.desc.input, call.request);
    } catch (e) {
      throw new ServiceError(
        GrpcCode.INVALID_ARGUMENT,
        `cannot decode the request as ${m.desc.input.typeName}: ${(e as Error).message}`,
      );
    }
    const result = await this.deps.dispatcher.callWithHeight(m.path, call.request, { height });
    const answeredAt = result.height !== undefined && result.height > 0n ? result.height : height;
    if (answeredAt !== undefined) {
      const md = new grpc.Metadata();
      md.set(BLOCK_HEIGHT_HEADER, answeredAt.toString());
      call.sendMetadata(md);
    }
    return asBuffer(result.value);
  }

  private status(m: CatalogMethod, err: unknown): Partial<grpc.StatusObject> {
    if (err instanceof ServiceError) {
      this.log.debug({ method: m.path, code: err.code, err: err.message }, "grpc call refused");
      return { code: err.code, details: err.message };
    }
    this.log.error({ method: m.path, err }, "grpc call failed");
    return { code: grpc.status.UNKNOWN, details: (err as Error)?.message ?? String(err) };
  }
}
