// What `dgrid init` does to make its node the new chain's validator, as a Cosmos developer would by
// hand (keys add, genesis add-account, genesis gentx, genesis collect-gentxs): an operator key in the
// keyring, its account funded in genesis, a gentx self-delegating with the home's consensus key,
// collected into genesis.json; and the node configured to sign MsgServeModel with that key.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { type Coin, DefaultBondDenom } from "../../chain/baseapp/coins.ts";
import { type KeyInfo, type Keyring, keyringPath } from "../../chain/keyring/keyring.ts";
import { genesisPath, loadConfig, nodeKeyPath, privValidatorKeyPath, writeConfig } from "../../chain/node/config.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../../chain/types/address.ts";
import { genesisToJson, validateGenesis as validateCometGenesis } from "../../chain/types/genesis.ts";
import { loadNodeKey, loadPrivValidatorKey, nodeId } from "../../chain/types/keys.ts";
import { collectGentxs, createGentx } from "../../modules/genutil/gentx.ts";
import { addGenesisAccount, validateAppState } from "../genesis.ts";
import { parseCoins } from "./args.ts";
import { CliError } from "./context.ts";
import { readGenesis } from "./genesis.ts";
import { gentxDir, gentxVerifier, p2pPort, writeGentxFile } from "./gentx.ts";

/** default keyring name of the validator's operator key (as the localnet and devnet name theirs) */
export const VALIDATOR_KEY = "validator";

export interface ValidatorFunds {
  balance: Coin[];
  selfDelegation: Coin;
}

/** `--validator-balance` and `--self-delegation`: one bond-denom coin, covered by the balance. */
export function parseValidatorFunds(balanceText: string, selfDelegationText: string): ValidatorFunds {
  const balance = parseCoins(balanceText);
  const self = parseCoins(selfDelegationText);
  if (self.length !== 1 || self[0].denom !== DefaultBondDenom) {
    throw new CliError(`--self-delegation must be one ${DefaultBondDenom} amount, got "${selfDelegationText}"`);
  }
  const have = balance.find((c) => c.denom === DefaultBondDenom)?.amount ?? 0n;
  if (have < self[0].amount) {
    throw new CliError(
      `--validator-balance ${balanceText} does not cover --self-delegation ${selfDelegationText} (it must hold at least that much ${DefaultBondDenom})`,
    );
  }
  return { balance, selfDelegation: self[0] };
}

export interface ValidatorKey {
  info: KeyInfo;
  signer: OfflineDirectSigner;
  ring: Keyring;
  /** set when the key was created now (absent when an existing key is reused) */
  mnemonic?: string;
}

/** The operator key `name`: reused when the keyring has it, created otherwise. */
export async function validatorKey(ring: Keyring, name: string): Promise<ValidatorKey> {
  try {
    if (ring.has(name)) return { info: ring.get(name), signer: await ring.signer(name), ring };
    const { info, mnemonic } = await ring.add(name);
    return { info, signer: await ring.signer(name), ring, mnemonic };
  } catch (e) {
    throw new CliError(`validator key "${name}": ${(e as Error).message}; or init with --no-validator`);
  }
}

export interface GenesisValidatorResult {
  key: string;
  keyring_backend: string;
  /** "created" or "reused" */
  key_status: string;
  address: string;
  operator_address: string;
  balance: string;
  self_delegation: string;
  gentx: string;
  /** whether the node signs MsgServeModel with the key (config inference.operatorKey) */
  serves_models: boolean;
  mnemonic?: string;
}

const coinText = (coins: Coin[]) => coins.map((c) => `${c.amount}${c.denom}`).join(",");

/**
 * Funds the key's account in the home's genesis, signs and collects its gentx (written to
 * config/gentx/ as `genesis gentx` would), and points the node's config at the key.
 */
export async function addGenesisValidator(
  opts: { home: string; funds: ValidatorFunds },
  deps: { key: ValidatorKey },
): Promise<GenesisValidatorResult> {
  const { home, funds } = opts;
  const { info, signer, ring } = deps.key;
  const doc = readGenesis(home);
  doc.app_state = addGenesisAccount(doc.app_state, info.address, funds.balance);
  const id = nodeId(loadNodeKey(nodeKeyPath(home)));
  const config = loadConfig(home);
  const gentx = await createGentx({
    chainId: doc.chain_id,
    signer,
    consensusPubKey: loadPrivValidatorKey(privValidatorKeyPath(home)).pubKey,
    amount: { denom: funds.selfDelegation.denom, amount: funds.selfDelegation.amount.toString() },
    moniker: config.moniker,
    memo: `${id}@127.0.0.1:${p2pPort(home)}`,
  });
  try {
    collectGentxs(doc, [gentx], gentxVerifier);
    validateAppState(doc.app_state);
    validateCometGenesis(doc);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const gentxFile = writeGentxFile(join(gentxDir(home), `gentx-${id}.json`), gentx);
  writeFileSync(genesisPath(home), genesisToJson(doc));
  // the node finds the key in its home's keyring only
  const servesModels = ring.path === keyringPath(home, ring.backend);
  if (servesModels) {
    config.inference.operatorKey = info.name;
    config.inference.keyringBackend = ring.backend;
    writeConfig(home, config);
  }
  return {
    key: info.name,
    keyring_backend: ring.backend,
    key_status: deps.key.mnemonic ? "created" : "reused",
    address: info.address,
    operator_address: addressToString(addressFromString(info.address), Bech32PrefixValAddr),
    balance: coinText(funds.balance),
    self_delegation: coinText([funds.selfDelegation]),
    gentx: gentxFile,
    serves_models: servesModels,
    mnemonic: deps.key.mnemonic,
  };
}

/** The lines `dgrid init` prints about the validator it made. */
export function validatorText(v: GenesisValidatorResult): string[] {
  const passphrase = v.keyring_backend === "file" ? " (the node reads DGRID_KEYRING_PASSPHRASE to use it)" : "";
  return [
    `  validator key:  "${v.key}" (${v.key_status}, ${v.keyring_backend} keyring) ${v.address}`,
    `  operator:       ${v.operator_address}`,
    `  genesis:        funded ${v.address} with ${v.balance}; its gentx bonds ${v.self_delegation}`,
    `                  (${v.gentx}, collected: the validator set comes from it)`,
    v.serves_models
      ? `  models:         the node serves registered models, signing MsgServeModel with "${v.key}"${passphrase}`
      : "  models:         the key is outside the home's keyring: set inference.operatorKey to serve models",
  ];
}
