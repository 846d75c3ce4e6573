#!/usr/bin/env node
// Entry point for `npx dgrid`: loads the TypeScript sources through tsx (no build step needed).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../app/cli/main.ts");
await main(process.argv);
