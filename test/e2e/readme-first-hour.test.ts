// The first hour of a new user, as a script: the root README's "Using it" shell blocks are read from
// README.md and run as they are with the real bin/dgrid.js (`npx dgrid` is bin/dgrid.js), changing only
// what the README tells the user to change: the home (~/.dgrid-demo -> a temp dir) and the ports
// (the `start` flags and DGRID_NODE the README documents). Then a third-party ONNX model (Silero VAD)
// goes the documented path with the documented flags only (models/README.md), is requested, and the
// README's param change, voted by the validator's key, passes when its voting period ends.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fixturePath, VAD_MODEL_PATH } from "../support/models.ts";
import { dgrid, dgridBin, freePort, repoRoot } from "../support/node-process.ts";
import { type BashRun, readmeSection, runBash, shellCommands } from "../support/readme.ts";
import { testTempDir } from "../support/temp-dir.ts";

const DEMO_HOME = "~/.dgrid-demo";

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("the README's first hour, literally", { timeout: 300_000 }, () => {
  let node: BashRun | undefined;
  after(async () => {
    await node?.stop();
  });

  it("init, start, send, serve and run models, and a param change voted through by the validator", async () => {
    const began = Date.now();
    const { text, blocks } = readmeSection("Using it");
    assert.equal(blocks.length, 3, "setup, the node, the second terminal");
    // what the README tells a user to change, and how
    assert.match(text, /`~\/\.dgrid-demo` below: any folder\s+will do, replace it everywhere/);
    for (const flag of ["--p2p.laddr", "--rpc.laddr", "--models.laddr", "--metrics.laddr", "DGRID_NODE"])
      assert.ok(text.includes(flag), `the README documents ${flag}`);
    const home = testTempDir("dgrid-readme-");
    const sub = (s: string) => s.replaceAll(DEMO_HOME, home);
    const [rpc, p2p, models, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const rpcUrl = `http://127.0.0.1:${rpc}`;
    const env = { ...process.env, DGRID_BIN: dgridBin, DGRID_NODE: rpcUrl, DGRID_HOME: "" };

    // 1. init, keys, genesis account
    const setup = runBash(sub(blocks[0]), env);
    assert.equal(await setup.done, 0, setup.output());
    assert.match(setup.output(), /validator key: +"validator" \(created, test keyring\)/);
    assert.match(setup.output(), /added genesis account dgrid1\w+ with 1000000000udgrid/);

    // 2. the node, in the background, on free ports (the flags the README gives for that)
    const [startLine] = shellCommands(blocks[1]);
    assert.match(startLine, /^npx dgrid start --home /);
    const ports = ` --p2p.laddr tcp://127.0.0.1:${p2p} --rpc.laddr tcp://127.0.0.1:${rpc} --models.laddr tcp://127.0.0.1:${models} --metrics.laddr tcp://127.0.0.1:${metrics}`;
    node = runBash(sub(startLine) + ports, env, { detached: true });
    const running = node;
    await until(
      "the start banner",
      async () => {
        if (running.child.exitCode !== null) throw new Error(`the node exited:\n${running.output().slice(-3000)}`);
        return /is running/.test(running.output()) ? true : undefined;
      },
      90_000,
    );
    // the banner comes once the RPC answers, and names every endpoint
    assert.equal((await fetch(`${rpcUrl}/status`)).status, 200);
    for (const url of [rpcUrl, `http://127.0.0.1:${models}`, `http://127.0.0.1:${metrics}/metrics`])
      assert.ok(running.output().includes(url), `the banner lists ${url}`);

    // 3. the second terminal: send, register and run the demo model, the proposal and the vote
    const second = runBash(sub(blocks[2]), env);
    const code = await second.done;
    const out = second.output();
    assert.equal(code, 0, `${out.slice(-4000)}\n--- node:\n${running.output().slice(-3000)}`);
    assert.match(out, /amount: "?1000"?\s/, "bob received 1000udgrid");
    assert.match(out, /served_by:\s+- dgridvaloper1/, "register-model --wait: the validator serves the demo model");
    assert.match(out, /status: REQUEST_STATUS_FINALIZED/, "the request has its result");
    assert.match(out, /wrote .*proposal\.json: a change of the inference params/);
    assert.match(out, /status: PROPOSAL_STATUS_VOTING_PERIOD/);
    const q = ["--node", rpcUrl, "-o", "json"];
    const proposal = async () =>
      JSON.parse((await dgrid(["query", "gov", "proposal", "1", ...q])).stdout).proposal as {
        status: string;
        voting_end_time: string;
      };
    const votingEnd = Date.parse((await proposal()).voting_end_time);

    // 4. a third-party model the documented way: the README's register-model command, the file,
    // golden vectors and names its own, the policy flag models/README.md documents
    const register = shellCommands(blocks[2]).find((c) => c.startsWith("npx dgrid tx registry register-model"))!;
    const documented = new Set([...register.matchAll(/\s(--?[a-z-]+)/g)].map((m) => m[1]));
    const modelsReadme = readFileSync(join(repoRoot, "models", "README.md"), "utf8");
    assert.match(modelsReadme, /--policy tolerance:/, "models/README.md documents --policy");
    documented.add("--policy");
    const flags: [string, string?][] = [
      ["--golden", fixturePath("silero-vad.golden.json")],
      ["--name", "silero-vad"],
      ["--model-version", "4"],
      ["--price", "500udgrid"],
      ["--policy", "tolerance:0.0001:0.001"],
      ["--from", "alice"],
      ["--home", home],
      ["--keyring-backend", "test"],
      ["-y"],
      ["--wait"],
    ];
    for (const [f] of flags) assert.ok(documented.has(f), `${f} is a documented flag`);
    const reg = await dgrid([
      "tx",
      "registry",
      "register-model",
      VAD_MODEL_PATH,
      ...flags.flat(),
      "--node",
      rpcUrl,
      "-o",
      "json",
    ] as string[]);
    const registered = JSON.parse(reg.stdout);
    assert.equal(registered.code, 0, reg.stdout);
    assert.ok(registered.served_by.length > 0, "a validator serves the third-party model");

    // its first golden input, as --input files
    const golden = JSON.parse(readFileSync(fixturePath("silero-vad.golden.json"), "utf8")).vectors[0];
    const inputs: string[] = [];
    for (const [name, tensor] of Object.entries(golden.inputs)) {
      const file = join(home, `vad-${name}.json`);
      writeFileSync(file, JSON.stringify(tensor));
      inputs.push("--input", `${name}=${file}`);
    }
    const req = await dgrid([
      "tx",
      "inference",
      "request",
      registered.model_id,
      ...inputs,
      "--max-fee",
      "1500udgrid",
      "--from",
      "alice",
      "--home",
      home,
      "--keyring-backend",
      "test",
      "-y",
      "--wait",
      ...q,
    ]);
    const result = JSON.parse(req.stdout).result;
    assert.equal(result.status, "REQUEST_STATUS_FINALIZED");
    const speech = result.outputs.find((o: { name: string }) => o.name === "output").values[0];
    const expected = new Float32Array(new Uint8Array(Buffer.from(golden.outputs.output.data, "base64")).buffer)[0];
    assert.ok(Math.abs(speech - expected) < 1e-3, `speech probability ${speech} ~ ${expected}`);

    // 5. the param change passes when its voting period ends, and a request then costs 1000udgrid
    const passed = await until(
      "the proposal's tally",
      async () => {
        const p = await proposal();
        return p.status === "PROPOSAL_STATUS_VOTING_PERIOD" ? undefined : p;
      },
      Math.max(0, votingEnd - Date.now()) + 30_000,
    );
    assert.equal(passed.status, "PROPOSAL_STATUS_PASSED");
    const cheap = await dgrid([
      "tx",
      "inference",
      "request",
      "390b5ac2db15c4eb6831a42646feac6dd284d7a5f1a5a6d0635b6cae7ecb0cd7",
      "--input",
      `input=${join(repoRoot, "models", "demo-mlp.input.json")}`,
      "--max-fee",
      "1000udgrid",
      "--from",
      "alice",
      "--home",
      home,
      "--keyring-backend",
      "test",
      "-y",
      ...q,
    ]);
    assert.equal(JSON.parse(cheap.stdout).code, 0);
    process.stderr.write(`README first hour: ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
  });
});
