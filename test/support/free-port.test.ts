// freePort's picks are reserved across processes: two test files running at once (npm test runs two)
// never get the same port, and a process's reservations go when it exits.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { freePort, reservePort } from "./node-process.ts";

const script = `
import { freePort } from ${JSON.stringify(join(import.meta.dirname, "node-process.ts"))};
const ports = [];
for (let i = 0; i < 300; i++) ports.push(await freePort());
console.log(JSON.stringify(ports));
// hold the reservations until the test closes stdin
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
`;

/** A child that picks 300 ports and holds them: its picks, and `done()` to let it exit. */
async function pickingChild(): Promise<{ ports: number[]; done: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: join(import.meta.dirname, "..", ".."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  let out = "";
  const ports = await new Promise<number[]>((res, rej) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) res(JSON.parse(out.trim()));
    });
    child.once("exit", (code) => rej(new Error(`picking child exited ${code}: ${out}`)));
  });
  return {
    ports,
    done: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

describe("freePort reservations", () => {
  it("two processes picking at once never share a port; their reservations go at exit", async () => {
    const children = await Promise.all([pickingChild(), pickingChild()]);
    try {
      const [a, b] = children.map((c) => c.ports);
      assert.equal(new Set(a).size, 300);
      assert.equal(new Set(b).size, 300);
      const inB = new Set(b);
      assert.deepEqual(
        a.filter((p) => inB.has(p)),
        [],
      );
    } finally {
      await Promise.all(children.map((c) => c.done())); // a failed assertion must not leave them waiting
    }
    for (const p of children.flatMap((c) => c.ports))
      assert.equal(existsSync(join(tmpdir(), "dgrid-test-ports", String(p))), false);
  });

  it("a port this process holds is not handed to it again, nor reserved twice", async () => {
    const p = await freePort();
    assert.equal(reservePort(p), false);
    const again = new Set<number>();
    for (let i = 0; i < 50; i++) again.add(await freePort());
    assert.equal(again.has(p), false);
  });
});
