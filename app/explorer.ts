// The DGrid explorer (explorer/, built into explorer/dist) as the node serves it at /ui when
// api.explorer is on: where the build lies and what its /ui/config.json adds. On a dev chain (the
// devnet's chain id, or a localnet's "dgrid-localnet..." id, whose genesis funds the devnet's public
// account) the page may sign with that public development key.
import { resolve } from "node:path";
import type { AppExplorer } from "../chain/node/node.ts";
import { DEVNET_CHAIN_ID, DEVNET_MNEMONIC } from "./devnet.ts";

export const EXPLORER_DIST = resolve(import.meta.dirname, "..", "explorer", "dist");

/** Chain ids whose genesis funds the public development account (never a real network's). */
export function isDevChain(chainId: string): boolean {
  return chainId === DEVNET_CHAIN_ID || chainId.startsWith("dgrid-localnet");
}

export function dgridExplorer(dir = EXPLORER_DIST): AppExplorer {
  return {
    dir,
    config: ({ chainId }) =>
      // the funded user account is the mnemonic's first address (the path wallets use by default)
      isDevChain(chainId) ? { devMnemonic: DEVNET_MNEMONIC } : {},
  };
}
