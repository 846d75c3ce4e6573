// Test harness: N in-memory DGridApp nodes (one per fake validator, each with its own duties and
// fake executor) driven height by height through the Application interface, as CometBFT would:
// PrepareProposal (the proposer injects the extended commit of the previous height), ProcessProposal
// on every node, ExtendVote + VerifyVoteExtension, FinalizeBlock, Commit. App hashes must agree.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { BondStatus, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import {
  type Event,
  type ExtendedCommitInfo,
  ResponseProcessProposal_ProposalStatus,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import pino from "pino";
import { DGridApp } from "../../app/app.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { Dec } from "../../chain/baseapp/dec.ts";
import { addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import { Ed25519Key } from "../../chain/types/keys.ts";
import { voteExtensionSignBytes } from "../../chain/types/vote.ts";
import type { StakingKeeperI } from "../../modules/inference/expected-keepers.ts";
import { InferenceDuties } from "../../validator/duties.ts";
import { ErrBadInput, ErrModelRuntime } from "../../validator/errors.ts";
import type { InferenceExecutor, InferenceJob, Tensor } from "../../validator/executor/types.ts";
import { appStoreNames } from "../app/helpers.ts";
import { MemCommitMultiStore } from "../app/memory-store.ts";
import { initChainRequest } from "../support/init-chain.ts";

export const CHAIN_ID = "dgrid-inference-test";
const sha = (s: string | Uint8Array) => new Uint8Array(createHash("sha256").update(s).digest());

export interface FakeValidator {
  name: string;
  key: Ed25519Key;
  operator: string;
  account: string;
  validator: Validator;
}

export function fakeValidator(name: string, tokens = 10_000_000n): FakeValidator {
  const key = Ed25519Key.fromSeed(sha(`validator ${name}`));
  const opBytes = sha(`operator ${name}`).slice(0, 20);
  const operator = addressToString(opBytes, Bech32PrefixValAddr);
  return {
    name,
    key,
    operator,
    account: addressToString(opBytes),
    validator: Validator.fromPartial({
      operatorAddress: operator,
      consensusPubkey: {
        typeUrl: "/cosmos.crypto.ed25519.PubKey",
        value: Ed25519PubKey.encode({ key: key.pubKey }).finish(),
      },
      jailed: false,
      status: BondStatus.BOND_STATUS_BONDED,
      tokens: tokens.toString(),
      delegatorShares: `${tokens}000000000000000000`,
    }),
  };
}

/** Staking as the inference module expects it; records slashes. */
export class FakeStakingKeeper implements StakingKeeperI {
  readonly slashes: { consAddr: string; height: number; power: bigint; fraction: Dec }[] = [];
  constructor(readonly validators: FakeValidator[]) {}
  /** as the staking keeper's: the bonded ones, highest power first (a stable sort: ties keep their order) */
  async bondedValidatorsByPower(_ctx: Context): Promise<Validator[]> {
    return this.validators
      .map((v) => v.validator)
      .filter((v) => v.status === BondStatus.BOND_STATUS_BONDED)
      .sort((a, b) => (this.powerOf(b) > this.powerOf(a) ? 1 : this.powerOf(b) < this.powerOf(a) ? -1 : 0));
  }
  powerOf(v: Validator): bigint {
    return BigInt(v.tokens) / 1_000_000n;
  }
  async validator(_ctx: Context, operator: string): Promise<Validator | undefined> {
    return this.validators.find((v) => v.operator === operator)?.validator;
  }
  async validatorByConsAddr(_ctx: Context, consAddr: Uint8Array): Promise<Validator | undefined> {
    return this.validators.find((v) => Buffer.from(v.key.address).equals(Buffer.from(consAddr)))?.validator;
  }
  async slash(ctx: Context, consAddr: Uint8Array, height: number, power: bigint, fraction: Dec): Promise<void> {
    // as modules/staking (SDK Slash): an unbonded validator must not be slashed
    if ((await this.validatorByConsAddr(ctx, consAddr))?.status === BondStatus.BOND_STATUS_UNBONDED)
      throw new Error("should not be slashing unbonded validator");
    this.slashes.push({ consAddr: Buffer.from(consAddr).toString("hex"), height, power, fraction });
  }
}

/** The model of the tests: y[b] = [sum(x[b]), max(x[b])] over float32 rows of 4. */
export function modelOutputs(inputs: Record<string, Tensor>): Record<string, Tensor> {
  const x = new Float32Array(inputs.x.data.slice().buffer);
  const rows = inputs.x.shape[0];
  const y = new Float32Array(rows * 2);
  for (let b = 0; b < rows; b++) {
    let s = 0;
    let m = -Infinity;
    for (let j = 0; j < 4; j++) {
      s = Math.fround(s + x[b * 4 + j]);
      m = Math.max(m, x[b * 4 + j]);
    }
    y[b * 2] = s;
    y[b * 2 + 1] = m;
  }
  return { y: { dtype: "float32", shape: [rows, 2], data: new Uint8Array(y.buffer) } };
}

/**
 * What the fake model cannot run, as onnxruntime would refuse it: a first value of NaN makes the run
 * fail (ErrModelRuntime), +Infinity is refused as an input (ErrBadInput). Honest executors reach the
 * same error; a corrupt one makes up an output instead.
 */
export function fakeModelError(inputs: Record<string, Tensor>): Error | undefined {
  const first = new DataView(inputs.x.data.buffer, inputs.x.data.byteOffset, 4).getFloat32(0, true);
  if (Number.isNaN(first)) return ErrModelRuntime.wrap("fake model: NaN in the input");
  if (first === Number.POSITIVE_INFINITY) return ErrBadInput.wrap("fake model: infinite input");
  return undefined;
}

export type Behaviour = "honest" | "corrupt" | "silent" | "unique";

export class FakeExecutor implements InferenceExecutor {
  readonly provider = "cpu";
  readonly jobs: InferenceJob[] = [];
  constructor(
    public behaviour: Behaviour,
    private readonly salt = 0,
  ) {}
  run(job: InferenceJob): Promise<Record<string, Tensor>> {
    this.jobs.push(job);
    if (this.behaviour === "silent") return Promise.reject(new Error("executor stopped"));
    const failure = fakeModelError(job.inputs);
    if (failure && this.behaviour !== "corrupt") return Promise.reject(failure);
    const out = modelOutputs(job.inputs);
    if (this.behaviour === "corrupt" || this.behaviour === "unique") {
      const y = new Float32Array(out.y.data.slice().buffer);
      y[0] += this.behaviour === "corrupt" ? 1 : 10 + this.salt;
      out.y = { ...out.y, data: new Uint8Array(y.buffer) };
    }
    return Promise.resolve(out);
  }
  async close(): Promise<void> {}
}

export interface Node {
  v: FakeValidator;
  app: DGridApp;
  duties: InferenceDuties;
  executor: FakeExecutor;
  /** the outputs this node revealed by hash (its output store) */
  outputs: MemOutputStore;
}

/** An in-memory output store (the node's is a BlobStore under <home>/data/outputs). */
export class MemOutputStore {
  readonly bytes = new Map<string, Uint8Array>();
  async put(hash: string, bytes: Uint8Array): Promise<{ created: boolean }> {
    const created = !this.bytes.has(hash);
    this.bytes.set(hash, bytes);
    return { created };
  }
}

export interface Net {
  nodes: Node[];
  staking: FakeStakingKeeper;
  height: number;
  /** extended commit of the last height, for the next proposer */
  lastExtCommit?: ExtendedCommitInfo;
  /** block events and tx results of every height */
  blocks: { height: number; events: Event[]; txEvents: Event[][]; codes: number[]; logs: string[] }[];
  /** per-height override of a validator's extension bytes (by validator index) */
  overrideExtension?: (height: number, index: number, ext: Uint8Array) => Uint8Array;
}

let counter = 0;

export function newNet(validators: FakeValidator[], behaviours: Behaviour[]): Net {
  // each node has its own staking keeper (slashes are recorded per node); net.staking is node 0's
  const stakings = validators.map(() => new FakeStakingKeeper(validators));
  const staking = stakings[0];
  const nodes = validators.map((v, i) => {
    const logger = pino({ level: "silent" });
    const executor = new FakeExecutor(behaviours[i] ?? "honest", i);
    let n = 0;
    const outputs = new MemOutputStore();
    const duties = new InferenceDuties(
      { consAddress: v.key.address },
      // deterministic salts (the protocol does not need them to be, but the test output is stable)
      {
        executor,
        logger,
        randomBytes: (len) => sha(`${v.name} salt ${counter++} ${n++}`).slice(0, len),
        outputs,
      },
    );
    const store = new MemCommitMultiStore({ storeNames: appStoreNames() });
    const app = new DGridApp(
      { chainId: CHAIN_ID, minGasPrices: "0.025udgrid" },
      { db: undefined as any, logger, store, stakingKeeper: stakings[i], inferenceDuties: duties },
    );
    return { v, app, duties, executor, outputs };
  });
  return { nodes, staking, height: 0, blocks: [] };
}

export async function initNet(net: Net, appState: unknown): Promise<void> {
  for (const n of net.nodes) {
    await n.app.initChain(initChainRequest(CHAIN_ID, appState));
  }
}

const ts = (h: number) => ({ seconds: 1_700_000_000n + BigInt(h) * 5n, nanos: 0 });

/** One height: proposal with the injected extended commit, votes with extensions, finalize, commit. */
export async function step(net: Net, txs: Uint8Array[] = []): Promise<Net["blocks"][number]> {
  const h = ++net.height;
  const proposer = net.nodes[h % net.nodes.length];
  const prep = await proposer.app.prepareProposal({
    maxTxBytes: 10_000_000n,
    txs,
    localLastCommit: net.lastExtCommit ?? { round: 0, votes: [] },
    misbehavior: [],
    height: BigInt(h),
    time: ts(h),
    nextValidatorsHash: new Uint8Array(32),
    proposerAddress: proposer.v.key.address,
  });
  const hash = sha(`block ${h}`);
  for (const n of net.nodes) {
    const r = await n.app.processProposal({
      txs: prep.txs,
      proposedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash,
      height: BigInt(h),
      time: ts(h),
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: proposer.v.key.address,
    });
    assert.equal(r.status, ResponseProcessProposal_ProposalStatus.ACCEPT, `height ${h}: proposal rejected`);
  }
  // precommits with extensions (computed on the last committed state, as CometBFT does)
  for (const n of net.nodes) await n.duties.idle();
  const votes = [];
  for (let i = 0; i < net.nodes.length; i++) {
    const n = net.nodes[i];
    let ext = (
      await n.app.extendVote({
        hash,
        height: BigInt(h),
        time: ts(h),
        txs: prep.txs,
        proposedLastCommit: { round: 0, votes: [] },
        misbehavior: [],
        nextValidatorsHash: new Uint8Array(32),
        proposerAddress: proposer.v.key.address,
      })
    ).voteExtension;
    if (net.overrideExtension) ext = net.overrideExtension(h, i, ext);
    const signature = n.v.key.sign(
      voteExtensionSignBytes(CHAIN_ID, {
        type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
        height: BigInt(h),
        round: 0,
        extension: ext,
      } as any),
    );
    for (const other of net.nodes) {
      const r = await other.app.verifyVoteExtension({
        hash,
        validatorAddress: n.v.key.address,
        height: BigInt(h),
        voteExtension: ext,
      });
      assert.equal(r.status, ResponseVerifyVoteExtension_VerifyStatus.ACCEPT, `height ${h}: extension of ${n.v.name}`);
    }
    votes.push({
      validator: { address: n.v.key.address, power: net.staking.powerOf(n.v.validator) },
      voteExtension: ext,
      extensionSignature: signature,
      blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
    });
  }
  let appHash: Uint8Array | undefined;
  let out: Net["blocks"][number] | undefined;
  for (const n of net.nodes) {
    const res = await n.app.finalizeBlock({
      txs: prep.txs,
      decidedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash,
      height: BigInt(h),
      time: ts(h),
      nextValidatorsHash: new Uint8Array(32),
      proposerAddress: proposer.v.key.address,
    });
    await n.app.commit({});
    if (appHash) assert.deepEqual(res.appHash, appHash, `height ${h}: app hashes differ`);
    appHash = res.appHash;
    out ??= {
      height: h,
      events: res.events,
      txEvents: res.txResults.map((t) => t.events),
      codes: res.txResults.map((t) => t.code),
      logs: res.txResults.map((t) => t.log),
    };
    assert.deepEqual(await n.app.checkInvariants(), [], `height ${h}: invariants`);
  }
  net.lastExtCommit = { round: 0, votes };
  net.blocks.push(out!);
  for (const n of net.nodes) await n.duties.idle();
  return out!;
}

export function attrsOf(events: Event[], type: string): Record<string, string>[] {
  return events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

export function allEvents(net: Net, type: string): (Record<string, string> & { height: string })[] {
  const out: (Record<string, string> & { height: string })[] = [];
  for (const b of net.blocks) {
    for (const a of attrsOf([...b.events, ...b.txEvents.flat()], type)) out.push({ ...a, height: String(b.height) });
  }
  return out;
}
