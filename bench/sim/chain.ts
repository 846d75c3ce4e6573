// The simulated chain: DGridApp nodes in this process (no CometBFT, no sockets) driven height by
// height through the ABCI++ calls CometBFT makes: PrepareProposal on the proposer (which injects the
// extended commit of the previous height), ProcessProposal, ExtendVote of every validator that is up
// (each signing its extension with its ed25519 consensus key) and VerifyVoteExtension, FinalizeBlock
// with the last commit's signatures and any double-sign evidence, Commit. The validator set follows
// FinalizeBlock's updates two heights later, as CometBFT applies them.
//
// A second node (the replica, no validator duties) runs every block too: the determinism check is
// that both reach the same app hash at every height.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import {
  type ExtendedCommitInfo,
  type Misbehavior,
  MisbehaviorType,
  type RequestFinalizeBlock,
  type ResponseFinalizeBlock,
  ResponseProcessProposal_ProposalStatus,
  ResponseVerifyVoteExtension_VerifyStatus,
  type ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import pino from "pino";
import { DGridApp } from "../../app/app.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { toHex } from "../../chain/types/bytes.ts";
import type { Ed25519Key } from "../../chain/types/keys.ts";
import { voteExtensionSignBytes } from "../../chain/types/vote.ts";
import type { DutyRequest, InferenceDutiesI } from "../../modules/inference/expected-keepers.ts";
import type { VoteExtension } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import { initChainRequest } from "../../test/support/init-chain.ts";
import { InferenceDuties } from "../../validator/duties.ts";
import { SimExecutor } from "./model.ts";
import type { Rng } from "./rng.ts";

export class SimFailure extends Error {}

/** A consensus key the simulation holds, with the inference duties of its validator's node. */
export interface SimValidatorKey {
  key: Ed25519Key;
  executor: SimExecutor;
  duties: InferenceDuties;
}

/**
 * The primary node's duties stand for every validator's node in turn: ExtendVote is asked once per
 * validator with that validator's duties current, as each validator's own node would answer it.
 */
class RotatingDuties implements InferenceDutiesI {
  current?: SimValidatorKey;
  get consAddress(): Uint8Array {
    return this.current?.key.address ?? new Uint8Array(20);
  }
  onAssigned(requests: DutyRequest[]): void {
    this.current?.duties.onAssigned(requests);
  }
  extension(pending: DutyRequest[], maxBytes: number): Promise<VoteExtension> {
    if (!this.current) return Promise.resolve({ commitments: [], reveals: [] });
    return this.current.duties.extension(pending, maxBytes);
  }
}

interface Node {
  app: DGridApp;
  db: ClassicLevel<Uint8Array, Uint8Array>;
  /** the app's last warnings (its logger writes here), for the failure report */
  warnings: string[];
}

export interface BlockInput {
  txs: Uint8Array[];
  timeMs: number;
  /** validators (consensus address hex) that do not sign this height's precommits */
  down: ReadonlySet<string>;
  /** double-sign evidence against these validators (consensus address hex), at the previous height */
  doubleSigners: readonly string[];
}

export interface BlockOutput {
  height: number;
  /** the block's txs (the injected extended commit first, if any), results in response.txResults */
  txs: Uint8Array[];
  response: ResponseFinalizeBlock;
  appHash: Uint8Array;
}

export interface SimChainOptions {
  chainId: string;
  /** run a second node and compare app hashes at every height */
  replica: boolean;
}

export class SimChain {
  readonly keys = new Map<string, SimValidatorKey>(); // by consensus address hex
  private readonly byPubKey = new Map<string, SimValidatorKey>();
  private readonly duties = new RotatingDuties();
  private readonly dir = mkdtempSync(join(tmpdir(), "dgrid-sim-"));
  readonly primary: Node;
  readonly replica?: Node;
  height = 0;
  timeMs = 0;
  /** consensus address hex -> power; the set that signs the current height (CometBFT's validators) */
  private set = new Map<string, bigint>();
  /** the set of the next height, and the updates pending for the one after */
  private nextSet = new Map<string, bigint>();
  private lastSet = new Map<string, bigint>();
  private lastDown: ReadonlySet<string> = new Set();
  private extCommit?: ExtendedCommitInfo;

