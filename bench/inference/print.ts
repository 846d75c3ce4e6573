// The bench's output: a two-column table on stdout, then one `JSON {...}` line (also written to
// --json PATH when given); progress lines go to stderr.
import { writeFileSync } from "node:fs";
import type { Target } from "./figures.ts";

export type Row = [string, string];

export function printTable(rows: Row[]): void {
  const w = Math.max(...rows.map(([a]) => a.length));
  for (const [a, b] of rows) process.stdout.write(`${a.padEnd(w)}  ${b}\n`);
}

export const targetRows = (ts: Target[]): Row[] =>
  ts.map((t) => [`target: ${t.name}`, `${t.pass ? "PASS" : "FAIL"} (${t.detail})`]);

export function printJson(summary: unknown, path?: string): void {
  const text = JSON.stringify(summary);
  process.stdout.write(`JSON ${text}\n`);
  if (path) writeFileSync(path, `${text}\n`);
}

export const progress = (line: string) => process.stderr.write(`${line}\n`);
