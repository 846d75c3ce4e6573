// Shared fakes for the consensus tests: a deterministic app, a list mempool, an in-memory block store.
import { createHash } from "node:crypto";
import { ClassicLevel } from "classic-level";
import type { RequestFinalizeBlock, ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import {
  ResponseProcessProposal_ProposalStatus,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID, Commit, ExtendedCommit } from "cosmjs-types/tendermint/types/types";
import { pino } from "pino";
import type { Application } from "../../chain/abci/application.ts";
import { ed25519Signer, type Signer } from "../../chain/consensus/crypto.ts";
import type { BlockStoreLike, MempoolLike } from "../../chain/consensus/deps.ts";
import { makeGenesisState, type State } from "../../chain/consensus/state.ts";
import { defaultConsensusParams } from "../../chain/types/genesis.ts";

export const silentLogger = pino({ level: "silent" });

const sha = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());

/** Counts txs; app hash = sha256("<height>:<count>"). */
export class FakeApp implements Application {
  height = 0n;
  txCount = 0;
  appHash: Uint8Array = new Uint8Array();
  finalized: RequestFinalizeBlock[] = [];
  extensionsSeen: Uint8Array[] = [];
  rejectProposals = false;
  /** App hash from the tx count only (so empty blocks do not change it). */
  hashByCountOnly = false;
  /** Validator updates to return from FinalizeBlock at a height. */
  validatorUpdatesAt = new Map<bigint, ResponseFinalizeBlock["validatorUpdates"]>();
  private pending: { height: bigint; count: number; hash: Uint8Array } | undefined;

  async info() {
    return { data: "fake", version: "1", appVersion: 0n, lastBlockHeight: this.height, lastBlockAppHash: this.appHash };
  }
  async initChain() {
    this.appHash = sha("genesis");
    return { validators: [], appHash: this.appHash };
  }
  async checkTx() {
    return {
      code: 0,
      data: new Uint8Array(),
      log: "",
      info: "",
      gasWanted: 0n,
      gasUsed: 0n,
      events: [],
      codespace: "",
    };
  }
  async query() {
    return {
      code: 0,
      log: "",
      info: "",
      index: 0n,
      key: new Uint8Array(),
      value: new Uint8Array(),
      height: 0n,
      codespace: "",
    };
  }
  async prepareProposal(req: { txs: Uint8Array[]; localLastCommit: { votes: { voteExtension: Uint8Array }[] } }) {
    for (const v of req.localLastCommit.votes)
      if (v.voteExtension.length > 0) this.extensionsSeen.push(v.voteExtension);
    return { txs: req.txs };
  }
  async processProposal() {
    return {
      status: this.rejectProposals
        ? ResponseProcessProposal_ProposalStatus.REJECT
        : ResponseProcessProposal_ProposalStatus.ACCEPT,
    };
  }
  async extendVote(req: { height: bigint }) {
    return { voteExtension: new TextEncoder().encode(`ext-${req.height}`) };
  }
  async verifyVoteExtension(_req?: unknown) {
    return { status: ResponseVerifyVoteExtension_VerifyStatus.ACCEPT };
  }
  async finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock> {
    this.finalized.push(req);
    const count = this.txCount + req.txs.length;
    const hash = this.hashByCountOnly ? sha(`count:${count}`) : sha(`${req.height}:${count}`);
    this.pending = { height: req.height, count, hash };
    return {
      events: [{ type: "block_marker", attributes: [{ key: "h", value: req.height.toString(), index: true }] }],
      txResults: req.txs.map(() => ({
        code: 0,
        data: new Uint8Array(),
        log: "",
        info: "",
        gasWanted: 1n,
        gasUsed: 1n,
        events: [{ type: "transfer", attributes: [{ key: "amount", value: "1", index: true }] }],
        codespace: "",
      })),
      validatorUpdates: this.validatorUpdatesAt.get(req.height) ?? [],
      appHash: hash,
    };
  }
  async commit() {
    if (!this.pending) throw new Error("commit without finalizeBlock");
    this.height = this.pending.height;
    this.txCount = this.pending.count;
    this.appHash = this.pending.hash;
    this.pending = undefined;
    return { retainHeight: 0n };
  }
}

export class FakeMempool implements MempoolLike {
  txs: Uint8Array[] = [];
  private listeners: (() => void)[] = [];
  add(tx: Uint8Array): void {
    this.txs.push(tx);
    for (const l of this.listeners) l();
  }
  onTxAvailable(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }
  reapMaxBytesMaxGas(): Uint8Array[] {
    return [...this.txs];
  }
  lock() {}
  unlock() {}
  async update(_h: number, committed: Uint8Array[]) {
    const keys = new Set(committed.map((t) => Buffer.from(t).toString("hex")));
    this.txs = this.txs.filter((t) => !keys.has(Buffer.from(t).toString("hex")));
  }
  size() {
    return this.txs.length;
  }
}

/** Minimal in-memory block store (the real one is exercised in consensus.test.ts). */
export class MemBlockStore implements BlockStoreLike {
  blocks = new Map<number, { block: Block; blockId: BlockID; seen: Commit; ext?: ExtendedCommit }>();
  responses = new Map<number, ResponseFinalizeBlock>();
  private h = 0;
  private b = 0;
  base() {
    return this.b;
  }
  height() {
    return this.h;
  }
  async saveBlock(block: Block, blockId: BlockID, seen: Commit, ext?: ExtendedCommit) {
    const h = Number(block.header.height);
    this.blocks.set(h, { block, blockId, seen, ext });
    this.h = h;
    if (this.b === 0) this.b = h;
  }
  async loadBlock(h: number) {
    return this.blocks.get(h)?.block;
  }
  async loadBlockMeta(h: number) {
    const e = this.blocks.get(h);
    return e ? { blockId: e.blockId, header: e.block.header } : undefined;
  }
  async loadSeenCommit(h: number) {
    return this.blocks.get(h)?.seen;
  }
  async loadExtendedCommit(h: number) {
    return this.blocks.get(h)?.ext;
  }
  async saveFinalizeBlockResponse(h: number, r: ResponseFinalizeBlock) {
    this.responses.set(h, r);
  }
  async loadFinalizeBlockResponse(h: number) {
    return this.responses.get(h);
  }
}

export function makeKeys(n: number, tag = "val"): Signer[] {
  return Array.from({ length: n }, (_, i) => ed25519Signer(sha(`${tag}-${i}`)));
}

export function genesisState(keys: Signer[], opts: { chainId?: string; voteExtensionsHeight?: bigint } = {}): State {
  const params = defaultConsensusParams();
  if (opts.voteExtensionsHeight !== undefined) params.abci = { voteExtensionsEnableHeight: opts.voteExtensionsHeight };
  return makeGenesisState({
    chainId: opts.chainId ?? "test-chain",
    initialHeight: 1n,
    genesisTime: { seconds: BigInt(Math.floor(Date.now() / 1000) - 10), nanos: 0 },
    validators: keys.map((k) => ({ pubKey: k.pubKey, power: 10n })),
    consensusParams: params,
    appHash: new Uint8Array(),
  });
}

export function openDb(dir: string) {
  return new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
}

export function sub(db: ClassicLevel<Uint8Array, Uint8Array>, name: string) {
  return db.sublevel<Uint8Array, Uint8Array>(name, { keyEncoding: "view", valueEncoding: "view" });
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
