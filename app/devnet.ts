// The single-validator development network that `npm start` runs: a committed genesis.json whose
// validator key and funded account are derived from PUBLIC, INSECURE development secrets below.
// Never use these keys for anything of value.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { Keyring } from "../chain/keyring/keyring.ts";
import {
  existingConfigFiles,
  genesisPath,
  loadConfig,
  type NodeConfig,
  privValidatorKeyPath,
  writeConfig,
} from "../chain/node/config.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../chain/types/address.ts";
import { type GenesisDoc, genesisToJson, validateGenesis } from "../chain/types/genesis.ts";
import { Ed25519Key, privValidatorKeyToJson } from "../chain/types/keys.ts";
import { snakeKeys } from "../chain/types/proto-json.ts";
import { DEMO_MODEL_PATH, demoModel } from "../models/demo.ts";
import { defaultParams as inferenceDefaults } from "../modules/inference/params.ts";
import { GenesisState as InferenceGenesis } from "../proto/gen/dgrid/inference/v1/inference.ts";
import { type Model, GenesisState as RegistryGenesis } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { parseCoins } from "./cli/args.ts";
import { buildGenesisWithGentxs } from "./cli/gentx.ts";
import { initHome } from "./cli/init.ts";

export const DEVNET_CHAIN_ID = "dgrid-devnet-1";
export const DEVNET_GENESIS_TIME = "2026-11-24T00:00:00.000000000Z";
/** Public development mnemonic of the funded devnet account (like Hardhat's / Anvil's test accounts). */
export const DEVNET_MNEMONIC =
  "just blush fossil main social sheriff print course finger dawn pair garlic erode senior copy doll token flip win eyebrow joke scene trouble obvious";
export const DEVNET_ACCOUNT_COINS = "1000000000000udgrid";
/** HD paths under DEVNET_MNEMONIC: the funded user account, the demo model's creator, the validator operator. */
export const DEVNET_HD_PATHS = {
  user: "m/44'/118'/0'/0/0",
  creator: "m/44'/118'/0'/0/1",
  operator: "m/44'/118'/0'/0/2",
} as const;
/** operator account: balance and self-delegation (bonded at genesis through a gentx) */
export const DEVNET_OPERATOR_COINS = "2000000000udgrid";
export const DEVNET_SELF_DELEGATION = 1_000_000_000n;
/** consensus param abci.vote_extensions_enable_height (inference needs vote extensions) */
export const DEVNET_VOTE_EXTENSIONS_HEIGHT = 2;
/** name of the operator's key in the devnet home's test keyring (config inference.operatorKey) */
export const DEVNET_OPERATOR_KEY_NAME = "validator";
export const repoGenesisPath = resolve(import.meta.dirname, "..", "genesis.json");

/** The devnet validator's ed25519 key: a seed anyone can derive. */
export function devnetValidatorKey(): Ed25519Key {
  return Ed25519Key.fromSeed(createHash("sha256").update("dgrid devnet validator key (public, insecure)").digest());
}

export async function devnetAccountAddress(): Promise<string> {
  const wallet = await Secp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: "dgrid" });
  return (await wallet.getAccounts())[0].address;
}

/** A signer of one of the devnet accounts (DEVNET_HD_PATHS). */
export async function devnetWallet(which: keyof typeof DEVNET_HD_PATHS): Promise<DirectSecp256k1HdWallet> {
  return DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, {
    prefix: "dgrid",
    hdPaths: [stringToPath(DEVNET_HD_PATHS[which])],
  });
}

export async function devnetAddress(which: keyof typeof DEVNET_HD_PATHS): Promise<string> {
  return (await (await devnetWallet(which)).getAccounts())[0].address;
}

/**
 * Builds the devnet genesis from the constants above; `genesis.json` at the repository root is its
 * output. One validator, bonded through a gentx of the operator account (so staking and inference
 * know it); vote extensions from DEVNET_VOTE_EXTENSIONS_HEIGHT; inference redundancy 1; the demo
 * model registered and served by the validator. `extraModels` (benchmarks, tests) are registered and
 * served by the validator too, after the demo model; the committed genesis.json has none.
 */
