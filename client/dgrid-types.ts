// The dgrid modules' message types for a CosmJS Registry:
// `connectSigningClient(url, wallet, { extraTypes: dgridMsgTypes })`. Built from the generated
// protos only (the package carries no module code); test/client/msg-types.test.ts checks that they
// are the codecs the modules register. CosmJS only calls `encode(msg).finish()`, `decode` and
// `fromPartial`; the writer types of ts-proto (@bufbuild/protobuf) and protobufjs differ, hence the cast.
import type { GeneratedType } from "@cosmjs/proto-signing";
import * as inference from "../proto/gen/dgrid/inference/v1/tx.ts";
import * as registry from "../proto/gen/dgrid/registry/v1/tx.ts";
import * as reputation from "../proto/gen/dgrid/reputation/v1/tx.ts";

const codecs: Record<string, unknown> = {
  "/dgrid.registry.v1.MsgRegisterModel": registry.MsgRegisterModel,
  "/dgrid.registry.v1.MsgUpdateModelCard": registry.MsgUpdateModelCard,
  "/dgrid.registry.v1.MsgServeModel": registry.MsgServeModel,
  "/dgrid.registry.v1.MsgWithdrawModel": registry.MsgWithdrawModel,
  "/dgrid.registry.v1.MsgReportConformance": registry.MsgReportConformance,
  "/dgrid.registry.v1.MsgDelistModel": registry.MsgDelistModel,
  "/dgrid.registry.v1.MsgUpdateParams": registry.MsgUpdateParams,
  "/dgrid.inference.v1.MsgRequestInference": inference.MsgRequestInference,
  "/dgrid.inference.v1.MsgUpdateParams": inference.MsgUpdateParams,
  "/dgrid.reputation.v1.MsgUpdateParams": reputation.MsgUpdateParams,
};

export const dgridMsgTypes: [string, GeneratedType][] = Object.entries(codecs) as [string, GeneratedType][];
