// `dgrid chain-registry --out DIR`: writes chain.json and assetlist.json (cosmos/chain-registry) and
// keplr.json (Keplr's ChainInfo) for the localnet or the devnet (app/registry-files.ts).
import { type Command, Option } from "commander";
import { DEFAULT_ENDPOINTS, type NetworkName } from "../network-endpoints.ts";
import { type CliIO, globalsOf, printResult } from "./context.ts";

/** "localnet node 0: X, devnet: Y" for a flag's help */
function endpointDefaults(key: "rpc" | "rest" | "grpc"): string {
  return `localnet node 0 ${DEFAULT_ENDPOINTS.localnet[key]}, devnet ${DEFAULT_ENDPOINTS.devnet[key]}`;
}

interface ChainRegistryFlags {
  out: string;
  network: NetworkName;
  chainId?: string;
  rpc?: string;
  rest?: string;
  grpc?: string;
}

export function registerChainRegistryCommand(program: Command, io: CliIO): void {
  program
    .command("chain-registry")
    .description(
      "write chain.json, assetlist.json (cosmos/chain-registry) and keplr.json (Keplr ChainInfo) for a network",
    )
    .requiredOption("--out <dir>", "directory to write the files into (created if missing)")
    .addOption(new Option("--network <name>", "which network").choices(["localnet", "devnet"]).default("localnet"))
    .option("--chain-id <id>", "chain id (default: the network's)")
    .option("--rpc <url>", `CometBFT RPC URL (default: ${endpointDefaults("rpc")})`)
    .option("--rest <url>", `REST (LCD) URL (default: ${endpointDefaults("rest")})`)
    .option("--grpc <host:port>", `gRPC address (default: ${endpointDefaults("grpc")})`)
    .action(async (flags: ChainRegistryFlags, cmd: Command) => {
      const g = globalsOf(cmd);
      // loaded here, not at startup: it pulls in the whole app (every module's registrations)
      const { chainRegistryFiles, writeWalletFiles } = await import("../registry-files.ts");
      const files = chainRegistryFiles({
        network: flags.network,
        chainId: flags.chainId,
        endpoints: {
          ...(flags.rpc ? { rpc: flags.rpc } : {}),
          ...(flags.rest ? { rest: flags.rest } : {}),
          ...(flags.grpc ? { grpc: flags.grpc } : {}),
        },
      });
      const paths = writeWalletFiles(flags.out, files);
      printResult(io, g.output, { files: paths }, (r) => `${r.files.join("\n")}\n`);
    });
}
