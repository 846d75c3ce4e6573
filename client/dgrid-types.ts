// The dgrid modules' message types for a CosmJS Registry:
// `connectSigningClient(url, wallet, { extraTypes: dgridMsgTypes })`. CosmJS only calls
// `encode(msg).finish()`, `decode` and `fromPartial`; the writer types of ts-proto (@bufbuild/protobuf)
// and protobufjs differ, hence the cast.
import type { GeneratedType } from "@cosmjs/proto-signing";
import { inferenceMsgCodecs } from "../modules/inference/msg-server.ts";
import { registryMsgCodecs } from "../modules/registry/msg-server.ts";
import { reputationMsgCodecs } from "../modules/reputation/msg-server.ts";

export const dgridMsgTypes: [string, GeneratedType][] = Object.entries({
  ...registryMsgCodecs,
  ...inferenceMsgCodecs,
  ...reputationMsgCodecs,
}) as unknown as [string, GeneratedType][];
