// Store layout of x/consensus (SDK v0.50: collections item "Consensus"), store key "consensus".
export const StoreKey = "consensus";
export const ModuleName = "consensus";

/** "Consensus" -> tendermint.types.ConsensusParams */
export const ParamsKey = new TextEncoder().encode("Consensus");
/** 0x01 -> 0x01 while an update waits to be handed to consensus by the next EndBlock */
export const PendingUpdateKey = new Uint8Array([0x01]);
