// `dgrid keys add|list|show|delete`: account keys in the local keyring (see keyring.ts).
import type { Command } from "commander";
import type { KeyInfo } from "../../chain/keyring/keyring.ts";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addKeyringOptions, confirm, openKeyring } from "./keyring-flags.ts";

export const MNEMONIC_NOTICE =
  "**Important** write this mnemonic phrase in a safe place.\nIt is the only way to recover your account if you ever forget your password.\n";

export function keyText(k: KeyInfo | KeyInfo[]): string {
  const list = Array.isArray(k) ? k : [k];
  if (list.length === 0) return "No keys found.\n";
  return toYaml(list.map((x) => ({ name: x.name, type: x.type, address: x.address, pubkey: x.pubkey })));
}

export function registerKeysCommands(program: Command, io: CliIO): void {
  const keys = program.command("keys").description("manage the account keys of the local keyring");

  addKeyringOptions(
    keys
      .command("add <name>")
      .description("create a key (a new 24-word mnemonic, or --recover one read from stdin)")
      .option("--recover", "read a BIP-39 mnemonic from stdin instead of generating one", false)
      .option("--hd-path <path>", "BIP-44 derivation path", "m/44'/118'/0'/0/0"),
  ).action(async (name: string, opts: { recover: boolean; hdPath: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const ring = openKeyring(cmd, io);
    let mnemonic: string | undefined;
    if (opts.recover) {
      if (ring.has(name)) throw new CliError(`key "${name}" already exists in ${ring.path}`);
      io.err("Enter your bip39 mnemonic\n");
      mnemonic = (await io.readStdin()).trim();
      if (!mnemonic) throw new CliError("no mnemonic given on stdin");
    }
    const { info, mnemonic: words } = await ring.add(name, mnemonic, opts.hdPath);
    if (g.output === "json") {
      const out: Record<string, string> = { ...info };
      if (!opts.recover) out.mnemonic = words;
      io.out(`${JSON.stringify(out)}\n`);
      return;
    }
    io.out(keyText(info));
    if (!opts.recover) io.err(`\n${MNEMONIC_NOTICE}\n${words}\n`);
  });

  addKeyringOptions(keys.command("list").description("list all keys")).action((_opts: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    printResult(io, g.output, openKeyring(cmd, io).list(), keyText);
  });

  addKeyringOptions(
    keys
      .command("show <name>")
      .description("show a key by name or address")
      .option("-a, --address", "print the address only", false)
      .option("-p, --pubkey", "print the public key only", false),
  ).action((name: string, opts: { address: boolean; pubkey: boolean }, cmd: Command) => {
    const g = globalsOf(cmd);
    const info = openKeyring(cmd, io).get(name);
    if (opts.address) io.out(`${info.address}\n`);
    else if (opts.pubkey) io.out(`${info.pubkey}\n`);
    else printResult(io, g.output, info, keyText);
  });

  addKeyringOptions(
    keys
      .command("delete <name>")
      .description("delete a key by name or address")
      .option("-y, --yes", "skip the confirmation prompt", false),
  ).action(async (name: string, opts: { yes: boolean }, cmd: Command) => {
    const ring = openKeyring(cmd, io);
    const info = ring.get(name);
    if (!opts.yes && !(await confirm(io, `Key reference "${info.name}" will be deleted. Continue?`))) {
      throw new CliError("aborted: key not deleted");
    }
    ring.delete(info.name);
    io.err(`Key "${info.name}" deleted\n`);
  });
}