export async function buildDevnetGenesis(
  opts: { chainId?: string; genesisTime?: string; extraModels?: Model[] } = {},
): Promise<GenesisDoc> {
  const key = devnetValidatorKey();
  const operator = await devnetWallet("operator");
  const { genesis: doc } = await buildGenesisWithGentxs({
    chainId: opts.chainId ?? DEVNET_CHAIN_ID,
    genesisTime: opts.genesisTime ?? DEVNET_GENESIS_TIME,
    accounts: [{ address: await devnetAccountAddress(), coins: parseCoins(DEVNET_ACCOUNT_COINS) }],
    validators: [
      {
        signer: operator,
        consensusPubKey: key.pubKey,
        moniker: "devnet-validator",
        balance: parseCoins(DEVNET_OPERATOR_COINS),
        selfDelegation: DEVNET_SELF_DELEGATION,
      },
    ],
  });
  doc.consensus_params.abci = { vote_extensions_enable_height: String(DEVNET_VOTE_EXTENSIONS_HEIGHT) };
  const valoper = devnetValoper(await devnetAddress("operator"));
  const models = [demoModel(await devnetAddress("creator")), ...(opts.extraModels ?? [])];
  const appState = doc.app_state as Record<string, unknown>;
  appState.registry = snakeKeys(
    RegistryGenesis.toJSON({
      params: undefined,
      models,
      servers: models.map((m) => ({ modelId: m.id, validator: valoper, provider: "cpu", sinceHeight: 0n })),
      conformanceFailures: [],
      modelStats: [],
      creatorEarnings: [],
    }),
  );
  appState.inference = snakeKeys(
    InferenceGenesis.toJSON({
      params: { ...inferenceDefaults(), defaultRedundancy: 1 },
      nextRequestId: 1n,
      requests: [],
      results: [],
    }),
  );
  validateGenesis(doc);
  return doc;
}

/** dgrid1... -> dgridvaloper1... (same bytes) */
export function devnetValoper(account: string): string {
  return addressToString(addressFromString(account), Bech32PrefixValAddr);
}

export interface DevnetHome {
  home: string;
  created: boolean;
}

/**
 * Makes (or reuses) the devnet home: a normal `dgrid init` home whose validator key and genesis are
 * replaced by the devnet ones. An existing home made from a different genesis is refused unless `reset`.
 */
export function prepareDevnetHome(home: string, opts: { reset?: boolean; rpcLaddr?: string } = {}): DevnetHome {
  const committed = readFileSync(repoGenesisPath, "utf8");
  if (opts.reset) rmSync(home, { recursive: true, force: true });
  let created = false;
  if (existingConfigFiles(home).length > 0) {
    const current = existsSync(genesisPath(home)) ? readFileSync(genesisPath(home), "utf8") : "";
    if (current !== committed) {
      throw new Error(`${home} holds a different genesis than ${repoGenesisPath}; run with --reset to start over`);
    }
  } else {
    initHome({ home, chainId: DEVNET_CHAIN_ID, moniker: "devnet-validator", overwrite: true });
    writeFileSync(
      privValidatorKeyPath(home),
      `${JSON.stringify(privValidatorKeyToJson(devnetValidatorKey()), null, 2)}\n`,
    );
    writeFileSync(genesisPath(home), committed);
    const cfg = loadConfig(home);
    cfg.consensus.timeoutCommitMs = 1000;
    cfg.p2p.laddr = "tcp://127.0.0.1:26656";
    cfg.inference.operatorKey = DEVNET_OPERATOR_KEY_NAME;
    cfg.inference.keyringBackend = "test";
    cfg.models.import = [DEMO_MODEL_PATH];
    cfg.api.enable = true;
    cfg.api.explorer = true;
    cfg.grpc.enable = true;
    allowLocalOrigins(cfg);
    writeConfig(home, cfg);
    created = true;
  }
  if (opts.rpcLaddr) {
    const cfg = loadConfig(home);
    cfg.rpc.laddr = opts.rpcLaddr;
    writeConfig(home, cfg);
  }
  return { home, created };
}

/** Origins of pages served from this machine (any port), as CometBFT's cors_allowed_origins matches them. */
export const LOCAL_ORIGINS = ["http://127.0.0.1", "http://127.0.0.1:*", "http://localhost", "http://localhost:*"];

/** CORS for local pages on the RPC (rpc.cors_allowed_origins) and on the REST gateway (api.enabled-unsafe-cors). */
export function allowLocalOrigins(cfg: NodeConfig): void {
  cfg.rpc.corsAllowedOrigins = [...LOCAL_ORIGINS];
  cfg.api.enabledUnsafeCors = true;
}

/** Puts the operator's key (public devnet mnemonic) into the home's test keyring as DEVNET_OPERATOR_KEY_NAME. */
export async function addDevnetOperatorKey(home: string): Promise<void> {
  const kr = new Keyring({ backend: "test", dir: home });
  if (!kr.has(DEVNET_OPERATOR_KEY_NAME))
    await kr.add(DEVNET_OPERATOR_KEY_NAME, DEVNET_MNEMONIC, DEVNET_HD_PATHS.operator);
}

/** Regenerates the committed genesis.json (run by `npm run devnet:genesis`). */
export async function writeRepoGenesis(path = repoGenesisPath): Promise<void> {
  writeFileSync(path, genesisToJson(await buildDevnetGenesis()));
}
