// The single-validator development network that `npm start` runs: a committed genesis.json whose
// validator key and funded account are derived from PUBLIC, INSECURE development secrets below.
// Never use these keys for anything of value.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { addGenesisAccount, defaultAppState } from "../cli/app-genesis.ts";
import { parseCoins } from "../cli/args.ts";
import { initHome } from "../cli/init.ts";
import { defaultConsensusParamsJson, type GenesisDoc, genesisToJson, validateGenesis } from "../types/genesis.ts";
import { Ed25519Key, privValidatorKeyToJson, pubKeyToJson } from "../types/keys.ts";
import { configPath, genesisPath, loadConfig, privValidatorKeyPath, writeConfig } from "./config.ts";

export const DEVNET_CHAIN_ID = "dgrid-devnet-1";
export const DEVNET_GENESIS_TIME = "2026-11-24T00:00:00.000000000Z";
/** Public development mnemonic of the funded devnet account (like Hardhat's / Anvil's test accounts). */
export const DEVNET_MNEMONIC =
  "just blush fossil main social sheriff print course finger dawn pair garlic erode senior copy doll token flip win eyebrow joke scene trouble obvious";
export const DEVNET_ACCOUNT_COINS = "1000000000000udgrid";
export const repoGenesisPath = resolve(import.meta.dirname, "..", "..", "genesis.json");

/** The devnet validator's ed25519 key: a seed anyone can derive. */
export function devnetValidatorKey(): Ed25519Key {
  return Ed25519Key.fromSeed(createHash("sha256").update("dgrid devnet validator key (public, insecure)").digest());
}

export async function devnetAccountAddress(): Promise<string> {
  const wallet = await Secp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, { prefix: "dgrid" });
  return (await wallet.getAccounts())[0].address;
}

/** Builds the devnet genesis from the constants above; `genesis.json` at the repository root is its output. */
export async function buildDevnetGenesis(): Promise<GenesisDoc> {
  const key = devnetValidatorKey();
  const appState = addGenesisAccount(defaultAppState(), await devnetAccountAddress(), parseCoins(DEVNET_ACCOUNT_COINS));
  const doc: GenesisDoc = {
    genesis_time: DEVNET_GENESIS_TIME,
    chain_id: DEVNET_CHAIN_ID,
    initial_height: "1",
    consensus_params: defaultConsensusParamsJson(),
    validators: [
      {
        address: Buffer.from(key.address).toString("hex").toUpperCase(),
        pub_key: pubKeyToJson(key.pubKey),
        power: "10",
        name: "devnet-validator",
      },
    ],
    app_hash: "",
    app_state: appState,
  };
  validateGenesis(doc);
  return doc;
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
  if (existsSync(configPath(home))) {
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

/** Regenerates the committed genesis.json (run by `npm run devnet:genesis`). */
export async function writeRepoGenesis(path = repoGenesisPath): Promise<void> {
  writeFileSync(path, genesisToJson(await buildDevnetGenesis()));
}
