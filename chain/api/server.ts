// The REST (LCD) gateway: Cosmos SDK grpc-gateway routes over the service catalog. One catch-all route
// looks the request up in the route table (from the protos' google.api.http bindings), builds the
// protobuf request from the path, query and body, calls the dispatcher (node-served handler or ABCI
// query at x-cosmos-block-height) and writes the answer as the SDK's gateway JSON. Also serves the
// OpenAPI document (/swagger/openapi.json) and Swagger UI (/swagger), a static site (the explorer at
// /ui) when given, and CORS when enabled.
import { type DescMessage, fromBinary, toBinary } from "@bufbuild/protobuf";
import cors from "@fastify/cors";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { DRAIN_MAX_BYTES, DRAIN_MAX_MS, drainRequest } from "../rpc/drain.ts";
import { parseLaddr } from "../rpc/server.ts";
import type { ServiceCatalog } from "../services/catalog.ts";
import { type CallContext, type CallResult, GrpcCode, ServiceError } from "../services/dispatcher.ts";
import { GatewayJsonError, GatewayJsonWriter } from "../services/gateway-json.ts";
import { errorBody, httpStatusOf } from "./errors.ts";
import { buildOpenApi, OPENAPI_INFO } from "./openapi.ts";
import { BadRequestError, type QueryValues, readRequest } from "./request.ts";
import { type RouteMatch, RouteTable } from "./route-table.ts";
import { registerStaticSite, type StaticSiteOptions } from "./static-site.ts";

/** The request header of a historical query, and the response header the SDK's gateway answers with. */
export const BLOCK_HEIGHT_HEADER = "x-cosmos-block-height";
export const RESPONSE_HEIGHT_HEADER = "grpc-metadata-x-cosmos-block-height";

export interface ApiServerOptions {
  /** "tcp://host:port"; port 0 picks a free port (see `url`) */
  address: string;
  /** largest request body (app.toml api.rpc-max-body-bytes) */
  maxBodyBytes?: number;
  /** most simultaneous connections (api.max-open-connections; 0 = unlimited) */
  maxOpenConnections?: number;
  /** time allowed to receive a whole request (api.rpc-read-timeout) */
  readTimeoutMs?: number;
  /** any origin may call the API from a browser (api.enabled-unsafe-cors) */
  enabledUnsafeCors?: boolean;
  /** serve /swagger (Swagger UI) and /swagger/openapi.json (api.swagger; default true) */
  swagger?: boolean;
  /** a static front-end under a prefix (the explorer at /ui, api.explorer) */
  site?: StaticSiteOptions;
}

export interface ApiServerDeps {
  catalog: ServiceCatalog;
  dispatcher: { callWithHeight(path: string, request: Uint8Array, ctx: CallContext): Promise<CallResult> };
  logger: Logger;
}

export class ApiServer {
  private readonly app: FastifyInstance;
  private readonly log: Logger;
  private readonly table: RouteTable;
  private readonly json: GatewayJsonWriter;
  private readonly listen: { host: string; port: number };
  private boundUrl: string | undefined;

  constructor(
    private readonly options: ApiServerOptions,
    private readonly deps: ApiServerDeps,
  ) {
    this.log = deps.logger.child({ module: "api" });
    this.listen = parseLaddr(options.address);
    this.table = new RouteTable(deps.catalog);
    this.json = new GatewayJsonWriter({ registry: deps.catalog.registry });
    const bodyLimit = options.maxBodyBytes ?? 2_250_000;
    this.app = Fastify({
      logger: false,
      bodyLimit,
      requestTimeout: options.readTimeoutMs ?? 10_000,
      // a URL fastify cannot decode is the client's error, in the gateway's shape
      frameworkErrors: (err, _req, reply: FastifyReply) => {
        reply.code(400).type("application/json").send(errorBody(GrpcCode.INVALID_ARGUMENT, err.message));
      },
    });
    this.setup(bodyLimit);
  }

