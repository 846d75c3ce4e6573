// `dgrid config validate` (check a home's config files against the schema, as `dgrid start` does)
// and `dgrid config migrate` (rewrite a home's JSON config.json as config.toml + app.toml).
import { renameSync } from "node:fs";
import type { Command } from "commander";
import {
  appTomlPath,
  configForm,
  configJsonPath,
  configTomlPath,
  existingConfigFiles,
  loadConfig,
  writeConfig,
} from "../../chain/node/config.ts";
import { CliError, type CliIO, globalsOf, printResult } from "./context.ts";

export function registerConfigCommands(program: Command, io: CliIO): void {
  const config = program.command("config").description("check or convert the node's config files");

  config
    .command("validate")
    .description("check the home's config files (unknown keys, wrong types) as `dgrid start` does")
    .action((_opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      loadConfig(g.home); // throws a ConfigError naming every problem
      const files = existingConfigFiles(g.home);
      printResult(io, g.output, { valid: true, files }, (r) =>
        r.files.length > 0 ? `${r.files.join("\n")}: valid\n` : `no config files in ${g.home}: all defaults\n`,
      );
    });

  config
    .command("migrate")
    .description("rewrite the home's config.json as config.toml + app.toml (config.json is kept as config.json.bak)")
    .action((_opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd);
      if (configForm(g.home) !== "json") throw new CliError(`${g.home} has no config.json to migrate`);
      const values = loadConfig(g.home);
      const backup = `${configJsonPath(g.home)}.bak`;
      renameSync(configJsonPath(g.home), backup);
      writeConfig(g.home, values);
      const files = [configTomlPath(g.home), appTomlPath(g.home)];
      printResult(
        io,
        g.output,
        { files, backup },
        (r) => `wrote ${r.files.join(", ")} (the old file is ${r.backup})\n`,
      );
    });
}
