// Staking / slashing views of a test localnet for the e2e tests: CosmJS query clients over a node's
// RPC, a validator's valoper and valcons addresses from its home, and a polling wait.
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { QueryClient, type StakingExtension, setupSlashingExtension, setupStakingExtension } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { privValidatorKeyPath } from "../../chain/node/config.ts";
import { loadPrivValidatorKey } from "../../chain/types/keys.ts";
import type { RunningNode } from "./localnet.ts";

export interface LocalnetQueries {
  comet: Comet38Client;
  q: QueryClient & StakingExtension & ReturnType<typeof setupSlashingExtension>;
  disconnect(): void;
}

export async function connectQueries(n: RunningNode): Promise<LocalnetQueries> {
  const comet = await Comet38Client.connect(n.rpcUrl);
  const q = QueryClient.withExtensions(comet, setupStakingExtension, setupSlashingExtension);
  return { comet, q, disconnect: () => comet.disconnect() };
}

/** The validator's operator address (dgridvaloper...). */
export function valoperOf(n: RunningNode): string {
  if (!n.operatorAddress) throw new Error(`${n.name} has no operator address`);
  return toBech32("dgridvaloper", fromBech32(n.operatorAddress, 90).data, 90);
}

/** The validator's consensus address bytes (CometBFT address: sha256(pubkey)[:20]) and bech32 valcons. */
export function consAddrOf(n: RunningNode): { bytes: Uint8Array; hex: string; bech32: string } {
  const key = loadPrivValidatorKey(privValidatorKeyPath(n.home));
  return {
    bytes: key.address,
    hex: Buffer.from(key.address).toString("hex").toUpperCase(),
    bech32: toBech32("dgridvalcons", key.address, 90),
  };
}

/** Polls `check` until it returns a value other than undefined/false; throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 120_000,
  everyMs = 300,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
