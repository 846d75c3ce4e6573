// Entry point used by bin/dgrid.js.
import { run } from "./program.ts";

export async function main(argv: string[]): Promise<void> {
  const code = await run(argv.slice(2));
  // Long-running commands (start, devnet) keep the process alive on their own; others just set the code.
  if (code !== 0) process.exitCode = code;
}
