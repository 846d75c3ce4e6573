// config.toml and app.toml as `dgrid init` writes them: every key with its value and a comment
// saying what it is, top-level keys first, then one [section] at a time, as CometBFT and the SDK do.
import type { NodeConfig } from "../config.ts";
import { type ConfigFile, SECTION_DOCS } from "./fields.ts";
import { tomlForm } from "./form.ts";

const HEADERS: Record<ConfigFile, string[]> = {
  "config.toml": [
    "# DGrid node configuration: CometBFT's config.toml sections and key names.",
    "# Every key is optional (a missing key takes its default); unknown keys are refused at start.",
    '# Durations are written as "3s" / "500ms" (or integer milliseconds).',
  ],
  "app.toml": [
    "# DGrid application configuration: the Cosmos SDK's app.toml key names, and DGrid's own",
    "# [models] and [inference] sections. Every key is optional; unknown keys are refused at start.",
  ],
};

const valueAt = (config: NodeConfig, path: string): unknown => path.split(".").reduce<any>((v, p) => v?.[p], config);

/** The text of one TOML file for `config`. */
export function configToToml(file: ConfigFile, config: NodeConfig): string {
  // top-level keys first, then each [table] once (keys of a table after another would land in it)
  const tables = new Map<string, string[]>([["", []]]);
  for (const { key, path, field } of tomlForm(file).keys) {
    const dot = key.indexOf(".");
    const [table, name] = dot < 0 ? ["", key] : [key.slice(0, dot), key.slice(dot + 1)];
    if (!tables.has(table))
      tables.set(table, ["", "#".repeat(72), `# ${SECTION_DOCS[file][table] ?? table}`, `[${table}]`]);
    tables.get(table)!.push("", `# ${field.doc}`, `${name} = ${field.kind.toToml(valueAt(config, path))}`);
  }
  return `${[...HEADERS[file], ...[...tables.values()].flat()].join("\n")}\n`;
}
