import type { CliIO } from "../../app/cli/context.ts";
import { run } from "../../app/cli/program.ts";
import { testTempDir } from "../support/temp-dir.ts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempHome(): string {
  return testTempDir("dgrid-cli-");
}

export async function cli(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    out: (s) => {
      stdout += s;
    },
    err: (s) => {
      stderr += s;
    },
    readStdin: async () => opts.stdin ?? "",
    readLine: async () => (opts.stdin ?? "").split("\n")[0],
    env: { ...(opts.env ?? {}) },
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

export const KNOWN_MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art";
