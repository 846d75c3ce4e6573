// x/upgrade errors, codespace "upgrade" (SDK x/upgrade/types/errors.go).
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "upgrade";
export const ErrNoModuleVersionFound = register(Codespace, 2, "module version not found");
export const ErrNoUpgradePlanFound = register(Codespace, 3, "upgrade plan not found");
export const ErrNoUpgradedClientFound = register(Codespace, 4, "upgraded client not found");
export const ErrNoUpgradedConsensusStateFound = register(Codespace, 5, "upgraded consensus state not found");
export const ErrInvalidSigner = register(
  Codespace,
  6,
  "expected authority account as only signer for proposal message",
);

/**
 * Thrown by the upgrade PreBlocker at a plan's height when this binary has no handler for it: the
 * block is not applied (no state written), FinalizeBlock fails and consensus halts, so every node
 * stops with the same last app hash (that of the height before the plan), as the SDK's panic does.
 */
export class UpgradeNeededError extends Error {
  constructor(
    readonly planName: string,
    readonly height: bigint,
    message: string,
  ) {
    super(message);
    this.name = "UpgradeNeededError";
  }
}

/** A pending plan's handler is already in this binary before the plan's height (SDK downgrade check). */
export class BinaryUpdatedBeforeTriggerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BinaryUpdatedBeforeTriggerError";
  }
}
