// HTTP endpoints of the output store (outputs revealed by hash: modules/inference/README.md#large-outputs),
// a fastify plugin the node mounts on its model endpoint:
//   GET  /outputs/:sha256 -> the canonical output bytes (checked against the hash before they are
//                            sent); a node that does not hold them asks its peers (models.peers) once,
//                            keeps what hashes right, and serves it; 404 when nobody has them
//   HEAD /outputs/:sha256 -> 200 with content-length when held here, or 404
// Read-only: only this node's executor writes the store (validator/duties.ts). A request a peer
// forwards carries `x-dgrid-forwarded: 1` and is answered from the local store only, so that
// forwarding never loops. Errors answer {codespace, code, message}.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from "fastify";
import type { Logger } from "pino";
import type { CodedError } from "../../chain/errors/errors.ts";
import { ErrBlobNotFound, ErrInvalidBlobHash } from "../errors.ts";
import { sendCodedError } from "../http-error.ts";
import { type BlobStore, checkBlobHash, sha256Hex } from "./blob-store.ts";
import { sendStoredSize } from "./http.ts";

export const FORWARDED_HEADER = "x-dgrid-forwarded";

export interface OutputRoutesOptions {
  /** base URLs of peers' model endpoints (config models.peers) */
  peers: string[];
  /** how long one peer may take to answer */
  peerTimeoutMs?: number;
}

function statusOf(e: CodedError): number {
  if (ErrBlobNotFound.is(e)) return 404;
  if (ErrInvalidBlobHash.is(e)) return 400;
  return 500;
}

function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  return sendCodedError(reply, e, statusOf, "output request");
}

export function outputStoreRoutes(
  store: BlobStore,
  options: OutputRoutesOptions,
  deps: { logger: Logger; fetch?: typeof fetch },
): FastifyPluginAsync {
  const logger = deps.logger.child({ module: "output-routes" });
  const doFetch = deps.fetch ?? fetch;

  /** One round over the peers; the first bytes that hash to `hash` are kept and returned. */
  async function fromPeers(hash: string): Promise<Uint8Array | undefined> {
    for (const peer of options.peers) {
      try {
        const res = await doFetch(`${peer.replace(/\/+$/, "")}/outputs/${hash}`, {
          headers: { [FORWARDED_HEADER]: "1" },
          signal: AbortSignal.timeout(options.peerTimeoutMs ?? 10_000),
        });
        if (!res.ok) {
          await res.body?.cancel();
          continue;
        }
        const declared = Number(res.headers.get("content-length"));
        if (Number.isFinite(declared) && declared > store.maxBlobBytes) {
          await res.body?.cancel();
          continue;
        }
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (sha256Hex(bytes) !== hash) {
          logger.warn({ output: hash, peer }, "peer served other bytes for an output");
          continue;
        }
        await store.put(hash, bytes);
        logger.info({ output: hash, peer, size: bytes.length }, "output fetched from a peer");
        return bytes;
      } catch (e) {
        logger.debug({ output: hash, peer, err: (e as Error).message }, "peer could not serve an output");
      }
    }
    return undefined;
  }

  return async (app: FastifyInstance) => {
    app.get<{ Params: { hash: string } }>("/outputs/:hash", { exposeHeadRoute: false }, async (req, reply) => {
      try {
        const hash = checkBlobHash(req.params.hash);
        let bytes: Uint8Array | undefined;
        try {
          bytes = await store.read(hash);
        } catch (e) {
          if (!ErrBlobNotFound.is(e) || req.headers[FORWARDED_HEADER] !== undefined) throw e;
          bytes = await fromPeers(hash);
          if (!bytes) throw ErrBlobNotFound.wrap(`output ${hash}: not here and no peer has it`);
        }
        return (
          reply
            .header("content-type", "application/octet-stream")
            // content-addressed public bytes: a browser client (the explorer) may fetch them from any page
            .header("access-control-allow-origin", "*")
            .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
        );
      } catch (e) {
        return sendError(reply, e);
      }
    });

    app.head<{ Params: { hash: string } }>("/outputs/:hash", (req, reply) =>
      sendStoredSize(store, req.params.hash, reply, statusOf),
    );
  };
}
