// bin/cli-bundle.js: `dgrid` runs app/cli/main.ts from an esbuild bundle that is rebuilt whenever a
// file it was built from changes, and whose sources still see their own paths in import.meta.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import pino from "pino";
// @ts-expect-error: a plain .js module without types
import { loadBundle } from "../../bin/cli-bundle.js";
import { identityModel } from "../../validator/executor/probe-model.ts";
import { OnnxSandbox } from "../../validator/onnx/sandbox.ts";
import { PINNED } from "../support/models.ts";
import { testTempDir } from "../support/temp-dir.ts";

interface Loaded {
  main(): string;
  built: boolean;
  file: string;
}

describe("dgrid's CLI bundle", () => {
  const root = testTempDir("dgrid-bundle-");
  mkdirSync(join(root, "app", "cli"), { recursive: true });
  const dep = join(root, "app", "dep.ts");
  writeFileSync(
    join(root, "app", "cli", "main.ts"),
    'import { where } from "../dep.ts";\nexport const main = () => where();\n',
  );
  writeFileSync(dep, 'export const where = (): string => ["one", import.meta.dirname, import.meta.url].join(" ");\n');

  it("is built once, keeps the sources' own paths, and is rebuilt when a source changes", async () => {
    const first = (await loadBundle(root)) as Loaded;
    assert.equal(first.built, true);
    assert.equal(first.main(), `one ${join(root, "app")} file://${dep}`);

    const again = (await loadBundle(root)) as Loaded;
    assert.equal(again.built, false, "nothing changed: the bundle is reused");
    assert.equal(again.file, first.file);

    // same size, newer mtime: rebuilt
    writeFileSync(dep, readFileSync(dep, "utf8").replace("one", "two"));
    utimesSync(dep, new Date(), new Date(Date.now() + 5_000));
    const changed = (await loadBundle(root)) as Loaded;
    assert.equal(changed.built, true);
    assert.notEqual(changed.file, first.file);
    assert.match(changed.main(), /^two /);
    assert.equal(((await loadBundle(root)) as Loaded).built, false);
  });

  it("DGRID_NO_BUNDLE=1 refuses, so bin/dgrid.js loads the sources through tsx", async () => {
    process.env.DGRID_NO_BUNDLE = "1";
    try {
      await assert.rejects(loadBundle(root), /DGRID_NO_BUNDLE/);
    } finally {
      delete process.env.DGRID_NO_BUNDLE;
    }
  });

  it("the real checkout's bundle has the sandbox child; a sandbox forked from it opens a model", async () => {
    const real = (await loadBundle()) as Loaded & { sandboxChild?: string };
    assert.ok(real.sandboxChild?.endsWith("sandbox-child.mjs"), String(real.sandboxChild));
    const before = process.env.DGRID_SANDBOX_CHILD;
    process.env.DGRID_SANDBOX_CHILD = real.sandboxChild;
    const sandbox = new OnnxSandbox({ name: "bundled" }, { logger: pino({ level: "silent" }) });
    const alive = setInterval(() => {}, 1000); // an idle sandbox does not hold the event loop
    try {
      await sandbox.ready;
      const cmdline = readFileSync(`/proc/${sandbox.pid}/cmdline`, "utf8").split("\0");
      assert.ok(cmdline.includes(real.sandboxChild!), cmdline.join(" "));
      assert.ok(!cmdline.some((a) => a.includes("tsx")), cmdline.join(" "));
      const model = join(root, "identity.onnx");
      writeFileSync(model, identityModel());
      const reply = await sandbox.call({ op: "probe", path: model, options: PINNED, provider: "cpu" }, 60_000);
      assert.deepEqual(
        reply.meta?.inputs.map((i) => i.name),
        ["x"],
      );
    } finally {
      clearInterval(alive);
      await sandbox.close();
      if (before === undefined) delete process.env.DGRID_SANDBOX_CHILD;
      else process.env.DGRID_SANDBOX_CHILD = before;
    }
  });
});
