// CometBFT v0.38 genesis.json (types/genesis.go): the JSON shape as CometBFT writes it (snake_case,
// int64 as strings), validation with clear errors, default consensus params, and conversion to the
// cosmjs-types ConsensusParams / RequestInitChain the app receives.
import { readFileSync } from "node:fs";
import { fromHex, toHex, toUtf8 } from "@cosmjs/encoding";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { RequestInitChain } from "cosmjs-types/tendermint/abci/types";
import { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { Validator } from "cosmjs-types/tendermint/types/validator";
import { address, type JsonKey, type KeyError, pubKeyFromJson } from "./keys.ts";
import { formatRfc3339, parseRfc3339 } from "./time.ts";

export const MAX_CHAIN_ID_LEN = 50;

export interface ConsensusParamsJson {
  block: { max_bytes: string; max_gas: string };
  evidence: { max_age_num_blocks: string; max_age_duration: string; max_bytes: string };
  validator: { pub_key_types: string[] };
  version: { app: string };
  abci: { vote_extensions_enable_height: string };
}

export interface GenesisValidatorJson {
  address: string;
  pub_key: JsonKey;
  power: string;
  name: string;
}

export interface GenesisDoc {
  genesis_time: string;
  chain_id: string;
  initial_height: string;
  consensus_params: ConsensusParamsJson;
  validators: GenesisValidatorJson[];
  app_hash: string;
  app_state?: unknown;
}

export class GenesisError extends Error {
  constructor(message: string) {
    super(`genesis: ${message}`);
    this.name = "GenesisError";
  }
}

/** CometBFT's DefaultConsensusParams (types/params.go). */
export function defaultConsensusParamsJson(): ConsensusParamsJson {
  return {
    block: { max_bytes: "22020096", max_gas: "-1" },
    evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
    validator: { pub_key_types: ["ed25519"] },
    version: { app: "0" },
    abci: { vote_extensions_enable_height: "0" },
  };
}

export function defaultConsensusParams(): ConsensusParams {
  return consensusParamsFromJson(defaultConsensusParamsJson());
}

function int(value: unknown, field: string, min?: bigint): bigint {
  if (typeof value !== "string" && typeof value !== "number")
    throw new GenesisError(`${field} must be an integer string`);
  const s = String(value);
  if (!/^-?\d+$/.test(s)) throw new GenesisError(`${field} must be an integer, got ${JSON.stringify(value)}`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw new GenesisError(`${field} overflows int64`);
  if (min !== undefined && n < min) throw new GenesisError(`${field} must be >= ${min}, got ${s}`);
  return n;
}

export function consensusParamsFromJson(json: ConsensusParamsJson): ConsensusParams {
  const secs = int(json.evidence.max_age_duration, "consensus_params.evidence.max_age_duration", 1n);
  return ConsensusParams.fromPartial({
    block: {
      maxBytes: int(json.block.max_bytes, "consensus_params.block.max_bytes"),
      maxGas: int(json.block.max_gas, "consensus_params.block.max_gas"),
    },
    evidence: {
      maxAgeNumBlocks: int(json.evidence.max_age_num_blocks, "consensus_params.evidence.max_age_num_blocks"),
      maxAgeDuration: { seconds: secs / 1_000_000_000n, nanos: Number(secs % 1_000_000_000n) },
      maxBytes: int(json.evidence.max_bytes, "consensus_params.evidence.max_bytes"),
    },
    validator: { pubKeyTypes: [...json.validator.pub_key_types] },
    version: { app: int(json.version.app, "consensus_params.version.app") },
    abci: {
      voteExtensionsEnableHeight: int(
        json.abci.vote_extensions_enable_height,
        "consensus_params.abci.vote_extensions_enable_height",
      ),
    },
  });
}

export function consensusParamsToJson(p: ConsensusParams): ConsensusParamsJson {
  const d = p.evidence?.maxAgeDuration;
  const nanos = d ? d.seconds * 1_000_000_000n + BigInt(d.nanos) : 0n;
  return {
    block: { max_bytes: String(p.block?.maxBytes ?? 0n), max_gas: String(p.block?.maxGas ?? 0n) },
    evidence: {
      max_age_num_blocks: String(p.evidence?.maxAgeNumBlocks ?? 0n),
      max_age_duration: String(nanos),
      max_bytes: String(p.evidence?.maxBytes ?? 0n),
    },
    validator: { pub_key_types: [...(p.validator?.pubKeyTypes ?? [])] },
    version: { app: String(p.version?.app ?? 0n) },
    abci: { vote_extensions_enable_height: String(p.abci?.voteExtensionsEnableHeight ?? 0n) },
  };
}

/** CometBFT ConsensusParams.ValidateBasic (types/params.go). */
export function validateConsensusParams(p: ConsensusParamsJson): void {
  const maxBytes = int(p.block?.max_bytes, "consensus_params.block.max_bytes");
  if (maxBytes === 0n || maxBytes < -1n) throw new GenesisError("consensus_params.block.max_bytes must be -1 or > 0");
  if (maxBytes > 104857600n) throw new GenesisError("consensus_params.block.max_bytes is too big (max 104857600)");
  int(p.block.max_gas, "consensus_params.block.max_gas", -1n);
  int(p.evidence?.max_age_num_blocks, "consensus_params.evidence.max_age_num_blocks", 1n);
  int(p.evidence.max_age_duration, "consensus_params.evidence.max_age_duration", 1n);
  const evBytes = int(p.evidence.max_bytes, "consensus_params.evidence.max_bytes", 0n);
  const effectiveMax = maxBytes === -1n ? 104857600n : maxBytes;
  if (evBytes > effectiveMax)
    throw new GenesisError("consensus_params.evidence.max_bytes must not exceed block.max_bytes");
  const types = p.validator?.pub_key_types;
  if (!Array.isArray(types) || types.length === 0)
    throw new GenesisError("consensus_params.validator.pub_key_types must not be empty");
  for (const t of types) {
    if (t !== "ed25519" && t !== "secp256k1") throw new GenesisError(`unknown pub_key_type ${JSON.stringify(t)}`);
  }
  int(p.version?.app ?? "0", "consensus_params.version.app", 0n);
  int(p.abci?.vote_extensions_enable_height ?? "0", "consensus_params.abci.vote_extensions_enable_height", 0n);
}

/**
 * Parses and validates a genesis document (object or JSON text), filling CometBFT's defaults
 * (initial_height 1, default consensus params, validator addresses). `now` fills an empty genesis_time.
 */
export function parseGenesis(input: unknown, now?: () => Timestamp): GenesisDoc {
  let raw: unknown = input;
  if (typeof input === "string") {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new GenesisError(`invalid JSON: ${(e as Error).message}`);
    }
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new GenesisError("document must be a JSON object");
  const r = raw as Record<string, unknown>;
  const doc: GenesisDoc = {
    genesis_time: typeof r.genesis_time === "string" ? r.genesis_time : "",
    chain_id: typeof r.chain_id === "string" ? r.chain_id : "",
    initial_height: r.initial_height === undefined ? "1" : String(r.initial_height),
    consensus_params: mergeParams(r.consensus_params),
    validators: Array.isArray(r.validators) ? (r.validators as GenesisValidatorJson[]) : [],
    app_hash: typeof r.app_hash === "string" ? r.app_hash : "",
    app_state: r.app_state,
  };
  if (r.validators !== undefined && r.validators !== null && !Array.isArray(r.validators)) {
    throw new GenesisError("validators must be an array");
  }
  if (doc.genesis_time === "" && now) doc.genesis_time = formatRfc3339(now());
  if (doc.initial_height === "0") doc.initial_height = "1";
  doc.validators = doc.validators.map((v, i) => completeValidator(v, i));
  validateGenesis(doc);
  return doc;
}

function mergeParams(json: unknown): ConsensusParamsJson {
  const d = defaultConsensusParamsJson();
  if (json === undefined || json === null) return d;
  if (typeof json !== "object") throw new GenesisError("consensus_params must be an object");
  const j = json as Partial<Record<keyof ConsensusParamsJson, Record<string, unknown>>>;
  return {
    block: { ...d.block, ...(j.block as object) } as ConsensusParamsJson["block"],
    evidence: { ...d.evidence, ...(j.evidence as object) } as ConsensusParamsJson["evidence"],
    validator: { ...d.validator, ...(j.validator as object) } as ConsensusParamsJson["validator"],
    version: { ...d.version, ...(j.version as object) } as ConsensusParamsJson["version"],
    abci: { ...d.abci, ...(j.abci as object) } as ConsensusParamsJson["abci"],
  };
}

function completeValidator(v: unknown, i: number): GenesisValidatorJson {
  if (!v || typeof v !== "object") throw new GenesisError(`validators[${i}] must be an object`);
  const val = v as Partial<GenesisValidatorJson>;
  let pub: Uint8Array;
  try {
    pub = pubKeyFromJson(val.pub_key);
  } catch (e) {
    throw new GenesisError(`validators[${i}]: ${(e as KeyError).message}`);
  }
  const addr = toHex(address(pub)).toUpperCase();
  return {
    address: val.address && val.address.length > 0 ? String(val.address).toUpperCase() : addr,
    pub_key: val.pub_key as JsonKey,
    power: String(val.power ?? ""),
    name: typeof val.name === "string" ? val.name : "",
  };
}

/** CometBFT GenesisDoc.ValidateAndComplete checks; throws GenesisError naming the bad field. */
export function validateGenesis(doc: GenesisDoc): void {
  if (!doc.chain_id) throw new GenesisError("chain_id must not be empty");
  if (doc.chain_id.length > MAX_CHAIN_ID_LEN) {
    throw new GenesisError(`chain_id is too long (${doc.chain_id.length} > ${MAX_CHAIN_ID_LEN})`);
  }
  int(doc.initial_height, "initial_height", 0n);
  if (!doc.genesis_time || !parseRfc3339(doc.genesis_time)) {
    throw new GenesisError(`genesis_time must be an RFC 3339 time, got ${JSON.stringify(doc.genesis_time)}`);
  }
  validateConsensusParams(doc.consensus_params);
  if (!/^([0-9a-fA-F]{2})*$/.test(doc.app_hash)) throw new GenesisError("app_hash must be hex");
  doc.validators.forEach((v, i) => {
    const power = int(v.power, `validators[${i}].power`);
    if (power <= 0n) throw new GenesisError(`validators[${i}] (${v.name || v.address}) has no voting power`);
    const pub = pubKeyFromJson(v.pub_key);
    const want = toHex(address(pub)).toUpperCase();
    if (v.address.toUpperCase() !== want) {
      throw new GenesisError(`validators[${i}] address ${v.address} does not match its pub_key (${want})`);
    }
  });
}

export function loadGenesis(path: string, now?: () => Timestamp): GenesisDoc {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new GenesisError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseGenesis(text, now);
}

/** Genesis JSON text as CometBFT writes it (two-space indent). */
export function genesisToJson(doc: GenesisDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function genesisTime(doc: GenesisDoc): Timestamp {
  const t = parseRfc3339(doc.genesis_time);
  if (!t) throw new GenesisError("genesis_time is not an RFC 3339 time");
  return t;
}

/** Genesis validators as CometBFT Validators (proposer priority 0). */
export function genesisValidators(doc: GenesisDoc): Validator[] {
  return doc.validators.map((v) => ({
    address: fromHex(v.address),
    pubKey: { ed25519: pubKeyFromJson(v.pub_key) },
    votingPower: BigInt(v.power),
    proposerPriority: 0n,
  }));
}

/** The RequestInitChain that CometBFT sends for this genesis (app_state_bytes = the app_state JSON). */
export function genesisToRequestInitChain(doc: GenesisDoc): RequestInitChain {
  return RequestInitChain.fromPartial({
    time: genesisTime(doc),
    chainId: doc.chain_id,
    consensusParams: consensusParamsFromJson(doc.consensus_params),
    validators: doc.validators.map((v) => ({ pubKey: { ed25519: pubKeyFromJson(v.pub_key) }, power: BigInt(v.power) })),
    appStateBytes: doc.app_state === undefined ? new Uint8Array(0) : toUtf8(JSON.stringify(doc.app_state)),
    initialHeight: BigInt(doc.initial_height),
  });
}

/** The app hash in the genesis doc as bytes. */
export function genesisAppHash(doc: GenesisDoc): Uint8Array {
  return fromHex(doc.app_hash);
}
