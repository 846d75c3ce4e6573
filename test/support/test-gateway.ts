// The x402 gateway the gateway tests run in process beside a devnet node: a free port, the chain's
// default redundancy, 400000 gas at 0.025udgrid (a 10000udgrid tx fee), 60 s to follow a request.
import pino from "pino";
import { type RunningGateway, startGateway } from "../../app/gateway/gateway.ts";

export function startTestGateway(nodeRpcUrl: string): Promise<RunningGateway> {
  return startGateway(
    {
      node: nodeRpcUrl,
      laddr: "tcp://127.0.0.1:0",
      redundancy: 0,
      pricing: { gasLimit: 400_000, gasPrice: "0.025udgrid", maxTimeoutSeconds: 60 },
    },
    { logger: pino({ level: "warn" }) },
  );
}
