// `dgrid genesis add-account` and `dgrid genesis validate`.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { genesisPath } from "../../chain/node/config.ts";
import { type GenesisDoc, genesisToJson, parseGenesis } from "../../chain/types/genesis.ts";
import { addGenesisAccount, validateAppState } from "../genesis.ts";
import { isAddress, parseAddress, parseCoins } from "./args.ts";
import { CliError, type CliIO, globalsOf, printResult } from "./context.ts";
import { registerGentxCommands } from "./gentx.ts";
import { addKeyringOptions, openKeyring } from "./keyring-flags.ts";

/** Reads and checks `<home>/config/genesis.json` (CometBFT part and app_state). */
export function readGenesis(home: string): GenesisDoc {
  const path = genesisPath(home);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError(
      `cannot read genesis ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (run \`dgrid init\` first?)`,
    );
  }
  const doc = parseGenesis(text);
  validateAppState(doc.app_state);
  return doc;
}

function writeGenesis(home: string, doc: GenesisDoc): void {
  const path = genesisPath(home);
  writeFileSync(`${path}.tmp`, genesisToJson(doc));
  renameSync(`${path}.tmp`, path);
}

export function registerGenesisCommands(program: Command, io: CliIO): void {
  const genesis = program.command("genesis").description("edit and check genesis.json");
  registerGentxCommands(genesis, io);

  addKeyringOptions(
    genesis
      .command("add-account <address_or_key_name> <coins>")
      .description('add a funded account to genesis.json, e.g. add-account dgrid1... "1000000udgrid,5stake"'),
  ).action((who: string, coinsText: string, _opts: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    const parsedCoins = parseCoins(coinsText);
    let address = who;
    if (!isAddress(who)) {
      // Looks like bech32 but is not a valid dgrid address: report why rather than "key not found".
      if (/^[a-z]{1,83}1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{38,}$/.test(who)) parseAddress(who);
      try {
        address = openKeyring(cmd, io).get(who).address;
      } catch (e) {
        throw new CliError(
          `"${who}" is neither a valid dgrid address nor a key in the keyring: ${(e as Error).message}`,
        );
      }
    }
    const doc = readGenesis(g.home);
    doc.app_state = addGenesisAccount(doc.app_state, address, parsedCoins);
    writeGenesis(g.home, doc);
    const coins = parsedCoins.map((c) => `${c.amount}${c.denom}`).join(",");
    printResult(
      io,
      g.output,
      { address, coins, genesis: genesisPath(g.home) },
      (r) => `added genesis account ${r.address} with ${r.coins} to ${r.genesis}\n`,
    );
  });

  genesis
    .command("validate")
    .description("check genesis.json (CometBFT fields, validators, auth and bank state)")
    .action((_opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      readGenesis(g.home);
      io.out(`File at ${genesisPath(g.home)} is a valid genesis file\n`);
    });
}
