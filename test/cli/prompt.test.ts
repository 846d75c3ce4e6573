// The confirmation prompt reads one line and goes on, whether the answer comes from a terminal or
// from a pipe that stays open (it used to wait for end of input). Driven through the real binary:
// a pipe directly, and a pseudo-terminal through util-linux `script`.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { tempHome } from "./helpers.ts";

const bin = join(resolve(import.meta.dirname, "..", ".."), "bin", "dgrid.js");
const env = { ...process.env, DGRID_HOME: "" };

function addKey(home: string, name: string): void {
  const r = spawnSync(process.execPath, [bin, "keys", "add", name, "--home", home, "--keyring-backend", "test"], {
    encoding: "utf8",
    env,
  });
  assert.equal(r.status, 0, r.stderr);
}

function keyNames(home: string): string[] {
  const r = spawnSync(
    process.execPath,
    [bin, "keys", "list", "--home", home, "--keyring-backend", "test", "--output", "json"],
    { encoding: "utf8", env },
  );
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { name: string }[]).map((k) => k.name);
}

/** Answers the prompt once it is shown, never closes stdin, and resolves with the exit code. */
function answerAndWait(
  child: ChildProcess,
  answer: string,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    let output = "";
    let answered = false;
    const onData = (b: Buffer) => {
      output += b.toString("utf8");
      if (!answered && /\[y\/N\]: /.test(output)) {
        answered = true;
        child.stdin?.write(answer);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no exit within ${timeoutMs} ms after the answer; output so far:\n${output}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

describe("confirmation prompt", () => {
  it("goes on after one line from a pipe that stays open", async () => {
    const home = tempHome();
    addKey(home, "alice");
    addKey(home, "bob");
    const child = spawn(
      process.execPath,
      [bin, "keys", "delete", "alice", "--home", home, "--keyring-backend", "test"],
      {
        env,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    const r = await answerAndWait(child, "y\n", 15_000);
    child.stdin?.end();
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(keyNames(home), ["bob"]);

    // "n" (or anything but y/yes) keeps the key and says so
    const no = spawn(process.execPath, [bin, "keys", "delete", "bob", "--home", home, "--keyring-backend", "test"], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const rn = await answerAndWait(no, "n\n", 15_000);
    no.stdin?.end();
    assert.notEqual(rn.code, null);
    assert.deepEqual(keyNames(home), ["bob"]);
  });

  it("goes on after y and Enter in a pseudo-terminal", async () => {
    const home = tempHome();
    addKey(home, "carol");
    const cmd = [process.execPath, bin, "keys", "delete", "carol", "--home", home, "--keyring-backend", "test"]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(" ");
    // script gives the command a pty as its stdin/stdout and copies our pipe into it
    const child = spawn("script", ["-qefc", cmd, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
    const r = await answerAndWait(child, "y\r", 20_000);
    child.stdin?.end();
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(keyNames(home), []);
  });
});
