// CosmJS amino converters for x/gov v1 (cosmos-sdk/v1/MsgVote, MsgVoteWeighted, MsgDeposit,
// MsgSubmitProposal): CosmJS ships converters for gov v1beta1 only, so a Ledger or Keplr amino signer
// could not vote on DGrid, whose gov speaks v1. The field tables mirror proto/cosmos/gov/v1 (a test
// checks them against the descriptors) and amino-json.ts writes them as the SDK's encoder does; a
// proposal's messages are {type, value} of their own amino forms (amino-any-msg.ts), so a proposal
// whose message has none cannot be signed this way.
// Use: dgridAminoTypes() (amino-converters.ts), which has these beside every other converter the client ships.
import type { AminoConverter, AminoConverters } from "@cosmjs/stargate";
import { MsgDeposit, MsgSubmitProposal, MsgVote, MsgVoteWeighted } from "cosmjs-types/cosmos/gov/v1/tx";
import { Coin, converter, type DGridAminoMsg, entry, field, msg } from "./amino.ts";
import { msgListFromAmino, msgListToAmino } from "./amino-any-msg.ts";
import { messageFromAmino, messageToAmino } from "./amino-json.ts";

const WeightedVoteOption = msg("cosmos.gov.v1.WeightedVoteOption", field("option", "enum"), field("weight", "string"));

/** The gov v1 Msgs a wallet signs with SIGN_MODE_LEGACY_AMINO_JSON, with their (amino.name). */
export const govV1AminoMsgs: readonly DGridAminoMsg[] = [
  entry(
    "cosmos-sdk/v1/MsgVote",
    msg(
      "cosmos.gov.v1.MsgVote",
      field("proposal_id", "uint64", { dontOmitEmpty: true }),
      field("voter", "string"),
      field("option", "enum"),
      field("metadata", "string"),
    ),
    MsgVote,
  ),
  entry(
    "cosmos-sdk/v1/MsgVoteWeighted",
    msg(
      "cosmos.gov.v1.MsgVoteWeighted",
      field("proposal_id", "uint64", { dontOmitEmpty: true }),
      field("voter", "string"),
      field("options", WeightedVoteOption, { repeated: true }),
      field("metadata", "string"),
    ),
    MsgVoteWeighted,
  ),
  entry(
    "cosmos-sdk/v1/MsgDeposit",
    msg(
      "cosmos.gov.v1.MsgDeposit",
      field("proposal_id", "uint64", { dontOmitEmpty: true }),
      field("depositor", "string"),
      // (amino.encoding) = "legacy_coins": a list of Coin objects, [] when empty
      field("amount", Coin, { repeated: true, dontOmitEmpty: true }),
    ),
    MsgDeposit,
  ),
];

/** MsgSubmitProposal's fields but its messages (the Anys, converted one by one). */
export const submitProposalSpec = msg(
  "cosmos.gov.v1.MsgSubmitProposal",
  // (amino.encoding) = "legacy_coins": a list of Coin objects, [] when empty
  field("initial_deposit", Coin, { repeated: true, dontOmitEmpty: true }),
  field("proposer", "string"),
  field("metadata", "string"),
  field("title", "string"),
  field("summary", "string"),
  field("expedited", "bool"),
);

const msgSubmitProposal: AminoConverter = {
  aminoType: "cosmos-sdk/v1/MsgSubmitProposal",
  toAmino: (m: MsgSubmitProposal) => {
    const value: Record<string, unknown> = messageToAmino(submitProposalSpec, m);
    const messages = msgListToAmino(m.messages, "messages");
    if (messages) value.messages = messages;
    return value;
  },
  fromAmino: (v: Record<string, unknown>) => {
    return MsgSubmitProposal.fromPartial({
      ...messageFromAmino(submitProposalSpec, v),
      messages: msgListFromAmino(v.messages, "messages"),
    });
  },
};

/** typeUrl -> CosmJS amino converter for gov v1's Msgs (MsgUpdateParams, an authority's, aside). */
export const govV1AminoConverters: AminoConverters = {
  ...Object.fromEntries(govV1AminoMsgs.map((m) => [m.typeUrl, converter(m)])),
  [MsgSubmitProposal.typeUrl]: msgSubmitProposal,
};
