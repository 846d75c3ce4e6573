// Shared test helpers for chain/store: temporary LevelDB with the node's `state` sublevel.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import type { StateDb } from "../../chain/store/views.ts";

export interface TempDb {
  dir: string;
  root: ClassicLevel<Uint8Array, Uint8Array>;
  state: StateDb;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function tempDb(): Promise<TempDb> {
  const dir = mkdtempSync(join(tmpdir(), "dgrid-store-"));
  const t: TempDb = {
    dir,
    root: undefined as unknown as ClassicLevel<Uint8Array, Uint8Array>,
    state: undefined as unknown as StateDb,
    async reopen() {
      if (t.root) await t.root.close();
      t.root = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, "dgrid.db"), {
        keyEncoding: "view",
        valueEncoding: "view",
      });
      await t.root.open();
      t.state = t.root.sublevel<Uint8Array, Uint8Array>("state", { keyEncoding: "view", valueEncoding: "view" });
      await t.state.open();
    },
    async close() {
      await t.root.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await t.reopen();
  return t;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);

export async function collect(it: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [k, v] of it) out.push([dec(k) as string, dec(v) as string]);
  return out;
}
