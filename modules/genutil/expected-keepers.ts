// What x/genutil needs from other modules (the SDK's x/genutil/types/expected_keepers.go), passed in
// by the app: staking's validator-set update after the gentxs at InitChain, and auth's signature
// check for collect-gentxs.
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/baseapp/context.ts";

export interface StakingKeeperI {
  /** staking's ApplyAndReturnValidatorSetUpdates: the genesis validator set once the gentxs ran */
  applyAndReturnValidatorSetUpdates(ctx: Context): Promise<ValidatorUpdate[]>;
}

/** x/auth's secp256k1 verification (Cosmos secp256k1.PubKey.VerifySignature: sha256, low S). */
export interface SignatureVerifierI {
  verifySecp256k1(pubkey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
}
