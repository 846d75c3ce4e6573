// Public surface of the embedded consensus engine.
export {
  BlockExecutor,
  BlockValidationError,
  blockIdOf,
  emptyCommit,
  proposerBlockTime,
  updateState,
} from "./block-executor.ts";
export {
  type ConsensusDeps,
  type ConsensusOptions,
  ConsensusState,
  type ConsensusTimeouts,
  DEFAULT_TIMEOUTS,
  RoundStep,
} from "./consensus-state.ts";
export { ed25519Signer, ed25519Verify, pubKeyAddress, type Signer } from "./crypto.ts";
export type { BlockStoreLike, MempoolLike, TxIndexerLike } from "./deps.ts";
export { HandshakeError, handshake } from "./handshake.ts";
export { FilePV, type PrivValidator, PrivValidatorError } from "./privval.ts";
export {
  genesisStateFromDoc,
  makeGenesisState,
  nextHeight,
  type State,
  StateStore,
  voteExtensionsEnabled,
} from "./state.ts";
export { type ConsensusMessage, InMemoryNetwork, LoopbackTransport, type Transport } from "./transport.ts";
export { ValidatorSet, ValidatorSetError } from "./validator-set.ts";
export { HeightVoteSet, VoteError, VoteSet, verifyCommit } from "./vote-set.ts";
export { FileWal, MemoryWal, type Wal, type WalMessage } from "./wal.ts";
