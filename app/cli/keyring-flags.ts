// The keyring flags shared by `keys`, `tx` and `genesis add-account`.
import { type Command, Option } from "commander";
import { KEYRING_BACKENDS, Keyring, parseBackend } from "../../chain/keyring/keyring.ts";
import { type CliIO, globalsOf } from "./context.ts";

export function addKeyringOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--keyring-backend <backend>",
        `keyring backend (${KEYRING_BACKENDS.join("|")}); env DGRID_KEYRING_BACKEND`,
      ),
    )
    .option("--keyring-dir <dir>", "folder holding keyring-<backend>/ (default: --home)")
    .option("--keyring-passphrase <passphrase>", "passphrase of the file keyring; env DGRID_KEYRING_PASSPHRASE");
}

export function openKeyring(cmd: Command, io: CliIO): Keyring {
  const o = cmd.opts() as { keyringBackend?: string; keyringDir?: string; keyringPassphrase?: string };
  const backend = parseBackend(o.keyringBackend ?? io.env.DGRID_KEYRING_BACKEND ?? "file");
  return new Keyring({
    backend,
    dir: o.keyringDir ?? globalsOf(cmd).home,
    passphrase: o.keyringPassphrase ?? io.env.DGRID_KEYRING_PASSPHRASE,
  });
}

/** Reads a yes/no answer, one line of stdin (a terminal or a pipe); anything but y/yes is no. */
export async function confirm(io: CliIO, question: string): Promise<boolean> {
  io.err(`${question} [y/N]: `);
  const answer = (await io.readLine()).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
