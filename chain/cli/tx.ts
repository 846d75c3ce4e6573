// `dgrid tx bank send`: sign with a keyring key through SigningStargateClient and broadcast.
import { createHash } from "node:crypto";
import { toHex } from "@cosmjs/encoding";
import { BroadcastTxError, calculateFee, GasPrice, type StdFee, TimeoutError } from "@cosmjs/stargate";
import { type Command, Option } from "commander";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { connectSigningClient, DEFAULT_GAS_PRICE } from "../../client/index.ts";
import { parseAddress, parseCoins, parseGasPrice, parsePositiveInt, parsePositiveNumber } from "./args.ts";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addKeyringOptions, confirm, openKeyring } from "./keyring-flags.ts";
import { addNodeOption, jsonSafe, nodeUrl, withNode } from "./node-client.ts";

export const DEFAULT_GAS_LIMIT = 200_000;

export interface SendFlags {
  chainId?: string;
  fees?: string;
  gasPrices?: string;
  gas?: string;
  gasAdjustment: string;
  memo: string;
  yes: boolean;
  broadcastMode: "sync" | "block";
  timeout: string;
}

/** Exit code 1 for a tx the node rejected or that failed in the block. */
class TxResultError extends CliError {}

export function registerTxCommands(program: Command, io: CliIO): void {
  const tx = program.command("tx").description("sign and broadcast transactions");
  const bank = tx.command("bank").description("bank module transactions");

  const send = bank
    .command("send <from_key_or_address> <to_address> <amount>")
    .description("send coins, e.g. tx bank send alice dgrid1... 1000udgrid")
    .option("--chain-id <id>", "chain id; must match the node's")
    .option("--fees <coins>", "fee to pay, e.g. 5000udgrid")
    .option(
      "--gas-prices <price>",
      `gas price to pay per unit, e.g. ${DEFAULT_GAS_PRICE} (default when --fees is absent)`,
    )
    .option("--gas <n|auto>", `gas limit, or "auto" to simulate (default ${DEFAULT_GAS_LIMIT})`)
    .option("--gas-adjustment <x>", "factor applied to the simulated gas with --gas auto", "1.3")
    .option("--memo <text>", "memo", "")
    .option("-y, --yes", "skip the confirmation prompt", false)
    .addOption(
      new Option("--broadcast-mode <mode>", "sync: return after CheckTx; block: wait for the block")
        .choices(["sync", "block"])
        .default("sync"),
    )
    .option("--timeout <ms>", "how long block mode waits for inclusion", "60000");
  addNodeOption(addKeyringOptions(send)).action(
    async (from: string, to: string, amount: string, opts: SendFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      const result = await bankSend(io, cmd, from, to, amount, opts);
      printResult(io, g.output, result, (r) => toYaml(r));
      if (result.code !== 0) throw new TxResultError(`transaction failed with code ${result.code}: ${result.raw_log}`);
    },
  );
}

async function bankSend(io: CliIO, cmd: Command, from: string, to: string, amount: string, opts: SendFlags) {
  // Check every input before touching the keyring or the network.
  parseAddress(to);
  const coins = parseCoins(amount);
  if (opts.fees !== undefined && opts.gasPrices !== undefined)
    throw new CliError("cannot provide both --fees and --gas-prices");
  const fees = opts.fees !== undefined ? parseCoins(opts.fees) : undefined;
  const gasPrice = parseGasPrice(opts.gasPrices ?? DEFAULT_GAS_PRICE);
  const autoGas = opts.gas === "auto";
  const gasLimit = opts.gas === undefined || autoGas ? DEFAULT_GAS_LIMIT : parsePositiveInt(opts.gas, "gas");
  const adjustment = parsePositiveNumber(opts.gasAdjustment, "gas adjustment");
  const timeoutMs = parsePositiveInt(opts.timeout, "timeout");
  const url = nodeUrl(cmd, io);

  const ring = openKeyring(cmd, io);
  const key = ring.get(from);
  const signer = await ring.signer(key.name);

  return withNode(url, async () => {
    const client = await connectSigningClient(url, signer, { gasPrice, broadcastTimeoutMs: timeoutMs });
    try {
      const chainId = await client.getChainId();
      if (opts.chainId !== undefined && opts.chainId !== chainId) {
        throw new CliError(`--chain-id ${opts.chainId} does not match the node's chain id ${chainId}`);
      }
      const msg = {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: {
          fromAddress: key.address,
          toAddress: to,
          amount: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
        },
      };
      let gas = gasLimit;
      if (autoGas) gas = Math.ceil((await client.simulate(key.address, [msg], opts.memo)) * adjustment);
      const fee: StdFee = fees
        ? { amount: fees.map((c) => ({ denom: c.denom, amount: c.amount.toString() })), gas: String(gas) }
        : calculateFee(gas, GasPrice.fromString(gasPrice));

      if (!opts.yes) {
        io.err(
          `${JSON.stringify({ chain_id: chainId, from: key.address, to, amount, fee, memo: opts.memo }, null, 2)}\n`,
        );
        if (!(await confirm(io, "confirm transaction before signing and broadcasting"))) {
          throw new CliError("aborted: transaction not signed");
        }
      }

      const signed = await client.sign(key.address, [msg], fee, opts.memo);
      const bytes = TxRaw.encode(signed).finish();
      const txhash = toHex(createHash("sha256").update(bytes).digest()).toUpperCase();
      try {
        if (opts.broadcastMode === "sync") {
          await client.broadcastTxSync(bytes);
          return { txhash, code: 0, codespace: "", raw_log: "", height: "0" };
        }
        const res = await client.broadcastTx(bytes, timeoutMs, 500);
        return JSON.parse(
          JSON.stringify(
            {
              txhash: res.transactionHash,
              height: String(res.height),
              code: res.code,
              codespace: (res as { codespace?: string }).codespace ?? "",
              raw_log: res.rawLog ?? "",
              gas_wanted: res.gasWanted,
              gas_used: res.gasUsed,
              events: res.events,
            },
            jsonSafe,
          ),
        );
      } catch (e) {
        if (e instanceof BroadcastTxError) {
          return { txhash, code: e.code, codespace: e.codespace, raw_log: e.log ?? e.message, height: "0" };
        }
        if (e instanceof TimeoutError)
          throw new CliError(`tx ${txhash} was broadcast but not seen in a block within ${timeoutMs} ms`);
        throw e;
      }
    } finally {
      client.disconnect();
    }
  });
}
