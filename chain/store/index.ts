// Public surface of chain/store.
export { CacheKV } from "./cache-kv.ts";
export { CacheMulti } from "./cache-multi.ts";
export { CommitMultiStore, type CommitMultiStoreDeps, type CommitMultiStoreOptions } from "./commit-multi-store.ts";
export {
  BasicGasMeter,
  DEFAULT_KV_GAS_CONFIG,
  GAS_DESC,
  GasKVStore,
  InfiniteGasMeter,
  type KVGasConfig,
  TRANSIENT_KV_GAS_CONFIG,
} from "./gas.ts";
export { EMPTY_ROOT_HASH } from "./iavl/tree.ts";
export { multistoreHash } from "./multistore-hash.ts";
export { prefixStore } from "./prefix-store.ts";
export * from "./types.ts";
