// Invariants the simulation checks after every block, beyond those the modules register (which
// DGridApp.checkInvariants runs): ones that need to see the chain from outside the state machine.
//
// - consensus set: the validator set CometBFT will use (the initial set plus every FinalizeBlock's
//   updates) equals staking's bonded set (its last validator powers), so the app never loses track
//   of an update it sent or forgot to send one.
// - no minting: DGrid has no mint module, so the total supply never grows (slashing and vetoed
//   deposits only burn).

import { toHex } from "../../chain/types/bytes.ts";
import { consAddress } from "../../modules/inference/vote-extensions.ts";
import type { SimChain } from "./chain.ts";

export class ChainInvariants {
  private lastSupply?: bigint;

  async check(chain: SimChain): Promise<string[]> {
    const broken: string[] = [];
    const ctx = chain.queryContext();
    const app = chain.primary.app;
    const bonded = new Map<string, bigint>();
    for (const v of await app.stakingKeeper.bondedValidatorsByPower(ctx)) {
      const addr = consAddress(v);
      if (addr) bonded.set(toHex(addr), app.stakingKeeper.powerOf(v));
    }
    const next = chain.upcomingSet();
    const diff = [...new Set([...bonded.keys(), ...next.keys()])]
      .sort()
      .filter((a) => (bonded.get(a) ?? 0n) !== (next.get(a) ?? 0n))
      .map((a) => `${a}: staking ${bonded.get(a) ?? 0n}, consensus ${next.get(a) ?? 0n}`);
    // zero-power bonded validators are not in CometBFT's set
    const real = diff.filter((d) => !d.includes("staking 0, consensus 0"));
    if (real.length > 0) broken.push(`sim: consensus set differs from staking's bonded set: ${real.join("; ")}`);
    const supply = (await app.bankKeeper.getSupply(ctx, "udgrid")).amount;
    if (this.lastSupply !== undefined && supply > this.lastSupply)
      broken.push(`sim: total supply grew from ${this.lastSupply} to ${supply} with no mint module`);
    this.lastSupply = supply;
    return broken;
  }
}
