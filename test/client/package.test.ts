// @dgrid/client as another project gets it: `npm pack` (prepack builds client/dist), the built files
// import nothing but the package's own files and its declared dependencies (no `node:`), the
// tarball installs into a fresh project from the local npm cache, an example there type-checks with
// the root's tsc and runs with node against a devnet node (lists the models, reads a balance), so
// does examples/request.ts copied there as a user copies it (an inference request followed to its
// finalized output, which must be the chain's), and esbuild bundles the installed package for a
// browser without polyfills.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import { devnetAddress } from "../../app/devnet.ts";
import { DGridClient, resultTensors, tensorToArray } from "../../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import { type DevnetNode, startDevnetNode } from "../support/devnet-node.ts";
import { repoRoot } from "../support/node-process.ts";

const clientDir = join(repoRoot, "client");
const tsc = join(repoRoot, "node_modules", ".bin", "tsc");
const manifest = JSON.parse(readFileSync(join(clientDir, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

/** Module specifiers of static imports/exports, side-effect imports and dynamic imports. */
function specifiers(source: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;
  return [...source.matchAll(re)].map((m) => m[1]);
}

/** The package a bare specifier names ("@scope/name/sub" -> "@scope/name"). */
const packageOf = (spec: string) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");

const run = (cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) =>
  execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });

/** Type-checks and compiles `file` of the project at `app` with the root's tsc into out/, as a user's strict project would. */
function compile(app: string, file: string, types: string[] = []): void {
  const config = `tsconfig.${file.replace(/\.ts$/, "")}.json`;
  writeFileSync(
    join(app, config),
    JSON.stringify({
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        lib: ["ES2022", "DOM"],
        // the project has no @types/node of its own; the repo's stands in for it
        typeRoots: [join(repoRoot, "node_modules", "@types")],
        types,
        strict: true,
        skipLibCheck: true,
        outDir: "out",
      },
      files: [file],
    }),
  );
  run(tsc, ["-p", config], app);
}

