// Bounded LRU set of tx hashes (CometBFT mempool.LRUTxCache): remembers txs already seen so that
// duplicates are rejected without calling the app again.
export class TxCache {
  private readonly set = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Adds the key; false if it was already present (it is then marked most recently used). */
  push(key: string): boolean {
    if (this.capacity <= 0) return true;
    if (this.set.has(key)) {
      this.set.delete(key);
      this.set.add(key);
      return false;
    }
    if (this.set.size >= this.capacity) {
      const oldest = this.set.values().next().value;
      if (oldest !== undefined) this.set.delete(oldest);
    }
    this.set.add(key);
    return true;
  }

  remove(key: string): void {
    this.set.delete(key);
  }

  has(key: string): boolean {
    return this.set.has(key);
  }

  reset(): void {
    this.set.clear();
  }

  get size(): number {
    return this.set.size;
  }
}
