// The package's message types are built from proto/gen only; they must be exactly the codecs the
// modules register, so a client signs every dgrid message the chain accepts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { inferenceMsgCodecs } from "../../modules/inference/msg-server.ts";
import { registryMsgCodecs } from "../../modules/registry/msg-server.ts";
import { reputationMsgCodecs } from "../../modules/reputation/msg-server.ts";

describe("dgridMsgTypes", () => {
  it("are the registry, inference and reputation modules' message codecs", () => {
    const modules: Record<string, unknown> = { ...registryMsgCodecs, ...inferenceMsgCodecs, ...reputationMsgCodecs };
    assert.deepEqual(dgridMsgTypes.map(([url]) => url).sort(), Object.keys(modules).sort());
    for (const [url, codec] of dgridMsgTypes) assert.equal(codec, modules[url], url);
  });
});
