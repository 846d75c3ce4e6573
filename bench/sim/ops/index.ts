// Every module's weighted operations (SDK: each module's WeightedOperations, gathered by the app).
import { authzOps } from "./authz.ts";
import { bankOps } from "./bank.ts";
import { feegrantOps } from "./feegrant.ts";
import { govOps } from "./gov.ts";
import { inferenceOps } from "./inference.ts";
import { registryOps } from "./registry.ts";
import { stakingOps } from "./staking.ts";
import type { Operation } from "./types.ts";

export function allOperations(): Operation[] {
  return [...bankOps, ...stakingOps, ...govOps, ...registryOps, ...inferenceOps, ...authzOps, ...feegrantOps];
}