  /** http://host:port the server is bound to (after start()). */
  get url(): string {
    if (!this.boundUrl) throw new Error("api server not started");
    return this.boundUrl;
  }

  /** whether a static site (options.site) is served */
  get servesSite(): boolean {
    return this.options.site !== undefined;
  }

  get routes(): RouteTable {
    return this.table;
  }

  async start(): Promise<void> {
    await this.app.listen({ host: this.listen.host, port: this.listen.port });
    const max = this.options.maxOpenConnections ?? 1000;
    if (max > 0) this.app.server.maxConnections = max;
    const addr = this.app.server.address();
    const port = typeof addr === "object" && addr ? addr.port : this.listen.port;
    const host = this.listen.host.includes(":") ? `[${this.listen.host}]` : this.listen.host;
    this.boundUrl = `http://${host}:${port}`;
    this.log.info({ url: this.boundUrl, routes: this.table.routes.length }, "api server listening");
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  private setup(bodyLimit: number): void {
    const app = this.app;
    // JSON bodies are text here (parsed, and refused with a gateway error, by the route); other types 415
    app.removeAllContentTypeParsers();
    const asText = (_r: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) =>
      done(null, body);
    app.addContentTypeParser("application/json", { parseAs: "string", bodyLimit }, asText);
    app.addContentTypeParser(/^application\/[\w.+-]*\+json$/, { parseAs: "string", bodyLimit }, asText);
    app.addContentTypeParser("*", { parseAs: "string", bodyLimit }, (req, _body, done) => {
      const err = Object.assign(
        new Error(`unsupported content type ${req.headers["content-type"]}; use application/json`),
        {
          statusCode: 415,
        },
      );
      done(err, undefined);
    });

    if (this.options.enabledUnsafeCors)
      app.register(cors, {
        // the SDK's enabled-unsafe-cors: every origin (gorilla handlers.CORS with Content-Type allowed)
        origin: "*",
        methods: ["GET", "HEAD", "POST"],
        allowedHeaders: [
          "Accept",
          "Accept-Language",
          "Content-Language",
          "Content-Type",
          "Origin",
          BLOCK_HEIGHT_HEADER,
        ],
        exposedHeaders: [RESPONSE_HEIGHT_HEADER],
        strictPreflight: false,
      });

    app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 413 || !req.raw.complete) {
        await drainRequest(req.raw, DRAIN_MAX_BYTES, DRAIN_MAX_MS);
        reply.header("connection", "close");
      }
      const grpcCode =
        status === 413 ? GrpcCode.RESOURCE_EXHAUSTED : status < 500 ? GrpcCode.INVALID_ARGUMENT : GrpcCode.INTERNAL;
      const message =
        err.code === "FST_ERR_CTP_BODY_TOO_LARGE"
          ? `request body too large (limit ${bodyLimit} bytes, api.rpc-max-body-bytes)`
          : err.message;
      if (status >= 500) this.log.error({ err }, "api request failed");
      return reply.code(status).type("application/json").send(errorBody(grpcCode, message));
    });
    app.setNotFoundHandler(async (_req, reply) =>
      reply.code(404).type("application/json").send(errorBody(GrpcCode.NOT_FOUND, "Not Found")),
    );

    if (this.options.swagger ?? true) {
      const document = buildOpenApi(this.deps.catalog, OPENAPI_INFO);
      app.register(swagger, { mode: "static", specification: { document: document as any } });
      app.register(swaggerUi, { routePrefix: "/swagger" });
      app.get("/swagger/openapi.json", async (_req, reply) => reply.type("application/json").send(document));
    }

    if (this.options.site) registerStaticSite(app, this.options.site);

    app.route({
      method: ["GET", "POST", "PUT", "DELETE", "PATCH"],
      url: "/*",
      handler: (req, reply) => this.handle(req, reply),
    });
  }

  private async handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = req.raw.url ?? "/";
    const q = raw.indexOf("?");
    const rawPath = q < 0 ? raw : raw.slice(0, q);
    let found: ReturnType<RouteTable["match"]>;
    try {
      found = this.table.match(req.method, rawPath);
    } catch {
      return this.fail(reply, new BadRequestError(`malformed path ${rawPath}`));
    }
    if (!found.match) {
      if (found.methodMismatch)
        return reply.code(405).type("application/json").send(errorBody(GrpcCode.UNIMPLEMENTED, "Method Not Allowed"));
      return reply.code(404).type("application/json").send(errorBody(GrpcCode.NOT_FOUND, "Not Found"));
    }
    try {
      const ctx = { height: requestHeight(req.headers[BLOCK_HEIGHT_HEADER]) };
      const request = this.requestBytes(found.match, q < 0 ? "" : raw.slice(q + 1), req.body);
      const { route } = found.match;
      const started = performance.now();
      const res = await this.deps.dispatcher.callWithHeight(route.method.path, request, ctx);
      const output = route.method.desc.output;
      const json = this.json.write(output, fromBinary(output, res.value));
      this.log.debug({ path: route.method.path, ms: Math.round(performance.now() - started) }, "api call");
      if (res.height !== undefined) reply.header(RESPONSE_HEIGHT_HEADER, res.height.toString());
      return reply.type("application/json").send(JSON.stringify(json));
    } catch (e) {
      return this.fail(reply, e);
    }
  }

  private requestBytes(match: RouteMatch, rawQuery: string, body: unknown): Uint8Array {
    const { route, pathParams } = match;
    const schema: DescMessage = route.method.desc.input;
    let parsedBody: unknown;
    if (route.binding.body !== "" && typeof body === "string" && body.trim() !== "") {
      try {
        parsedBody = JSON.parse(body);
      } catch (e) {
        throw new BadRequestError(`invalid JSON body: ${(e as Error).message}`);
      }
    }
    const message = readRequest(
      schema,
      { body: parsedBody, bodyField: route.binding.body, query: queryValues(rawQuery), pathParams },
      this.deps.catalog.registry,
    );
    return toBinary(schema, message);
  }

  private fail(reply: FastifyReply, e: unknown): FastifyReply {
    if (e instanceof BadRequestError)
      return reply.code(400).type("application/json").send(errorBody(GrpcCode.INVALID_ARGUMENT, e.message));
    if (e instanceof ServiceError)
      return reply.code(httpStatusOf(e.code)).type("application/json").send(errorBody(e.code, e.message));
    // an answer the gateway cannot write (an Any of a type the descriptors lack) is the server's fault
    if (e instanceof GatewayJsonError)
      return reply.code(500).type("application/json").send(errorBody(GrpcCode.INTERNAL, e.message));
    this.log.error({ err: e }, "api call failed");
    const message = e instanceof Error ? e.message : String(e);
    return reply.code(500).type("application/json").send(errorBody(GrpcCode.UNKNOWN, message));
  }
}

/** Query parameters with repeated keys kept (form decoding: '+' is a space, as Go's url.ParseQuery). */
function queryValues(rawQuery: string): QueryValues {
  const out: QueryValues = {};
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(rawQuery);
  } catch {
    throw new BadRequestError("malformed query string");
  }
  for (const key of new Set(params.keys())) out[key] = params.getAll(key);
  return out;
}

/** The x-cosmos-block-height header (absent: latest); anything but a non-negative integer is a 400. */
function requestHeight(header: string | string[] | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const v = Array.isArray(header) ? header[0]! : header;
  if (!/^[+-]?\d+$/.test(v.trim()))
    throw new BadRequestError(`invalid height header "${BLOCK_HEIGHT_HEADER}: ${v}": not an integer`);
  const h = BigInt(v.trim());
  if (h < 0n) throw new BadRequestError(`invalid height header "${BLOCK_HEIGHT_HEADER}: ${v}": height < 0`);
  if (h > 2n ** 63n - 1n)
    throw new BadRequestError(`invalid height header "${BLOCK_HEIGHT_HEADER}: ${v}": out of range`);
  return h;
}
