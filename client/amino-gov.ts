// CosmJS amino converters for x/gov v1 votes and deposits (cosmos-sdk/v1/MsgVote, MsgVoteWeighted,
// MsgDeposit): CosmJS ships converters for gov v1beta1 only, so a Ledger or Keplr amino signer could
// not vote on DGrid, whose gov speaks v1. The field tables mirror proto/cosmos/gov/v1 (a test checks
// them against the descriptors) and amino-json.ts writes them as the SDK's encoder does. Not here:
// MsgSubmitProposal (its messages are Anys of any module's Msg), which stays SIGN_MODE_DIRECT.
// Use: `new AminoTypes({ ...createDefaultAminoConverters(), ...govV1AminoConverters })`.
import type { AminoConverters } from "@cosmjs/stargate";
import { MsgDeposit, MsgVote, MsgVoteWeighted } from "cosmjs-types/cosmos/gov/v1/tx";
import { Coin, converter, type DGridAminoMsg, entry, field, msg } from "./amino.ts";

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

/** typeUrl -> CosmJS amino converter for the gov v1 votes and deposits. */
export const govV1AminoConverters: AminoConverters = Object.fromEntries(
  govV1AminoMsgs.map((m) => [m.typeUrl, converter(m)]),
);
