import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import { SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { pino } from "pino";
import { EventBus } from "../../chain/events/event-bus.ts";
import * as enc from "../../chain/rpc/encode.ts";
import { evidenceFromJson } from "../../chain/rpc/evidence-json.ts";
import { RpcServer } from "../../chain/rpc/server.ts";
import { evidenceBytes } from "../../chain/types/hash.ts";
import { FakeBackend } from "./fake-backend.ts";

const vote = (fill: number): Vote => ({
  type: SignedMsgType.SIGNED_MSG_TYPE_PREVOTE,
  height: 7n,
  round: 1,
  blockId: {
    hash: new Uint8Array(32).fill(fill),
    partSetHeader: { total: 2, hash: new Uint8Array(32).fill(fill + 1) },
  },
  timestamp: { seconds: 1_700_000_000n, nanos: 123_000_000 },
  validatorAddress: new Uint8Array(20).fill(9),
  validatorIndex: 3,
  signature: new Uint8Array(64).fill(fill + 2),
  extension: new Uint8Array(),
  extensionSignature: new Uint8Array(),
});
const evidence: Evidence = {
  duplicateVoteEvidence: {
    voteA: vote(1),
    voteB: vote(5),
    totalVotingPower: 40n,
    validatorPower: 10n,
    timestamp: { seconds: 1_700_000_001n, nanos: 0 },
  },
};
/** The evidence as the `block` method renders it (CometBFT's JSON). */
const asJson = () => {
  const b = enc.block({
    header: { height: 8n, time: { seconds: 1n, nanos: 0 }, chainId: "c" } as never,
    data: { txs: [] },
    evidence: { evidence: [evidence] },
  } as never) as { evidence: { evidence: unknown[] } };
  return b.evidence.evidence[0];
};

class EvidenceBackend extends FakeBackend {
  received: Evidence[] = [];
  reject = false;
  async broadcastEvidence(ev: Evidence): Promise<void> {
    if (this.reject) throw new Error("evidence from height 7 is too old");
    this.received.push(ev);
  }
}

const bus = new EventBus();
const backend = new EvidenceBackend(3, bus);
const server = new RpcServer(
  { laddr: "tcp://127.0.0.1:0" },
  { backend, eventBus: bus, logger: pino({ level: "silent" }) },
);
before(() => server.start());
after(() => server.close());

const call = async (params: unknown) => {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "broadcast_evidence", params }),
  });
  return (await res.json()) as { result?: { hash: string }; error?: { code: number; data: string } };
};

test("evidence JSON as the block method renders it parses back to the same evidence", () => {
  assert.deepEqual(evidenceFromJson(asJson()), evidence);
});

test("broadcast_evidence hands the evidence to the node and answers its hash; errors are reported", async () => {
  const r = await call({ evidence: asJson() });
  assert.equal(r.error, undefined);
  const want = createHash("sha256").update(evidenceBytes(evidence)).digest("hex").toUpperCase();
  assert.equal(r.result?.hash, want);
  assert.deepEqual(backend.received, [evidence]);

  const bad = await call({ evidence: { type: "tendermint/LightClientAttackEvidence", value: {} } });
  assert.equal(bad.error?.code, -32602);
  const missing = await call({});
  assert.equal(missing.error?.code, -32602);
  backend.reject = true;
  const refused = await call({ evidence: asJson() });
  assert.equal(refused.error?.code, -32603);
  assert.match(refused.error?.data ?? "", /failed to add evidence: .*too old/);
});
