// An amino-only signer (as Ledger and Keplr's amino mode) on the inference test chain: testKey(name)'s
// private key in a CosmJS Secp256k1Wallet, signing SIGN_MODE_LEGACY_AMINO_JSON through
// SigningStargateClient.offline with the client's own signing options (client/config.ts signingOptions,
// what DGridClient.connectWithSigner uses: CosmJS's default converters plus every one the client
// ships, DGrid, authz, feegrant and gov v1), at account `accountNumber` from sequence 0.
import { createHash } from "node:crypto";
import { Secp256k1Wallet } from "@cosmjs/amino";
import { SigningStargateClient, type StdFee } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { signingOptions } from "../../client/config.ts";
import { registry } from "../inference/chain-setup.ts";
import { CHAIN_ID } from "../inference/harness.ts";

export const AMINO_FEE: StdFee = { amount: [{ denom: "udgrid", amount: "10000" }], gas: "400000" };

export interface AminoSigner {
  address: string;
  /** TxRaw bytes of these messages at the signer's next sequence */
  sign(msgs: { typeUrl: string; value: unknown }[], fee?: StdFee): Promise<Uint8Array>;
}

export async function aminoSigner(name: string, accountNumber: bigint): Promise<AminoSigner> {
  const wallet = await Secp256k1Wallet.fromKey(new Uint8Array(createHash("sha256").update(name).digest()), "dgrid");
  const [account] = await wallet.getAccounts();
  const client = await SigningStargateClient.offline(wallet, {
    ...signingOptions({}),
    registry,
  });
  let sequence = 0;
  return {
    address: account.address,
    async sign(msgs, fee = AMINO_FEE) {
      const raw = await client.sign(account.address, msgs, fee, "", {
        accountNumber,
        sequence: sequence++,
        chainId: CHAIN_ID,
      });
      return TxRaw.encode(raw).finish();
    },
  };
}
