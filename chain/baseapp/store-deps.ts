// The chain/store implementations the app uses, imported in one place.
export { CommitMultiStore } from "../store/commit-multi-store.ts";
export { BasicGasMeter, GasKVStore, InfiniteGasMeter } from "../store/gas.ts";
