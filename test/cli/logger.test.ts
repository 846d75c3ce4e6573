// The node's log format: human-readable lines on a terminal, JSON elsewhere, or as configured.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { makeNodeLogger, resolveLogFormat } from "../../app/cli/logger.ts";

function capture(format: "auto" | "plain" | "json", tty: boolean): string {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c) => (text += c));
  const log = makeNodeLogger("info", format, { stdoutIsTTY: tty, destination: out });
  log.child({ module: "consensus" }).info({ height: 7 }, "committed block");
  log.debug("not at info");
  log.flush?.();
  return text;
}

describe("node log format", () => {
  it("auto is plain on a terminal and JSON elsewhere; plain and json are what they say", () => {
    assert.equal(resolveLogFormat("auto", true), "plain");
    assert.equal(resolveLogFormat("auto", false), "json");
    assert.equal(resolveLogFormat("json", true), "json");
    assert.equal(resolveLogFormat("plain", false), "plain");
  });

  it("json writes one JSON object per line; plain writes a readable line with the context", async () => {
    const json = capture("json", false);
    const rec = JSON.parse(json.trim());
    assert.equal(rec.msg, "committed block");
    assert.equal(rec.height, 7);
    assert.equal(rec.module, "consensus");
    await new Promise((r) => setImmediate(r));
    const plain = capture("plain", false);
    assert.doesNotMatch(plain, /^\{/);
    assert.match(plain, /INFO.*committed block/);
    assert.match(plain, /module: "consensus"/);
    assert.match(plain, /height: 7/);
    assert.doesNotMatch(plain, /not at info/);
    assert.ok(!plain.includes("\u001b["), "no colour codes when not on a terminal");
  });
});