  constructor(
    private readonly options: SimChainOptions,
    private readonly rng: Rng,
  ) {
    this.primary = this.openNode("primary", this.duties);
    if (options.replica) this.replica = this.openNode("replica");
  }

  private openNode(name: string, duties?: InferenceDutiesI): Node {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(join(this.dir, name), {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    const warnings: string[] = [];
    const logger = pino(
      { level: "warn" },
      {
        write: (line: string) => {
          warnings.push(line.trim());
          if (warnings.length > 20) warnings.shift();
        },
      },
    );
    const app = new DGridApp(
      // keep a few versions only: the simulation reads the latest state
      { chainId: this.options.chainId, minGasPrices: "0udgrid", sigVerifyWorkers: 0, keepRecent: 2 },
      {
        db: db.sublevel<Uint8Array, Uint8Array>("state", { keyEncoding: "view", valueEncoding: "view" }),
        logger,
        inferenceDuties: duties,
      },
    );
    return { app, db, warnings };
  }

  /** Registers a consensus key (genesis validators and those created by MsgCreateValidator). */
  addKey(key: Ed25519Key): SimValidatorKey {
    const executor = new SimExecutor();
    const salts = this.rng.fork();
    const duties = new InferenceDuties(
      { consAddress: key.address },
      { executor, logger: pino({ level: "silent" }), randomBytes: (n) => salts.bytes(n) },
    );
    const v = { key, executor, duties };
    this.keys.set(toHex(key.address), v);
    this.byPubKey.set(toHex(key.pubKey), v);
    return v;
  }

  /** The set after every update FinalizeBlock has returned so far (address hex -> power). */
  upcomingSet(): ReadonlyMap<string, bigint> {
    return this.nextSet;
  }

  /** The consensus set signing the current height (address hex -> power). */
  validatorSet(): ReadonlyMap<string, bigint> {
    return this.set;
  }

  async init(appState: unknown, timeMs: number): Promise<void> {
    this.timeMs = timeMs;
    const req = initChainRequest(this.options.chainId, appState, BigInt(Math.floor(timeMs / 1000)));
    const res = await this.primary.app.initChain(req);
    if (this.replica) await this.replica.app.initChain(req);
    this.applyUpdates(this.set, res.validators);
    this.nextSet = new Map(this.set);
  }

  private applyUpdates(set: Map<string, bigint>, updates: ValidatorUpdate[]): void {
    for (const u of updates) {
      const pk = u.pubKey?.ed25519;
      if (!pk) throw new SimFailure("validator update without an ed25519 key");
      const v = this.byPubKey.get(toHex(pk));
      if (!v) throw new SimFailure(`validator update for an unknown consensus key ${toHex(pk)}`);
      const addr = toHex(v.key.address);
      if (u.power === 0n) set.delete(addr);
      else set.set(addr, u.power);
    }
  }

  /** A query context on the primary's latest committed state. */
  queryContext(): Context {
    const app = this.primary.app;
    return app.newContext(
      app.store.branch(),
      { height: this.height, timeMs: this.timeMs, chainId: this.options.chainId },
      "query",
    );
  }

  /** One height through every ABCI++ call; throws SimFailure when a node disagrees or refuses. */
  async block(input: BlockInput): Promise<BlockOutput> {
    const h = ++this.height;
    this.timeMs = input.timeMs;
    const time = { seconds: BigInt(Math.floor(input.timeMs / 1000)), nanos: (input.timeMs % 1000) * 1_000_000 };
    const proposerAddr = this.rng.pick([...this.set.keys()].sort());
    const proposer = this.keys.get(proposerAddr)?.key.address ?? new Uint8Array(20);
    const misbehavior: Misbehavior[] = [];
    const lastTotal = [...this.lastSet.values()].reduce((a, b) => a + b, 0n);
    for (const addr of input.doubleSigners) {
      const power = this.lastSet.get(addr);
      if (power === undefined || h < 3) continue;
      misbehavior.push({
        type: MisbehaviorType.DUPLICATE_VOTE,
        validator: { address: Buffer.from(addr, "hex"), power },
        height: BigInt(h - 1),
        time: { seconds: BigInt(Math.floor((input.timeMs - 1000) / 1000)), nanos: 0 },
        totalVotingPower: lastTotal,
      });
    }
    const primary = this.primary.app;
    const prep = await primary.prepareProposal({
      maxTxBytes: 20_000_000n,
      txs: input.txs,
      localLastCommit: this.extCommit ?? { round: 0, votes: [] },
      misbehavior,
      height: BigInt(h),
      time,
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: proposer,
    });
    // the votes of the previous height (CometBFT's LastCommit: ProposedLastCommit, then DecidedLastCommit)
    const lastCommit = {
      round: 0,
      votes: [...this.lastSet.entries()].sort().map(([addr, power]) => ({
        validator: { address: Buffer.from(addr, "hex"), power },
        blockIdFlag: this.lastDown.has(addr) ? BlockIDFlag.BLOCK_ID_FLAG_ABSENT : BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
      })),
    };
    const hash = new Uint8Array(32);
    hash.set(this.rng.bytes(32));
    const proposal = {
      txs: prep.txs,
      proposedLastCommit: lastCommit,
      misbehavior,
      hash,
      height: BigInt(h),
      time,
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: proposer,
    };
    for (const node of [this.primary, this.replica]) {
      if (!node) continue;
      const r = await node.app.processProposal(proposal);
      if (r.status !== ResponseProcessProposal_ProposalStatus.ACCEPT)
        throw new SimFailure(
          `height ${h}: the proposal was rejected by ProcessProposal; the app's last warnings:\n${node.warnings.slice(-3).join("\n")}`,
        );
    }
    // precommits of this height, with extensions, from every validator that is up
    const votes: ExtendedCommitInfo["votes"] = [];
    for (const [addr, power] of [...this.set.entries()].sort()) {
      const v = this.keys.get(addr);
      if (!v) throw new SimFailure(`no key for validator ${addr}`);
      if (input.down.has(addr)) {
        votes.push({
          validator: { address: v.key.address, power },
          voteExtension: new Uint8Array(),
          extensionSignature: new Uint8Array(),
          blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_ABSENT,
        });
        continue;
      }
      await v.duties.idle();
      this.duties.current = v;
      const ext = (await primary.extendVote(proposal)).voteExtension;
      this.duties.current = undefined;
      const ok = await primary.verifyVoteExtension({
        hash,
        validatorAddress: v.key.address,
        height: BigInt(h),
        voteExtension: ext,
      });
      if (ok.status !== ResponseVerifyVoteExtension_VerifyStatus.ACCEPT)
        throw new SimFailure(`height ${h}: the extension of validator ${addr} was refused`);
      const signature = v.key.sign(
        voteExtensionSignBytes(this.options.chainId, {
          type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
          height: BigInt(h),
          round: 0,
          extension: ext,
        } as Parameters<typeof voteExtensionSignBytes>[1]),
      );
      votes.push({
        validator: { address: v.key.address, power },
        voteExtension: ext,
        extensionSignature: signature,
        blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
      });
    }
    const req: RequestFinalizeBlock = {
      txs: prep.txs,
      decidedLastCommit: lastCommit,
      misbehavior,
      hash,
      height: BigInt(h),
      time,
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: proposer,
    };
    const response = await primary.finalizeBlock(req);
    await primary.commit({});
    if (this.replica) {
      const other = await this.replica.app.finalizeBlock(req);
      await this.replica.app.commit({});
      if (toHex(other.appHash) !== toHex(response.appHash))
        throw new SimFailure(
          `height ${h}: app hashes differ between two nodes given the same blocks (${toHex(response.appHash)} vs ${toHex(other.appHash)})`,
        );
    }
    // CometBFT: the updates of height h change the set that signs h + 2
    this.lastSet = this.set;
    this.lastDown = input.down;
    this.set = this.nextSet;
    this.nextSet = new Map(this.set);
    this.applyUpdates(this.nextSet, response.validatorUpdates);
    this.extCommit = { round: 0, votes };
    return { height: h, txs: prep.txs, response, appHash: response.appHash };
  }

  /** Lets every validator's executor finish its jobs. */
  async idle(): Promise<void> {
    for (const v of this.keys.values()) await v.duties.idle();
  }

  async close(): Promise<void> {
    await this.primary.db.close();
    await this.replica?.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
