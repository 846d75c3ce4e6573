// The modules' consensus versions (the SDK module manager's GetVersionMap): the version of the state
// layout each module keeps, which x/upgrade's ModuleVersions query reports.
import type { AppModule } from "./module.ts";

export interface ModuleVersion {
  name: string;
  version: bigint;
}

/** Every module with its consensus version (absent: 0, as the SDK's manager), sorted by name. */
export function moduleVersions(modules: readonly Pick<AppModule, "name" | "consensusVersion">[]): ModuleVersion[] {
  return modules
    .map((m) => ({ name: m.name, version: BigInt(m.consensusVersion ?? 0) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
