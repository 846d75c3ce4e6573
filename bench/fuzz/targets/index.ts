// Every fuzz target, by name (the order `npm run fuzz` runs them in).
import type { FuzzTarget } from "../target.ts";
import { modelTarget } from "./model.ts";
import { p2pTarget } from "./p2p.ts";
import { rpcTarget } from "./rpc.ts";
import { tensorTarget } from "./tensor.ts";
import { txTarget } from "./tx.ts";
import { voteExtensionTarget } from "./vote-extension.ts";

export const TARGETS: readonly FuzzTarget<any>[] = [
  txTarget,
  rpcTarget,
  p2pTarget,
  voteExtensionTarget,
  tensorTarget,
  modelTarget,
];
