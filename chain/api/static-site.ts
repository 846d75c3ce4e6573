// A static site (a front-end's build output) under a URL prefix of the REST server, e.g. the
// explorer at /ui: GET and HEAD only; paths resolved inside the site's folder (no "..", no NUL, no
// backslash, no symlink out of it); content types by extension; `nosniff` everywhere. index.html is
// never cached (it names the current bundles); files under assets/ carry a content hash in their
// name, so browsers may keep them. `<prefix>/config.json` is the node's answer (where its RPC is),
// so a build made once works on every node.
import { realpathSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface StaticSiteOptions {
  /** URL prefix without a trailing slash ("/ui") */
  prefix: string;
  /** folder of the built site (holds index.html) */
  dir: string;
  /** the JSON served at <prefix>/config.json, read on every request */
  config?: () => Record<string, unknown>;
}

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * The page may run its own scripts and styles only; it talks to any node (RPC on another port,
 * websockets, or another host when hosted apart). Style attributes are allowed for the charts.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self' http: https: ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The file under `root` that URL path `rest` (after the prefix) names, or undefined when it may not be served. */
export function resolveSitePath(root: string, rest: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === ".." || s.startsWith("."))) return undefined;
  return join(root, ...(segments.length === 0 ? ["index.html"] : segments));
}

/** Registers GET/HEAD `<prefix>`, `<prefix>/` and `<prefix>/*` on `app`. */
export function registerStaticSite(app: FastifyInstance, options: StaticSiteOptions): void {
  const { prefix, config } = options;
  const root = realpathSync(options.dir);
  const notFound = (reply: FastifyReply) => reply.code(404).type("text/plain; charset=utf-8").send("Not Found\n");

  app.route({
    method: ["GET", "HEAD"],
    url: prefix,
    handler: (_req, reply) => reply.redirect(`${prefix}/`, 301),
  });
  if (config)
    app.route({
      method: ["GET", "HEAD"],
      url: `${prefix}/config.json`,
      handler: (_req, reply) =>
        reply.header("cache-control", "no-cache").type(CONTENT_TYPES[".json"]!).send(JSON.stringify(config())),
    });
  app.route({
    method: ["GET", "HEAD"],
    url: `${prefix}/*`,
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = req.raw.url ?? "";
      const q = raw.indexOf("?");
      const path = resolveSitePath(root, (q < 0 ? raw : raw.slice(0, q)).slice(prefix.length + 1));
      if (!path) return notFound(reply);
      let real: string;
      try {
        // a symlink may not lead out of the site
        real = await realpath(path);
        if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) return notFound(reply);
      } catch {
        return notFound(reply);
      }
      const ext = extname(real).toLowerCase();
      reply
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", CSP)
        .header("referrer-policy", "no-referrer")
        .header(
          "cache-control",
          real.startsWith(join(root, "assets") + sep) ? "public, max-age=31536000, immutable" : "no-cache",
        )
        .type(CONTENT_TYPES[ext] ?? "application/octet-stream");
      return reply.send(await readFile(real));
    },
  });
}
