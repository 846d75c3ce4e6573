// Store layout of x/consensus (SDK v0.50: collections item "Consensus"), store key "consensus".
export const StoreKey = "consensus";
export const ModuleName = "consensus";

/** "Consensus" -> tendermint.types.ConsensusParams */
export const ParamsKey = new TextEncoder().encode("Consensus");
/** 0x01 -> height (u64 BE) of the last MsgUpdateParams: EndBlock hands the params to consensus then */
export const UpdatedAtKey = new Uint8Array([0x01]);
