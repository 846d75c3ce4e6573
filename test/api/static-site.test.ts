// The REST server's static site (chain/api/static-site.ts, the explorer at /ui): files with their
// content types and cache headers, the redirect from the bare prefix, config.json, and nothing outside
// the site's folder (.., encoded .., NUL, backslashes, dot files, symlinks out of it).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { registerStaticSite, resolveSitePath } from "../../chain/api/static-site.ts";

describe("static site under /ui", () => {
  let dir: string;
  let app: FastifyInstance;
  let calls = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "dgrid-site-"));
    const site = join(dir, "site");
    mkdirSync(join(site, "assets"), { recursive: true });
    writeFileSync(join(site, "index.html"), "<!doctype html><title>x</title>");
    writeFileSync(join(site, "assets", "main-abc.js"), "export {};");
    writeFileSync(join(site, "assets", "style.css"), "body{}");
    writeFileSync(join(site, "assets", "blob.bin"), "x");
    writeFileSync(join(site, ".env"), "SECRET=1");
    writeFileSync(join(dir, "secret.txt"), "outside");
    symlinkSync(join(dir, "secret.txt"), join(site, "link.txt"));
    app = Fastify();
    registerStaticSite(app, { prefix: "/ui", dir: site, config: () => ({ rpc: "http://x", n: ++calls }) });
    app.get("/*", async () => ({ fallback: true }));
    await app.ready();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves index.html at /ui/ and redirects /ui there", async () => {
    const bare = await app.inject("/ui");
    assert.equal(bare.statusCode, 301);
    assert.equal(bare.headers.location, "/ui/");
    for (const url of ["/ui/", "/ui/index.html", "/ui/?x=1"]) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
      assert.equal(res.headers["cache-control"], "no-cache");
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      assert.match(String(res.headers["content-security-policy"]), /script-src 'self'/);
      assert.equal(res.body, "<!doctype html><title>x</title>");
    }
  });

  it("gives assets their content type and a long cache; unknown extensions are octet-stream", async () => {
    const js = await app.inject("/ui/assets/main-abc.js");
    assert.equal(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(js.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal((await app.inject("/ui/assets/style.css")).headers["content-type"], "text/css; charset=utf-8");
    assert.equal((await app.inject("/ui/assets/blob.bin")).headers["content-type"], "application/octet-stream");
    const head = await app.inject({ method: "HEAD", url: "/ui/assets/main-abc.js" });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers["content-type"], "text/javascript; charset=utf-8");
  });

  it("answers config.json from the node, fresh on every request", async () => {
    const a = await app.inject("/ui/config.json");
    const b = await app.inject("/ui/config.json");
    assert.equal(a.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(JSON.parse(a.body).rpc, "http://x");
    assert.equal(JSON.parse(b.body).n, JSON.parse(a.body).n + 1);
  });

  it("serves nothing outside the folder, no dot files, no missing files", async () => {
    for (const url of [
      "/ui/../secret.txt",
      "/ui/%2e%2e/secret.txt",
      "/ui/assets/%2E%2E/%2E%2E/secret.txt",
      "/ui/..%2fsecret.txt",
      "/ui/..%5csecret.txt",
      "/ui/index.html%00.js",
      "/ui/.env",
      "/ui/link.txt",
      "/ui/assets",
      "/ui/missing.js",
      "/ui/%E0%A4%A",
    ]) {
      const res = await app.inject(url);
      // a client normalizes a literal "/ui/../x" to "/x": the routes beside the site answer it
      const refused = res.statusCode === 404 || res.statusCode === 400 || res.body === '{"fallback":true}';
      assert.ok(refused, `${url}: ${res.statusCode} ${res.body}`);
      assert.ok(!res.body.includes("outside") && !res.body.includes("SECRET"), url);
    }
  });

  it("resolves paths inside the root only", () => {
    assert.equal(resolveSitePath("/r", ""), "/r/index.html");
    assert.equal(resolveSitePath("/r", "a//b.js"), "/r/a/b.js");
    assert.equal(resolveSitePath("/r", "a/%2e%2e/b"), undefined);
    assert.equal(resolveSitePath("/r", "%zz"), undefined);
  });

  it("leaves other paths (and other methods) to the routes beside it", async () => {
    assert.deepEqual(JSON.parse((await app.inject("/cosmos/x")).body), { fallback: true });
    assert.equal((await app.inject({ method: "POST", url: "/ui/index.html" })).statusCode, 404);
  });
});
