// Barrel for the CometBFT types helpers.
export * from "./encoding.ts";
export * from "./genesis.ts";
export * from "./hash.ts";
export * from "./keys.ts";
export * from "./merkle.ts";
export * from "./part-set.ts";
export * from "./time.ts";
export * from "./vote.ts";
