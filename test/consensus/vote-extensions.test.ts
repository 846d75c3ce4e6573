import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import {
  type RequestPrepareProposal,
  type RequestVerifyVoteExtension,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import { ed25519Verify } from "../../chain/consensus/crypto.ts";
import { VoteError, VoteSet } from "../../chain/consensus/vote-set.ts";
import { voteExtensionSignBytes, voteSignBytes } from "../../chain/types/vote.ts";
import { FakeApp, genesisState, makeKeys, waitFor } from "./helpers.ts";
import { makeNet } from "./net-helpers.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const expected = (h: bigint) => new Uint8Array(createHash("sha256").update(`extension-of-height-${h}`).digest());

/** Extends every precommit with data derived from the height; checks what PrepareProposal receives. */
class ExtApp extends FakeApp {
  errors: string[] = [];
  checkedWith = new Set<bigint>();
  checkedWithout = new Set<bigint>();
  rejectFrom: Uint8Array | undefined;
  verified = 0;

  constructor(
    private readonly chainId: string,
    private readonly enableHeight: bigint,
    private readonly pubKeys: Map<string, Uint8Array>,
  ) {
    super();
  }

  override async extendVote(req: { height: bigint }) {
    return { voteExtension: expected(req.height) };
  }

  override async verifyVoteExtension(req: RequestVerifyVoteExtension) {
    this.verified++;
    const ok = Buffer.compare(req.voteExtension, expected(req.height)) === 0;
    if (!ok) this.errors.push(`verifyVoteExtension got a wrong extension at ${req.height}`);
    const rejected = this.rejectFrom && hex(req.validatorAddress) === hex(this.rejectFrom);
    return {
      status:
        ok && !rejected
          ? ResponseVerifyVoteExtension_VerifyStatus.ACCEPT
          : ResponseVerifyVoteExtension_VerifyStatus.REJECT,
    };
  }

  override async prepareProposal(req: RequestPrepareProposal) {
    const last = req.height - 1n;
    const fail = (m: string) => this.errors.push(`prepareProposal at ${req.height}: ${m}`);
    if (last >= 1n) {
      const withExt = last >= this.enableHeight;
      let commits = 0;
      for (const v of req.localLastCommit.votes) {
        const flag = v.blockIdFlag;
        if (flag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT) commits++;
        if (withExt && flag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT) {
          if (hex(v.voteExtension) !== hex(expected(last))) fail("wrong extension");
          const pub = this.pubKeys.get(hex(v.validator.address));
          const signed = { height: last, round: req.localLastCommit.round, extension: v.voteExtension } as Vote;
          if (!pub || !ed25519Verify(pub, voteExtensionSignBytes(this.chainId, signed), v.extensionSignature))
            fail("bad extension signature");
        } else if (v.voteExtension.length > 0 || v.extensionSignature.length > 0) {
          fail(`extension where none belongs (flag ${flag}, height ${last})`);
        }
      }
      if (commits * 3 <= req.localLastCommit.votes.length * 2) fail("no +2/3 commit votes");
      (withExt ? this.checkedWith : this.checkedWithout).add(req.height);
    }
    return { txs: req.txs };
  }
}

test("vote extensions from the enable height: extended, verified, signed, and handed to the next proposer", async () => {
  const enable = 3n;
  const keys = makeKeys(4, "vext");
  const pubKeys = new Map(keys.map((k) => [hex(k.address), k.pubKey]));
  const apps: ExtApp[] = [];
  const { nodes } = await makeNet(4, {
    tag: "vext",
    voteExtensionsHeight: enable,
    makeApp: () => {
      const a = new ExtApp("test-chain", enable, pubKeys);
      apps.push(a);
      return a;
    },
  });
  // Everyone else rejects validator 3's extensions: its precommits do not count for them.
  for (const a of apps.slice(0, 3)) a.rejectFrom = keys[3].address;
  await Promise.all(nodes.map((n) => n.cs.start(n.state)));
  try {
    await waitFor(() => nodes.every((n) => n.blockStore.height() >= 7), 20000, "height 7");
    const allErrors = apps.flatMap((a) => a.errors);
    assert.deepEqual(allErrors, []);
    const withExt = new Set(apps.flatMap((a) => [...a.checkedWith]));
    const without = new Set(apps.flatMap((a) => [...a.checkedWithout]));
    assert.ok(without.has(2n) && without.has(3n), "PrepareProposal before the enable height saw no extensions");
    for (const h of [4n, 5n, 6n]) assert.ok(withExt.has(h), `PrepareProposal at ${h} got extensions`);
    assert.ok(
      apps.every((a) => a.verified > 0),
      "VerifyVoteExtension was called",
    );
    for (const n of nodes.slice(0, 3)) {
      for (let h = 1; h <= 6; h++) {
        const ext = await n.blockStore.loadExtendedCommit(h);
        if (BigInt(h) < enable) {
          assert.equal(ext, undefined, `no extended commit saved at ${h}`);
          continue;
        }
        assert.ok(ext, `extended commit at ${h}`);
        const idx = n.state.validators.getByAddress(keys[3].address)!.index;
        assert.equal(ext.extendedSignatures[idx].blockIdFlag, BlockIDFlag.BLOCK_ID_FLAG_ABSENT, "rejected extension");
        for (const s of ext.extendedSignatures)
          if (s.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT)
            assert.equal(hex(s.extension), hex(expected(BigInt(h))));
      }
    }
  } finally {
    await Promise.all(nodes.map((n) => n.cs.stop()));
  }
});

test("VoteSet rules: extensions required on precommits for a block, refused on nil and before the enable height", () => {
  const keys = makeKeys(1, "vrule");
  const genesis = genesisState(keys);
  const mk = (blockHash: Uint8Array, ext: Uint8Array): Vote => {
    const v: Vote = {
      type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
      height: 1n,
      round: 0,
      blockId: { hash: blockHash, partSetHeader: { total: blockHash.length ? 1 : 0, hash: blockHash } },
      timestamp: { seconds: 5n, nanos: 0 },
      validatorAddress: keys[0].address,
      validatorIndex: 0,
      signature: new Uint8Array(),
      extension: ext,
      extensionSignature: new Uint8Array(),
    };
    v.signature = keys[0].sign(voteSignBytes("test-chain", v));
    return v;
  };
  const block = new Uint8Array(32).fill(4);
  const set = () => new VoteSet("test-chain", 1n, 0, SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, genesis.validators, true);
  assert.throws(() => set().addVote(mk(block, new Uint8Array([1]))), /extension signature/, "unsigned extension");
  const good = mk(block, new Uint8Array([1]));
  good.extensionSignature = keys[0].sign(voteExtensionSignBytes("test-chain", good));
  assert.equal(set().addVote(good).added, true);
  const nil = mk(new Uint8Array(), new Uint8Array([1]));
  assert.throws(() => set().addVote(nil), /nil precommit/);
  assert.equal(set().addVote(mk(new Uint8Array(), new Uint8Array())).added, true, "nil precommit without extension");
  const disabled = new VoteSet("test-chain", 1n, 0, SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, genesis.validators, false);
  assert.throws(() => disabled.addVote(good), VoteError);
  assert.equal(disabled.addVote(mk(block, new Uint8Array())).added, true);
});
