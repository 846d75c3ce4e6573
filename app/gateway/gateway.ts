// One running x402 gateway: connects to the node, builds the facilitator and the fastify server,
// listens on `laddr` (tcp://host:port; port 0 picks a free one).
import type { FastifyInstance } from "fastify";
import type pino from "pino";
import { parseLaddr } from "../../chain/node/config.ts";
import { DGridFacilitator } from "./facilitator.ts";
import { NodeChain } from "./node-chain.ts";
import { buildGateway, type GatewayOptions } from "./server.ts";

export interface RunGatewayOptions extends GatewayOptions {
  /** CometBFT RPC of the node, http(s):// */
  node: string;
  laddr: string;
}

export interface RunningGateway {
  url: string;
  chainId: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startGateway(options: RunGatewayOptions, deps: { logger: pino.Logger }): Promise<RunningGateway> {
  const logger = deps.logger.child({ module: "gateway" });
  const chain = await NodeChain.connect(options.node);
  const facilitator = new DGridFacilitator({ chainId: chain.chainId }, { chain, logger });
  const app = buildGateway(options, { chain, facilitator, logger });
  const { host, port } = parseLaddr(options.laddr);
  await app.listen({ host, port });
  const addr = app.server.address();
  const bound = typeof addr === "object" && addr ? addr.port : port;
  const url = `http://${host}:${bound}`;
  logger.info({ url, node: options.node, chainId: chain.chainId }, "x402 gateway listening");
  return {
    url,
    chainId: chain.chainId,
    app,
    close: async () => {
      await app.close();
      chain.close();
    },
  };
}
