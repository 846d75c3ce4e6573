export * from "./query.ts";
export * from "./tx-indexer.ts";
