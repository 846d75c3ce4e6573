// A static server for the browser example: index.html and the bundle from build.ts, nothing else.
//   npm run example:browser -- --port 8080 [--host 127.0.0.1]
// The page must be served from an origin the node's CORS allows (the devnet and localnet allow
// http://127.0.0.1:* and http://localhost:*); add ?rpc=<node RPC URL> to the printed URL for a node
// other than http://127.0.0.1:26657.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { browserExampleDir, bundlePath } from "./build.ts";

/** URL path -> file and content type; anything else is a 404. */
const FILES: Record<string, [string, string]> = {
  "/": [join(browserExampleDir, "index.html"), "text/html; charset=utf-8"],
  "/index.html": [join(browserExampleDir, "index.html"), "text/html; charset=utf-8"],
  "/dist/main.js": [bundlePath, "text/javascript; charset=utf-8"],
  "/dist/main.js.map": [`${bundlePath}.map`, "application/json"],
};

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port */
  port?: number;
}

export interface ExampleServer {
  /** http://host:port/ */
  url: string;
  close(): Promise<void>;
}

export async function serveBrowserExample(opts: ServeOptions = {}): Promise<ExampleServer> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = FILES[path];
    if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(file ? 405 : 404, { "content-type": "text/plain" }).end(file ? "GET only\n" : "not found\n");
      return;
    }
    try {
      const body = await readFile(file[0]);
      res.writeHead(200, { "content-type": file[1], "cache-control": "no-store" }).end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`${path}: run npm run example:browser:build first\n`);
    }
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 8080, host, ok);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "8080" }, host: { type: "string", default: "127.0.0.1" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number (0-65535), got "${values.port}"`);
    process.exit(2);
  }
  const { url } = await serveBrowserExample({ host: values.host, port });
  console.log(`DGrid browser example: ${url}  (another node: ${url}?rpc=http://127.0.0.1:26667; Ctrl-C stops)`);
}
