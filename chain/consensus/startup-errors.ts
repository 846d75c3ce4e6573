// The start-up checks' errors (CometBFT consensus/replay.go's handshake errors, registered): a data
// dir whose app state, consensus state and block store disagree stops the node with the heights and
// the way to recover, instead of the node running on (and forking) from inconsistent data.
import { CodedError, type RegisteredError, register } from "../errors/errors.ts";

export const StartupCodespace = "startup";
export const ErrAppAheadOfBlockStore = register(StartupCodespace, 1, "app state ahead of the block store");
export const ErrStateAheadOfBlockStore = register(StartupCodespace, 2, "consensus state ahead of the block store");
export const ErrBlockStoreAheadOfState = register(
  StartupCodespace,
  3,
  "block store too far ahead of the consensus state",
);
export const ErrAppBelowBlockStoreBase = register(StartupCodespace, 4, "app state below the block store's base");
export const ErrAppHashMismatch = register(StartupCodespace, 5, "app hash mismatch");
export const ErrBlockUnreadable = register(StartupCodespace, 6, "block store tip unreadable");
export const ErrInvalidAppHeight = register(StartupCodespace, 7, "invalid app height");
export const ErrEmptyValidatorSet = register(StartupCodespace, 8, "empty validator set after InitChain");

/** A start-up check that failed: `message` names the heights and the way to recover. */
export class HandshakeError extends CodedError {
  override name = "HandshakeError";
  constructor(registered: RegisteredError, message: string) {
    super(registered, message);
  }
}

/** How to get out of each kind of inconsistency, for a node whose home is `home`. */
export function recovery(home: string): { rollback: string; hard: string; resync: string } {
  const resync =
    `re-sync: stop the node, move ${home}/data aside (keep data/priv_validator_state.json, the ` +
    `validator's double-sign protection) and start it again to sync from peers`;
  return {
    rollback:
      `run \`dgrid rollback --home ${home}\` to roll the consensus and app state back one height ` +
      `(the next start re-executes the last block), or ${resync}`,
    hard:
      `run \`dgrid rollback --hard --home ${home}\` to drop the last block as well (the node then ` +
      `fetches it again from its peers), or ${resync}`,
    resync,
  };
}
