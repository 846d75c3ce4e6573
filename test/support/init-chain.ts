// The InitChain request in-process tests, benches and the simulation start an app with: `appState` as genesis JSON,
// no validators from CometBFT (they come from the genesis txs), initial height 1 and a fixed genesis
// time (2023-11-14T22:13:20Z unless given) so that every run of a test sees the same block times.
import type { RequestInitChain } from "cosmjs-types/tendermint/abci/types";

export const GENESIS_SECONDS = 1_700_000_000n;

export function initChainRequest(chainId: string, appState: unknown, seconds = GENESIS_SECONDS): RequestInitChain {
  return {
    time: { seconds, nanos: 0 },
    chainId,
    consensusParams: undefined,
    validators: [],
    appStateBytes: new TextEncoder().encode(JSON.stringify(appState)),
    initialHeight: 1n,
  };
}
