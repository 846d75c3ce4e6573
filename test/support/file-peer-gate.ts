// TEST ONLY: a PeerGate (chain/p2p/peer-gate.ts) read from a file another process rewrites: one
// CometBFT node id per line, the peers this node must not talk to (no file or an empty one: all
// allowed). The chaos suite (bench/chaos) writes each node's file to partition a localnet and empties
// it to heal. The file is read every `pollMs` (not fs.watchFile, which misses a file created before
// its first poll), so a change takes effect within `pollMs`.
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { PeerGate } from "../../chain/p2p/peer-gate.ts";

/** The blocked ids in a gate file's text. */
export function parseBlockedPeers(text: string): Set<string> {
  return new Set(
    text
      .split("\n")
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== "" && !l.startsWith("#")),
  );
}

export class FilePeerGate implements PeerGate {
  private blocked = new Set<string>();
  private listeners: (() => void)[] = [];
  private readonly log: Logger;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: { path: string; pollMs?: number },
    deps: { logger: Logger },
  ) {
    this.log = deps.logger.child({ module: "peer-gate" });
    this.reload();
    this.timer = setInterval(() => this.reload(), options.pollMs ?? 100);
    // the poll never keeps the node process alive
    this.timer.unref();
  }

  allows(nodeId: string): boolean {
    return !this.blocked.has(nodeId.toLowerCase());
  }

  subscribe(onChange: () => void): void {
    this.listeners.push(onChange);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private reload(): void {
    let text = "";
    try {
      text = readFileSync(this.options.path, "utf8");
    } catch {
      // no file: nothing blocked
    }
    const next = parseBlockedPeers(text);
    if ([...next].join() === [...this.blocked].join()) return;
    this.blocked = next;
    this.log.warn({ blocked: [...next] }, "peer gate changed (test partition)");
    for (const f of this.listeners) f();
  }
}
