// `dgrid tx bank send`: the command definition; the signing and broadcasting (tx-send.ts, CosmJS) is
// imported only when it runs.
import { type Command, Option } from "commander";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addKeyringOptions } from "./keyring-flags.ts";
import { addNodeOption } from "./node-client.ts";

export const DEFAULT_GAS_LIMIT = 200_000;
export const DEFAULT_GAS_PRICE = "0.025udgrid";

export interface SendFlags {
  chainId?: string;
  fees?: string;
  /** fee.granter: the account whose fee allowance (x/feegrant) pays the fee */
  feeGranter?: string;
  gasPrices?: string;
  gas?: string;
  gasAdjustment: string;
  memo: string;
  yes: boolean;
  broadcastMode: "sync" | "block";
  timeout: string;
}

/** Exit code 1 for a tx the node rejected or that failed in the block. */
export class TxResultError extends CliError {}

/** What to do about the usual refusals (SDK codespace "sdk"). */
const HINTS: Record<number, string> = {
  11: "raise --gas, or let the node estimate it with --gas auto",
  13: "raise --fees or --gas-prices",
  5: "the account cannot pay: fund it or lower the amount or fee",
};

/** Prints a broadcast result (`-o`), then fails the command when the tx was not accepted or failed. */
export function printTxResult(
  io: CliIO,
  cmd: Command,
  result: { code: number; codespace?: string; raw_log: string; height?: string },
  format: (r: unknown) => string = toYaml,
): void {
  printResult(io, globalsOf(cmd).output, result, format);
  if (result.code === 0) return;
  const where =
    !result.height || result.height === "0" ? "refused by the node (CheckTx)" : `failed in block ${result.height}`;
  const hint = (result.codespace ?? "sdk") === "sdk" ? HINTS[result.code] : undefined;
  throw new TxResultError(
    `transaction ${where} with code ${result.code}${result.codespace ? ` (codespace ${result.codespace})` : ""}: ${result.raw_log}${hint ? `; ${hint}` : ""}`,
  );
}

/**
 * The signing / fee / broadcast flags every `tx` command takes (also --node and the keyring flags).
 * `defaults.gas: "auto"` for txs whose size the user's data decides (models, inputs, proposals):
 * a fixed limit fails them with "out of gas" for no reason the user can see.
 */
export function addTxFlags(cmd: Command, defaults: { gas?: "auto" } = {}): Command {
  cmd
    .option("--chain-id <id>", "chain id; must match the node's")
    .option("--fees <coins>", "fee to pay, e.g. 5000udgrid")
    .option("--fee-granter <address>", "charge the fee to this account's fee allowance for the signer (x/feegrant)")
    .option(
      "--gas-prices <price>",
      `gas price to pay per unit, e.g. ${DEFAULT_GAS_PRICE} (default when --fees is absent)`,
    )
    .option(
      "--gas <n|auto>",
      `gas limit, or "auto" to simulate (default ${defaults.gas ?? DEFAULT_GAS_LIMIT})`,
      defaults.gas,
    )
    .option("--gas-adjustment <x>", "factor applied to the simulated gas with --gas auto", "1.3")
    .option("--memo <text>", "memo", "")
    .option("-y, --yes", "skip the confirmation prompt", false)
    .addOption(
      new Option("-b, --broadcast-mode <mode>", "sync: return after CheckTx; block: wait for the block")
        .choices(["sync", "block"])
        .default("sync"),
    )
    .option("--timeout <ms>", "how long block mode waits for inclusion", "60000");
  return addNodeOption(addKeyringOptions(cmd));
}

export function registerTxCommands(program: Command, io: CliIO): void {
  const tx = program.command("tx").description("sign and broadcast transactions");
  const bank = tx.command("bank").description("bank module transactions");

  const send = addTxFlags(
    bank
      .command("send <from_key_or_address> <to_address> <amount>")
      .description("send coins, e.g. tx bank send alice dgrid1... 1000udgrid"),
  );
  send.action(async (from: string, to: string, amount: string, opts: SendFlags, cmd: Command) => {
    const { bankSend } = await import("./tx-send.ts");
    printTxResult(io, cmd, await bankSend(io, cmd, from, to, amount, opts));
  });
}
