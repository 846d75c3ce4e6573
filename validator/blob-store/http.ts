// HTTP endpoints of the blob store, a fastify plugin the node mounts on its model endpoint:
//   PUT  /blobs/:sha256  body = the raw bytes (any content type) -> 201/200 {sha256, size, created}
//                        409 when the bytes do not hash to :sha256, 413 over the node's blobs.max-bytes
//   GET  /blobs/:sha256  -> the bytes (checked against the hash before they are sent), 404 when absent
//   HEAD /blobs/:sha256  -> 200 with content-length, or 404
// Anyone may upload (a requester's client, before it broadcasts a request naming the blob): the
// hash check makes an upload harmless, and the size and total bounds keep it cheap.
// Errors answer {codespace, code, message}.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from "fastify";
import { CodedError } from "../../chain/errors/errors.ts";
import { ErrBlobHashMismatch, ErrBlobNotFound, ErrBlobTooLarge, ErrInvalidBlobHash } from "../errors.ts";
import { sendCodedError } from "../http-error.ts";
import { type BlobStore, checkBlobHash } from "./blob-store.ts";

function statusOf(e: CodedError): number {
  if (ErrBlobNotFound.is(e)) return 404;
  if (ErrBlobTooLarge.is(e)) return 413;
  if (ErrBlobHashMismatch.is(e)) return 409;
  if (ErrInvalidBlobHash.is(e)) return 400;
  return 500;
}

function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  return sendCodedError(reply, e, statusOf, "blob request");
}

export function blobStoreRoutes(store: BlobStore): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: store.maxBlobBytes }, (_req, body, done) =>
      done(null, body),
    );
    // a body over the limit is refused by the parser: answer it with the registered error
    app.setErrorHandler((err: { code?: string; statusCode?: number }, _req, reply) => {
      if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE" || err.statusCode === 413) {
        reply.header("connection", "close");
        return sendError(reply, ErrBlobTooLarge.wrap(`body over ${store.maxBlobBytes} bytes (blobs.max-bytes)`));
      }
      return sendError(reply, err);
    });

    app.put<{ Params: { hash: string } }>("/blobs/:hash", async (req, reply) => {
      try {
        const hash = checkBlobHash(req.params.hash);
        const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
        const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
        const res = await store.put(hash, bytes);
        return reply.code(res.created ? 201 : 200).send({ sha256: hash, size: bytes.length, created: res.created });
      } catch (e) {
        return sendError(reply, e);
      }
    });

    app.get<{ Params: { hash: string } }>("/blobs/:hash", { exposeHeadRoute: false }, async (req, reply) => {
      try {
        const bytes = await store.read(checkBlobHash(req.params.hash));
        return reply
          .header("content-type", "application/octet-stream")
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (e) {
        return sendError(reply, e);
      }
    });

    app.head<{ Params: { hash: string } }>("/blobs/:hash", (req, reply) =>
      sendStoredSize(store, req.params.hash, reply, statusOf),
    );
  };
}

/** HEAD of a stored blob: 200 with its content-length, 404 when absent, the error's status on a bad name. */
export async function sendStoredSize(
  store: BlobStore,
  hash: string,
  reply: FastifyReply,
  statusOf: (e: CodedError) => number,
): Promise<FastifyReply> {
  let size: number | undefined;
  try {
    size = await store.size(checkBlobHash(hash));
  } catch (e) {
    return reply.code(e instanceof CodedError ? statusOf(e) : 500).send();
  }
  if (size === undefined) return reply.code(404).send();
  return reply.header("content-length", String(size)).code(200).send();
}
