// Start-up checks and `dgrid rollback` on a single-validator node: a data dir whose app state,
// consensus state and block store disagree (made here through the stores' own APIs on copies of a
// stopped node's home) stops the start with a registered error naming the heights and the way out
// (`dgrid start` once, for its output and exit code; in process for the others, which is faster); `dgrid rollback` is refused while the node runs, and after it the node re-executes the last
// block and continues with the same block and app hashes as before.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { DGridApp } from "../../app/app.ts";
import { DGridNode } from "../../app/node.ts";
import { BlockStore } from "../../chain/blockstore/block-store.ts";
import { heightKey, PREFIX } from "../../chain/blockstore/keys.ts";
import {
  ErrAppHashMismatch,
  ErrBlockUnreadable,
  ErrStateAheadOfBlockStore,
  StartupCodespace,
} from "../../chain/consensus/startup-errors.ts";
import { StateStore } from "../../chain/consensus/state.ts";
import type { CodedError } from "../../chain/errors/errors.ts";
import { type NodeDb, openNodeDb, subDb } from "../../chain/node/node-db.ts";
import {
  createTestNode,
  dgrid,
  dgridBin,
  rpcCall,
  spawnNode,
  type TestNode,
  waitForHeight,
} from "../support/node-process.ts";
import { testTempDir } from "../support/temp-dir.ts";

const logger = pino({ level: "silent" });

