// The chain/store implementations the app uses, imported in one place.
export { CommitMultiStore } from "../store/commit-multi-store.ts";
export { GasKVStore } from "../store/gas-kv-store.ts";
export { BasicGasMeter, InfiniteGasMeter } from "../store/gas-meter.ts";
