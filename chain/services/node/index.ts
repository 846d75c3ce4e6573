// The Cosmos services a node serves itself (not through the app's ABCI query router), keyed by gRPC
// path for the ServiceDispatcher: cosmos.tx.v1beta1.Service, cosmos.base.tendermint.v1beta1.Service,
// cosmos.base.node.v1beta1.Service.
import type { RpcBackend } from "../../rpc/backend.ts";
import type { MethodHandler } from "../dispatcher.ts";
import { baseNodeServiceHandlers, type NodeServiceOptions } from "./node-service.ts";
import { type ApplicationVersion, tendermintServiceHandlers } from "./tendermint-service.ts";
import { txServiceHandlers } from "./tx-service.ts";

export type { NodeServiceOptions } from "./node-service.ts";
export { NODE_SERVICE } from "./node-service.ts";
export type { ApplicationVersion } from "./tendermint-service.ts";
export { TENDERMINT_SERVICE } from "./tendermint-service.ts";
export { TX_SERVICE } from "./tx-service.ts";

export interface NodeServicesOptions {
  /** bech32 prefix of consensus addresses, e.g. "dgridvalcons" (validator sets, sdk_block proposer) */
  consensusAddressPrefix: string;
  /** GetNodeInfo's application_version */
  applicationVersion: ApplicationVersion;
  /** what node.v1beta1 Config reports (app.toml) */
  appConfig: NodeServiceOptions;
}

export interface NodeServicesDeps {
  /** the node's view for its RPC server (chain/node/rpc-backend.ts): blocks, txs, mempool, app query */
  backend: RpcBackend;
}

/** Every node-served method by gRPC path ("/cosmos.tx.v1beta1.Service/GetTx", ...). */
export function nodeServiceHandlers(options: NodeServicesOptions, deps: NodeServicesDeps): Map<string, MethodHandler> {
  return new Map([
    ...txServiceHandlers(deps.backend),
    ...tendermintServiceHandlers(
      { consensusAddressPrefix: options.consensusAddressPrefix, applicationVersion: options.applicationVersion },
      deps.backend,
    ),
    ...baseNodeServiceHandlers(options.appConfig, deps.backend),
  ]);
}
