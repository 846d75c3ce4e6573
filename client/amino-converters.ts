// Every amino converter the client ships, in one place: DGrid's Msgs (amino.ts), authz (MsgGrant,
// MsgExec, MsgRevoke and DGrid's InferenceAuthorization), feegrant and gov v1. CosmJS's defaults
// cover the other SDK modules. The node's ante (app/app.ts) verifies SIGN_MODE_LEGACY_AMINO_JSON with
// these same converters, and DGridClient / connectSigningClient sign with them, so an amino-only
// signer (Ledger, Keplr's amino mode) can send every DGrid message.
//
// Built on first use: amino-authz.ts and amino-gov.ts use amino-any-msg.ts, which uses this file,
// so the table cannot be filled while those modules are still being evaluated.
import { type AminoConverters, AminoTypes, createDefaultAminoConverters } from "@cosmjs/stargate";
import { dgridAminoConverters } from "./amino.ts";
import { authzAminoConverters } from "./amino-authz.ts";
import { feegrantAminoConverters } from "./amino-feegrant.ts";
import { govV1AminoConverters } from "./amino-gov.ts";

let shipped: AminoConverters | undefined;

/** typeUrl -> converter for every message type the client adds to CosmJS's defaults. */
export function clientAminoConverters(): AminoConverters {
  shipped ??= {
    ...dgridAminoConverters,
    ...authzAminoConverters,
    ...feegrantAminoConverters,
    ...govV1AminoConverters,
  };
  return shipped;
}

/** CosmJS's default converters plus every one the client ships. */
export function dgridAminoTypes(): AminoTypes {
  return new AminoTypes({ ...createDefaultAminoConverters(), ...clientAminoConverters() });
}
