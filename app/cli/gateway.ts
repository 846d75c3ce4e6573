// `dgrid gateway --node URL --laddr tcp://127.0.0.1:8402`: the x402 pay-per-call inference gateway
// (app/gateway). Runs until SIGINT/SIGTERM.
import type { Command } from "commander";
import { startGateway } from "../gateway/gateway.ts";
import { type CliIO, globalsOf } from "./context.ts";
import { makeNodeLogger } from "./logger.ts";

interface GatewayFlags {
  node: string;
  laddr: string;
  gas: string;
  gasPrice: string;
  redundancy: string;
  timeout: string;
  maxHeaderBytes?: string;
}

export function registerGatewayCommand(program: Command, _io: CliIO): void {
  program
    .command("gateway")
    .description("serve x402 pay-per-call inference over HTTP (POST /v1/models/ID/infer), paid by signed DGrid txs")
    .option("--node <url>", "CometBFT RPC of a node", "http://127.0.0.1:26657")
    .option("--laddr <addr>", "address to listen on", "tcp://127.0.0.1:8402")
    .option("--gas <limit>", "gas limit a payment tx declares", "400000")
    .option(
      "--gas-price <price>",
      "gas price of the payment tx fee (at or above the nodes' minimum-gas-prices)",
      "0.025udgrid",
    )
    .option("--redundancy <n>", "executors per request (0 = the chain's default_redundancy)", "0")
    .option("--timeout <seconds>", "maxTimeoutSeconds: how long a paid call is followed", "120")
    .option(
      "--max-header-bytes <n>",
      "largest HTTP header section read (default: Node's, 16384): bounds the input size, which rides in the payment header",
    )
    .action(async (flags: GatewayFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      const logger = makeNodeLogger(g.logLevel, "auto");
      const num = (v: string, name: string) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
        return n;
      };
      const gw = await startGateway(
        {
          node: flags.node,
          laddr: flags.laddr,
          redundancy: num(flags.redundancy, "redundancy"),
          ...(flags.maxHeaderBytes === undefined
            ? {}
            : { maxHeaderBytes: num(flags.maxHeaderBytes, "max-header-bytes") }),
          pricing: {
            gasLimit: num(flags.gas, "gas"),
            gasPrice: flags.gasPrice,
            maxTimeoutSeconds: num(flags.timeout, "timeout"),
          },
        },
        { logger },
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await gw.close();
    });
}
