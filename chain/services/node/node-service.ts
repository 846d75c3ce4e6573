// cosmos.base.node.v1beta1.Service as the node serves it (SDK v0.50 client/grpc/node/service.go):
// the operator's app config and the status of the latest (or requested) block.
import {
  ConfigRequest,
  ConfigResponse,
  StatusRequest,
  StatusResponse,
} from "cosmjs-types/cosmos/base/node/v1beta1/query";
import { DEC_PRECISION, parseDecCoins } from "../../baseapp/coins.ts";
import type { RpcBackend } from "../../rpc/backend.ts";
import type { MethodHandler } from "../dispatcher.ts";
import { invalid, method, notFound } from "./common.ts";

export const NODE_SERVICE = "/cosmos.base.node.v1beta1.Service/";

/** The app.toml values Config reports. */
export interface NodeServiceOptions {
  /** minimum-gas-prices as configured, e.g. "0.0025udgrid" */
  minimumGasPrices: string;
  pruningKeepRecent: number | string;
  pruningInterval: number | string;
  haltHeight: number | bigint;
}

/**
 * sdk.DecCoins.String() of a minimum-gas-prices setting: zero coins dropped, sorted by denom, each
 * amount with the 18 decimals of sdk.Dec ("0.002500000000000000udgrid").
 */
export function formatDecCoins(text: string): string {
  const scale = 10n ** DEC_PRECISION;
  return parseDecCoins(text)
    .filter((c) => c.amount18 > 0n)
    .sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0))
    .map(
      (c) => `${c.amount18 / scale}.${(c.amount18 % scale).toString().padStart(Number(DEC_PRECISION), "0")}${c.denom}`,
    )
    .join(",");
}

export function baseNodeServiceHandlers(options: NodeServiceOptions, backend: RpcBackend): [string, MethodHandler][] {
  // parsed once: a bad value fails the builder (at node start), not every call
  const config: ConfigResponse = {
    minimumGasPrice: formatDecCoins(options.minimumGasPrices),
    pruningKeepRecent: String(options.pruningKeepRecent),
    pruningInterval: String(options.pruningInterval),
    haltHeight: BigInt(options.haltHeight),
  };

  const configHandler = method("ConfigRequest", ConfigRequest, ConfigResponse, async () => config);

  // The SDK answers from the query context: the block at that height's header (its app_hash is the
  // state before the block, its next_validators_hash the set after). earliest_store_height stays 0 as
  // in v0.50, which does not read it from the store.
  const status = method("StatusRequest", StatusRequest, StatusResponse, async (_req, height) => {
    const latest = backend.blockStoreHeight();
    let h = latest;
    if (height !== undefined && height !== 0n) {
      if (height < 0n) throw invalid("height must not be negative");
      if (height > BigInt(latest)) throw invalid(`height ${height} is in the future; latest height is ${latest}`);
      h = Number(height);
    }
    if (h === 0)
      return {
        earliestStoreHeight: 0n,
        height: 0n,
        timestamp: undefined,
        appHash: new Uint8Array(),
        validatorHash: new Uint8Array(),
      };
    const meta = await backend.loadBlockMeta(h);
    if (!meta) throw notFound(`block at height ${h} not found`);
    return {
      earliestStoreHeight: 0n,
      height: BigInt(h),
      timestamp: meta.header.time,
      appHash: meta.header.appHash,
      validatorHash: meta.header.nextValidatorsHash,
    };
  });

  return [
    [`${NODE_SERVICE}Config`, configHandler],
    [`${NODE_SERVICE}Status`, status],
  ];
}
