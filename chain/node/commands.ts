// STUB written by the CLI engineer so `chain/cli` compiles; the lead replaces it with the real
// `start` / `devnet` commands.
import type { Command } from "commander";

export function registerStartCommands(_program: Command): void {}
