export * from "./block-store.ts";
