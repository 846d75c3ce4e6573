// A tiny in-memory stand-in for the few AbstractLevel methods StateStore uses (get, put, batch).
import type { ConsensusDb } from "../../chain/consensus/state.ts";

class MemoryLevelImpl {
  private readonly map = new Map<string, Uint8Array>();
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.map.get(Buffer.from(key).toString("hex"));
  }
  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    this.map.set(Buffer.from(key).toString("hex"), value);
  }
  async batch(ops: { type: "put" | "del"; key: Uint8Array; value?: Uint8Array }[]): Promise<void> {
    for (const op of ops) {
      const k = Buffer.from(op.key).toString("hex");
      if (op.type === "put") this.map.set(k, op.value as Uint8Array);
      else this.map.delete(k);
    }
  }
}

export const MemoryLevel = MemoryLevelImpl as unknown as new () => ConsensusDb;