describe("@dgrid/client as an installed package", () => {
  const work = resolve(tmpdir(), `dgrid-client-pkg-${process.pid}`);
  const app = join(work, "app");
  let tarball = "";
  let node: DevnetNode | undefined;

  before(async () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    // build explicitly: under `npm test` the root's ignore-scripts=true reaches child npm processes as
    // npm_config_ignore_scripts, which would skip the package's prepack build
    run("npm", ["run", "build", "--silent"], clientDir);
    const packed = run("npm", ["pack", "--pack-destination", work, "--silent"], clientDir).trim().split("\n").pop();
    tarball = join(work, packed ?? "");
    node = await startDevnetNode();
    run("npm", ["init", "-y"], app);
    run("npm", ["pkg", "set", "type=module"], app);
    const install = ["install", "--no-audit", "--no-fund", tarball];
    try {
      run("npm", [...install, "--offline"], app);
    } catch {
      // the cache holds the tarballs but maybe not the registry metadata the ranges resolve against
      run("npm", [...install, "--prefer-offline"], app);
    }
  });
  after(async () => {
    await node?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("the built files import only the package's files and its dependencies, never node:", () => {
    const dist = join(clientDir, "dist");
    const files = filesUnder(dist).filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"));
    assert.ok(files.some((f) => f.endsWith(join("client", "index.js"))));
    const bad: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(readFileSync(file, "utf8"))) {
        const where = `${relative(dist, file)}: ${spec}`;
        if (spec.startsWith(".")) {
          const target = resolve(dirname(file), spec);
          const inside = !relative(dist, target).startsWith("..");
          const js = spec.endsWith(".js") || (file.endsWith(".d.ts") && spec.endsWith(".ts"));
          if (!inside || !js) bad.push(`${where} (outside dist or not a .js file)`);
        } else if (!(packageOf(spec) in manifest.dependencies)) {
          bad.push(`${where} (not a dependency)`);
        }
      }
    }
    assert.deepEqual(bad, []);
    assert.ok(
      Object.keys(manifest.dependencies).every(
        (d) =>
          d.startsWith("@cosmjs/") || ["cosmjs-types", "@bufbuild/protobuf", "@x402/core", "@x402/fetch"].includes(d),
      ),
    );
  });

  it("installs into a fresh project, whose example type-checks and runs against a node", async () => {
    const user = await devnetAddress("user");
    writeFileSync(
      join(app, "example.ts"),
      [
        'import { DGRID_DENOM, DGridClient, type Model, tensorFromArray, tensorToArray } from "@dgrid/client";',
        `const client = await DGridClient.connect(${JSON.stringify(node!.rpcUrl)});`,
        "const { models } = await client.query.registry.models();",
        `const balance = await client.getBalance(${JSON.stringify(user)}, DGRID_DENOM);`,
        "const t = tensorFromArray(new Float32Array([1, 2, 3, 4]), [2, 2]);",
        "// @ts-expect-error a page's models are Model[] (this line fails to compile if the types were any)",
        "const wrong: number = models;",
        "const ids: string[] = models.map((m: Model) => m.id);",
        "const chainId = await client.getChainId();",
        "console.log(JSON.stringify({ chainId, ids, balance, values: [...(tensorToArray(t) as Float32Array)], wrong: typeof wrong }));",
        "client.disconnect();",
        "",
      ].join("\n"),
    );
    compile(app, "example.ts");
    const out = JSON.parse(
      run(process.execPath, [join(app, "out", "example.js")], app)
        .trim()
        .split("\n")
        .pop()!,
    );
    assert.equal(out.chainId.length > 0, true);
    assert.ok(out.ids.includes(sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)))), JSON.stringify(out.ids));
    assert.equal(out.balance.denom, "udgrid");
    assert.ok(BigInt(out.balance.amount) > 0n);
    assert.deepEqual(out.values, [1, 2, 3, 4]);
  });

  it("examples/request.ts, copied into the project, type-checks and follows a request to its finalized output", async () => {
    copyFileSync(join(repoRoot, "examples", "request.ts"), join(app, "request.ts"));
    compile(app, "request.ts", ["node"]);
    // the defaults: the devnet's public mnemonic; only the RPC URL differs
    const env: NodeJS.ProcessEnv = { ...process.env, DGRID_RPC: node!.rpcUrl };
    delete env.DGRID_MNEMONIC;
    const out = run(process.execPath, [join(app, "out", "request.js")], app, env);
    const requestId = out.match(/^request (\d+) \(tx [0-9A-F]+ at height \d+\)$/m)?.[1];
    assert.ok(requestId, out);
    assert.match(out, /^ {2}finalized at height \d+$/m, out);
    const printed = [...out.matchAll(/^output (\S+) (\w+\[[\d, ]*\]): (.*)$/gm)].map((m) => [m[1], m[2], m[3]]);
    const reader = await DGridClient.connect(node!.rpcUrl);
    try {
      const result = await reader.getResult(BigInt(requestId));
      assert.ok(result, `request ${requestId} has a result`);
      const stored = Object.entries(resultTensors(result)).map(([name, t]) => [
        name,
        `${t.dtype}[${t.shape.join(",")}]`,
        Array.from(tensorToArray(t), String).join(", "),
      ]);
      assert.ok(stored.length > 0);
      assert.deepEqual(
        printed.map(([n, shape, v]) => [n, shape.replaceAll(" ", ""), v]),
        stored,
        out,
      );
    } finally {
      reader.disconnect();
    }
  });

  it("esbuild bundles the installed package for a browser, without polyfills", async (t) => {
    const outfile = join(work, "bundle", "dgrid-client.js");
    const res = await build({
      stdin: { contents: 'export * from "@dgrid/client";', resolveDir: app, loader: "js" },
      bundle: true,
      platform: "browser",
      format: "esm",
      outfile,
      metafile: true,
      logLevel: "silent",
    });
    assert.deepEqual(res.errors, []);
    const inputs = Object.keys(res.metafile.inputs);
    assert.ok(inputs.some((i) => i.includes("@dgrid/client/dist/client/index.js")));
    assert.deepEqual(
      inputs.filter((i) => /^node:|(^|\/)node_modules\/(buffer|crypto-browserify|stream-browserify|process)\//.test(i)),
      [],
    );
    const size = statSync(outfile).size;
    t.diagnostic(`browser bundle ${outfile}: ${size} bytes (${(size / 1024).toFixed(0)} KiB), ${inputs.length} inputs`);
    assert.ok(size > 0);
  });
});
