// What every command shares: the I/O it writes to (so tests can run the CLI in-process), the global
// flags (--home, --log-level, --output) and the user-error type that prints without a stack trace.
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** The whole of stdin as text (used by `keys add --recover`). */
  readStdin(): Promise<string>;
  /** One line of stdin without its line end ("" at end of input): answers to prompts. */
  readLine(): Promise<string>;
  env: Record<string, string | undefined>;
}

/** An error caused by the user's input: printed as "Error: <message>", exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export type OutputFormat = "text" | "json";

export interface GlobalOptions {
  home: string;
  logLevel: string;
  output: OutputFormat;
}

export function defaultHome(env: Record<string, string | undefined>): string {
  return env.DGRID_HOME || join(homedir(), ".dgrid");
}

/** The global flags as seen from a (sub)command, with defaults filled. */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Partial<GlobalOptions>;
  return { home: o.home ?? join(homedir(), ".dgrid"), logLevel: o.logLevel ?? "info", output: o.output ?? "text" };
}

/** Prints a value as indented JSON (--output json) or through `text` (default). */
export function printResult(io: CliIO, output: OutputFormat, value: unknown, text?: (v: any) => string): void {
  if (output === "json" || !text) io.out(`${JSON.stringify(value, null, 2)}\n`);
  else io.out(text(value));
}

/** A small YAML-like rendering of plain JSON values, the SDK's default text output. */
export function toYaml(value: unknown, indent = ""): string {
  if (value === null || value === undefined) return "null\n";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]\n";
    return value
      .map((v) => {
        const body = toYaml(v, `${indent}  `);
        return isScalar(v) ? `${indent}- ${body}` : `${indent}- ${body.trimStart()}`;
      })
      .join("");
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return "{}\n";
    return entries
      .map(([key, v]) => {
        const k = scalar(key);
        return isScalar(v) || isEmpty(v)
          ? `${indent}${k}: ${toYaml(v)}`
          : `${indent}${k}:\n${toYaml(v, `${indent}  `)}`;
      })
      .join("");
  }
  return `${scalar(value)}\n`;
}

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== "object";
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (!!v && typeof v === "object" && Object.keys(v).length === 0);
}

function scalar(v: unknown): string {
  if (typeof v === "string") return v === "" || /^[\s{[\-?:,'"#&*!|>%@`]|: |\s$/.test(v) ? JSON.stringify(v) : v;
  return String(v);
}
