// x/consensus events (SDK v0.50 x/consensus/keeper: "update_consensus_params").
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import { ConsensusParams as CP } from "cosmjs-types/tendermint/types/params";
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export const EventTypeUpdateParam = "update_consensus_params";

export function updateParams(authority: string, params: ConsensusParams): SdkEvent {
  return newEvent(EventTypeUpdateParam, [
    ["authority", authority],
    ["parameters", JSON.stringify(CP.toJSON(params))],
  ]);
}
