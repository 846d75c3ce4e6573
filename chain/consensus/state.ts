// The consensus engine's State (cometbft state/state.go): what the next block is validated and built
// against. Persisted as JSON (bytes as base64 of proto encodings) under the `consensus` sublevel.
import type { AbstractLevel } from "abstract-level";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import { BlockID } from "cosmjs-types/tendermint/types/types";
import {
  consensusParamsFromJson,
  type GenesisDoc,
  genesisAppHash,
  genesisTime,
  genesisValidators,
} from "../types/genesis.ts";
import { ValidatorSet } from "./validator-set.ts";
import { NIL_BLOCK_ID } from "./vote-set.ts";

export interface State {
  chainId: string;
  initialHeight: bigint;
  lastBlockHeight: bigint; // 0 (initialHeight-1) before the first block
  lastBlockId: BlockID;
  lastBlockTime: Timestamp;
  validators: ValidatorSet; // for lastBlockHeight+1
  nextValidators: ValidatorSet; // for lastBlockHeight+2
  lastValidators: ValidatorSet; // signed lastBlockHeight
  lastHeightValidatorsChanged: bigint;
  consensusParams: ConsensusParams;
  lastHeightConsensusParamsChanged: bigint;
  lastResultsHash: Uint8Array;
  appHash: Uint8Array;
  appVersion: bigint;
}

export interface GenesisValidatorInput {
  pubKey: Uint8Array; // raw ed25519
  power: bigint;
}

export interface GenesisInput {
  chainId: string;
  initialHeight: bigint;
  genesisTime: Timestamp;
  validators: GenesisValidatorInput[];
  consensusParams: ConsensusParams;
  appHash: Uint8Array;
}

/** MakeGenesisState: validators for height initialHeight, next validators incremented once. */
export function makeGenesisState(g: GenesisInput): State {
  const vals = ValidatorSet.create(g.validators.map((v) => ({ pubKey: v.pubKey, votingPower: v.power })));
  const next = vals.isEmpty() ? new ValidatorSet() : vals.copyIncrementProposerPriority(1);
  return {
    chainId: g.chainId,
    initialHeight: g.initialHeight,
    lastBlockHeight: 0n,
    lastBlockId: NIL_BLOCK_ID,
    lastBlockTime: g.genesisTime,
    validators: vals,
    nextValidators: next,
    lastValidators: new ValidatorSet(),
    lastHeightValidatorsChanged: g.initialHeight,
    consensusParams: g.consensusParams,
    lastHeightConsensusParamsChanged: g.initialHeight,
    lastResultsHash: new Uint8Array(),
    appHash: g.appHash,
    appVersion: g.consensusParams.version?.app ?? 0n,
  };
}

/** The genesis State of a CometBFT genesis document. */
export function genesisStateFromDoc(doc: GenesisDoc): State {
  return makeGenesisState({
    chainId: doc.chain_id,
    initialHeight: BigInt(doc.initial_height || "1"),
    genesisTime: genesisTime(doc),
    validators: genesisValidators(doc).map((v) => ({
      pubKey: v.pubKey.ed25519 ?? new Uint8Array(),
      power: v.votingPower,
    })),
    consensusParams: consensusParamsFromJson(doc.consensus_params),
    appHash: genesisAppHash(doc),
  });
}

export function copyState(s: State): State {
  return {
    ...s,
    validators: s.validators.copy(),
    nextValidators: s.nextValidators.copy(),
    lastValidators: s.lastValidators.copy(),
  };
}

/** Height of the next block to decide. */
export function nextHeight(s: State): bigint {
  return s.lastBlockHeight === 0n ? s.initialHeight : s.lastBlockHeight + 1n;
}

