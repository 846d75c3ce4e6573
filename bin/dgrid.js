#!/usr/bin/env node
// Entry point for `npx dgrid`: loads the TypeScript sources through tsx (no build step needed).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../chain/cli/main.ts");
await main(process.argv);
