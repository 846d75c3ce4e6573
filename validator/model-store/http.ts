// HTTP endpoints of the model store, as a fastify plugin the node mounts into one of its servers
// (or serves on its own listener with startModelStoreServer):
//   PUT  /models        body = the ONNX file (any content type; streamed, size-limited) -> 201 {id, size, created}
//   GET  /models        -> {models: [{id, size}]}
//   GET  /models/:id    -> the file (verified against its sha256 before it is sent)
//   HEAD /models/:id    -> 200 with content-length, or 404
// Errors answer {codespace, code, message} with 400 / 404 / 409 / 413 / 500.
import type { Readable } from "node:stream";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
} from "fastify";
import type { Logger } from "pino";
import type { CodedError } from "../../chain/errors/errors.ts";
import {
  ErrInvalidModelId,
  ErrModelCorrupt,
  ErrModelHashMismatch,
  ErrModelNotFound,
  ErrModelTooLarge,
} from "../errors.ts";
import { sendCodedError } from "../http-error.ts";
import { checkModelId, type ModelStore } from "./model-store.ts";

function statusOf(e: CodedError): number {
  if (ErrModelNotFound.is(e)) return 404;
  if (ErrModelTooLarge.is(e)) return 413;
  if (ErrModelHashMismatch.is(e)) return 409;
  if (ErrModelCorrupt.is(e)) return 500;
  if (e.codespace === "modelstore") return 400;
  return 500;
}

function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  return sendCodedError(reply, e, statusOf, "model store request");
}

export function modelStoreRoutes(store: ModelStore): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // this plugin's own context: the body stays a stream whatever its content type
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", (_req, payload, done) => done(null, payload));

    app.put("/models", { bodyLimit: store.maxModelBytes }, async (req, reply) => {
      const declared = Number(req.headers["content-length"]);
      const body = req.body as Readable | undefined;
      if (Number.isFinite(declared) && declared > store.maxModelBytes) {
        body?.resume();
        reply.header("connection", "close");
        return sendError(reply, ErrModelTooLarge.wrap(`content-length ${declared} > ${store.maxModelBytes}`));
      }
      try {
        const source = body ? body.iterator({ destroyOnReturn: false }) : new Uint8Array(0);
        const res = await store.put(source);
        return reply.code(res.created ? 201 : 200).send({ id: res.id, size: res.size, created: res.created });
      } catch (e) {
        if (body && !body.readableEnded) {
          body.resume(); // discard the rest, then close the connection
          reply.header("connection", "close");
        }
        return sendError(reply, e);
      }
    });

    app.get("/models", async (_req, reply) => reply.send({ models: await store.list() }));

    app.get<{ Params: { id: string } }>("/models/:id", { exposeHeadRoute: false }, async (req, reply) => {
      try {
        const bytes = await store.read(checkModelId(req.params.id));
        return reply
          .header("content-type", "application/octet-stream")
          .header("etag", `"${req.params.id}"`)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (e) {
        return sendError(reply, e);
      }
    });

    app.head<{ Params: { id: string } }>("/models/:id", async (req, reply) => {
      let size: number | undefined;
      try {
        size = await store.size(checkModelId(req.params.id));
      } catch (e) {
        if (!ErrInvalidModelId.is(e)) throw e;
        return reply.code(400).send();
      }
      if (size === undefined) return reply.code(404).send();
      return reply
        .header("content-type", "application/octet-stream")
        .header("content-length", String(size))
        .header("etag", `"${req.params.id}"`)
        .code(200)
        .send();
    });
  };
}

/** Serves the model store on its own listener (host, port 0 = any free port). */
export async function startModelStoreServer(
  options: { host: string; port: number },
  deps: { store: ModelStore; logger: Logger },
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ module: "model-store-http" }) as FastifyBaseLogger,
  }) as unknown as FastifyInstance;
  await app.register(modelStoreRoutes(deps.store));
  await app.listen({ host: options.host, port: options.port });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : options.port;
  return { app, url: `http://${options.host}:${port}` };
}