/** Whether vote extensions are required for precommits at `height` (ABCI params). */
export function voteExtensionsEnabled(params: ConsensusParams, height: bigint): boolean {
  const h = params.abci?.voteExtensionsEnableHeight ?? 0n;
  return h > 0n && height >= h;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

export function encodeState(s: State): Uint8Array {
  const json = {
    chainId: s.chainId,
    initialHeight: s.initialHeight.toString(),
    lastBlockHeight: s.lastBlockHeight.toString(),
    lastBlockId: b64(BlockID.encode(s.lastBlockId).finish()),
    lastBlockTime: b64(Timestamp.encode(s.lastBlockTime).finish()),
    validators: b64(s.validators.encode()),
    nextValidators: b64(s.nextValidators.encode()),
    lastValidators: b64(s.lastValidators.encode()),
    lastHeightValidatorsChanged: s.lastHeightValidatorsChanged.toString(),
    consensusParams: b64(ConsensusParams.encode(s.consensusParams).finish()),
    lastHeightConsensusParamsChanged: s.lastHeightConsensusParamsChanged.toString(),
    lastResultsHash: b64(s.lastResultsHash),
    appHash: b64(s.appHash),
    appVersion: s.appVersion.toString(),
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

export function decodeState(bytes: Uint8Array): State {
  const j = JSON.parse(new TextDecoder().decode(bytes));
  return {
    chainId: j.chainId,
    initialHeight: BigInt(j.initialHeight),
    lastBlockHeight: BigInt(j.lastBlockHeight),
    lastBlockId: BlockID.decode(unb64(j.lastBlockId)),
    lastBlockTime: Timestamp.decode(unb64(j.lastBlockTime)),
    validators: ValidatorSet.decode(unb64(j.validators)),
    nextValidators: ValidatorSet.decode(unb64(j.nextValidators)),
    lastValidators: ValidatorSet.decode(unb64(j.lastValidators)),
    lastHeightValidatorsChanged: BigInt(j.lastHeightValidatorsChanged),
    consensusParams: ConsensusParams.decode(unb64(j.consensusParams)),
    lastHeightConsensusParamsChanged: BigInt(j.lastHeightConsensusParamsChanged),
    lastResultsHash: unb64(j.lastResultsHash),
    appHash: unb64(j.appHash),
    appVersion: BigInt(j.appVersion ?? "0"),
  };
}

export type ConsensusDb = AbstractLevel<any, Uint8Array, Uint8Array>;

const enc = (s: string) => new TextEncoder().encode(s);
const STATE_KEY = enc("state");
const heightKey = (prefix: string, h: bigint) => enc(`${prefix}/${h.toString().padStart(20, "0")}`);

/** The `consensus` sublevel: the latest State plus validator sets and params by height (for RPC). */
export class StateStore {
  constructor(private readonly db: ConsensusDb) {}

  async load(): Promise<State | undefined> {
    const v = await this.db.get(STATE_KEY);
    return v ? decodeState(v) : undefined;
  }

  /** Saves the state and the validator sets / params it fixes for the next two heights. */
  async save(s: State): Promise<void> {
    const h = nextHeight(s);
    await this.db.batch([
      { type: "put", key: STATE_KEY, value: encodeState(s) },
      { type: "put", key: heightKey("vals", h), value: s.validators.encode() },
      { type: "put", key: heightKey("vals", h + 1n), value: s.nextValidators.encode() },
      { type: "put", key: heightKey("params", h), value: ConsensusParams.encode(s.consensusParams).finish() },
    ]);
  }

  async loadValidators(height: bigint): Promise<ValidatorSet | undefined> {
    const v = await this.db.get(heightKey("vals", height));
    return v ? ValidatorSet.decode(v) : undefined;
  }

  async loadConsensusParams(height: bigint): Promise<ConsensusParams | undefined> {
    const v = await this.db.get(heightKey("params", height));
    return v ? ConsensusParams.decode(v) : undefined;
  }

  /** Raw access for the priv-validator state and other small records. */
  get raw(): ConsensusDb {
    return this.db;
  }
}