/** Runs `dgrid start` on `home`, expecting it to refuse: its exit code and stderr. */
function startRefused(home: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [dgridBin, "start", "--home", home, "--no-banner"],
      { timeout: 60_000, maxBuffer: 16 << 20 },
      (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

/** Starts a DGridNode on `home` in this process, expecting the start-up checks to refuse it: the error. */
async function startRefusedInProcess(home: string): Promise<CodedError> {
  const node = new DGridNode({ home }, { logger });
  try {
    await node.start();
  } catch (e) {
    return e as CodedError;
  } finally {
    await node.stop().catch(() => {});
  }
  throw new Error("the node started");
}

/** Opens a stopped home's database and hands its stores to `fn`. */
async function withStores(
  home: string,
  fn: (s: { db: NodeDb; blocks: BlockStore; state: StateStore; app: DGridApp }) => Promise<void>,
): Promise<void> {
  const db = await openNodeDb(home);
  const blocks = new BlockStore({}, { db: subDb(db, "blocks") });
  await blocks.load();
  const app = new DGridApp({ minGasPrices: "", sigVerifyWorkers: 0 }, { db: subDb(db, "state"), logger });
  await app.load();
  try {
    await fn({ db, blocks, state: new StateStore(subDb(db, "consensus")), app });
  } finally {
    await app.sigVerifier.close();
    await db.close();
  }
}

async function header(url: string, height: number): Promise<{ hash: string; appHash: string }> {
  const r = await rpcCall(url, "block", { height: String(height) });
  return { hash: r.result.block_id.hash, appHash: r.result.block.header.app_hash };
}

describe("start-up checks and dgrid rollback", { timeout: 300_000 }, () => {
  let node: TestNode;
  /** the tip when the node stopped, and the app hash after it */
  let tip: number;
  let tipAppHash: string;
  const copyOf = (name: string) => {
    const home = testTempDir(`dgrid-startup-${name}-`);
    cpSync(node.home, home, { recursive: true });
    return home;
  };

  before(async () => {
    node = await createTestNode();
    await node.start();
    await waitForHeight(node.rpcUrl, 6, 30_000);
    const running = await dgrid(["rollback", "--home", node.home]).then(
      () => "",
      (e: Error) => e.message,
    );
    assert.match(
      running,
      /cannot roll back: the database .* is held by another process \(a running node\?\): stop it first/,
    );
    await node.stop();
    await withStores(node.home, async ({ blocks, state, app }) => {
      tip = blocks.height();
      const s = await state.load();
      assert.equal(Number(s?.lastBlockHeight), tip);
      tipAppHash = Buffer.from(app.store.lastCommitId().hash).toString("hex").toUpperCase();
    });
  });
  after(() => node.stop());

  it("refuses an app state ahead of the block store (the tip block removed)", async () => {
    const home = copyOf("app-ahead");
    await withStores(home, async ({ blocks }) => {
      await blocks.deleteLatestBlock();
    });
    const { code, stderr } = await startRefused(home);
    assert.notEqual(code, 0);
    assert.match(
      stderr,
      new RegExp(
        `stored app state is at height ${tip} but the block store ends at ${tip - 1}: the data dir is inconsistent; ` +
          `run \`dgrid rollback --home ${home}\``,
      ),
    );
  });

  it("refuses a consensus state ahead of the block store", async () => {
    const home = copyOf("state-ahead");
    await withStores(home, async ({ blocks, app }) => {
      await app.rollbackTo(tip - 1);
      await blocks.deleteLatestBlock();
    });
    const err = await startRefusedInProcess(home);
    assert.equal(err.codespace, StartupCodespace);
    assert.ok(ErrStateAheadOfBlockStore.is(err), err.message);
    const stderr = err.message;
    assert.match(
      stderr,
      new RegExp(`stored consensus state is at height ${tip} but the block store ends at ${tip - 1}`),
    );
    assert.match(stderr, /re-sync: stop the node, move .*\/data aside/);
  });

  it("refuses an app state whose hash is not the one the last block's header records", async () => {
    const home = copyOf("app-hash");
    await withStores(home, async ({ app }) => {
      // the app's version tip-1 replaced by a different state: roll back two, commit something else
      await app.rollbackTo(tip - 2);
      const branch = app.store.branch();
      branch.getStore("bank").set(Buffer.from("corrupt"), Buffer.from("state"));
      await app.store.workingHash(branch);
      await app.store.commit();
    });
    const err = await startRefusedInProcess(home);
    assert.equal(err.codespace, StartupCodespace);
    assert.ok(ErrAppHashMismatch.is(err), err.message);
    const stderr = err.message;
    assert.match(
      stderr,
      new RegExp(
        `stored app state at height ${tip - 1} has app hash [0-9A-F]+ but block ${tip}'s header records [0-9A-F]+`,
      ),
    );
  });

  it("refuses a block store whose tip block does not decode", async () => {
    const home = copyOf("tip-unreadable");
    await withStores(home, async ({ db }) => {
      await subDb(db, "blocks").put(heightKey(PREFIX.block, tip), Buffer.from("not a block"));
    });
    const err = await startRefusedInProcess(home);
    assert.equal(err.codespace, StartupCodespace);
    assert.ok(ErrBlockUnreadable.is(err), err.message);
    const stderr = err.message;
    assert.match(
      stderr,
      new RegExp(
        `the block store ends at ${tip} but its block ${tip} cannot be decoded .*\`dgrid rollback --hard --home`,
      ),
    );
  });

  it("dgrid rollback, then start: the last block is re-executed and the chain continues with the same hashes", async () => {
    const { stdout } = await dgrid(["rollback", "--home", node.home]);
    await withStores(node.home, async ({ blocks, state, app }) => {
      assert.equal(blocks.height(), tip, "the block stays");
      assert.equal(Number((await state.load())?.lastBlockHeight), tip - 1);
      assert.equal(app.store.lastCommitId().version, tip - 1);
    });
    const restarted = await spawnNode(node.home, node.rpcUrl, tip + 2);
    const tipBlock = await header(node.rpcUrl, tip);
    assert.match(stdout, new RegExp(`^Rolled back state to height ${tip - 1} and hash ${tipBlock.appHash}\n$`));
    // block tip is the same block, and re-executing it gave the same app hash as the first time
    assert.equal((await header(node.rpcUrl, tip + 1)).appHash, tipAppHash);
    await restarted.stop();
  });

  it("dgrid rollback --hard removes the last block too", async () => {
    const home = copyOf("hard");
    const before = await (async () => {
      let h = 0;
      await withStores(home, async ({ blocks }) => {
        h = blocks.height();
      });
      return h;
    })();
    const { stdout } = await dgrid(["rollback", "--hard", "--home", home]);
    assert.match(
      stdout,
      new RegExp(`^Rolled back state to height ${before - 1} and hash [0-9A-F]+ \\(and removed the last block\\)`),
    );
    await withStores(home, async ({ blocks, state, app }) => {
      assert.equal(blocks.height(), before - 1);
      assert.equal(Number((await state.load())?.lastBlockHeight), before - 1);
      assert.equal(app.store.lastCommitId().version, before - 1);
    });
  });
});
