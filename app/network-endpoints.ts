// Where the first node of each network answers by default. A leaf module (no app or client imports)
// so that `dgrid --help` can print these defaults without loading the app (app/cli/chain-registry.ts).

export type NetworkName = "localnet" | "devnet";

export interface Endpoints {
  /** CometBFT RPC URL */
  rpc: string;
  /** REST (LCD) URL */
  rest: string;
  /** gRPC host:port */
  grpc: string;
}

/**
 * The devnet node on RPC 26657 and the Cosmos SDK's REST 1317 and gRPC 9090; localnet node 0 on its
 * ports (app/localnet.ts, base 26650: RPC +7, REST +5, gRPC +4).
 */
export const DEFAULT_ENDPOINTS: Record<NetworkName, Endpoints> = {
  devnet: { rpc: "http://127.0.0.1:26657", rest: "http://127.0.0.1:1317", grpc: "127.0.0.1:9090" },
  localnet: { rpc: "http://127.0.0.1:26657", rest: "http://127.0.0.1:26655", grpc: "127.0.0.1:26654" },
};
