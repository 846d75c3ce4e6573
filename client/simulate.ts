// Gas estimation that includes the fee. CosmJS's `simulate` sends a tx with an empty fee, so the
// ante handler's fee deduction (two balance reads/writes, about 10k gas) is not metered and `--gas auto`
// with the SDK's usual 1.3 adjustment can run out of gas. This builds the same SimulateRequest as
// CosmJS but with the fee the tx will pay, so the estimate covers what delivery really charges.
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { type EncodeObject, encodePubkey, type Registry } from "@cosmjs/proto-signing";
import type { StdFee } from "@cosmjs/stargate";
import type { CometClient } from "@cosmjs/tendermint-rpc";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, Fee, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";

export const SIMULATE_PATH = "/cosmos.tx.v1beta1.Service/Simulate";

export interface SimulateWithFeeArgs {
  comet: CometClient;
  registry: Registry;
  signer: { address: string; pubkey: Uint8Array };
  /** the signer's current account sequence */
  sequence: number;
  messages: readonly EncodeObject[];
  memo: string;
  /** the fee the tx will pay; with `granter`, the granter's fee allowance pays it (and is metered) */
  fee: Pick<StdFee, "amount" | "granter">;
}

/** The node refused to simulate the tx: the tx would fail the same way (its code, codespace and log). */
export class SimulationError extends Error {
  constructor(
    readonly code: number,
    readonly codespace: string,
    readonly log: string,
  ) {
    super(`simulation failed: ${log} (codespace ${codespace}, code ${code})`);
    this.name = "SimulationError";
  }
}

export async function simulateWithFee(args: SimulateWithFeeArgs): Promise<number> {
  const { comet, registry, signer, messages, memo, fee } = args;
  const body = TxBody.fromPartial({ messages: messages.map((m) => registry.encodeAsAny(m)), memo });
  const authInfo = AuthInfo.fromPartial({
    signerInfos: [
      {
        publicKey: encodePubkey(encodeSecp256k1Pubkey(signer.pubkey)),
        modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
        sequence: BigInt(args.sequence),
      },
    ],
    fee: Fee.fromPartial({ amount: [...fee.amount], granter: fee.granter ?? "" }),
  });
  const tx = TxRaw.fromPartial({
    bodyBytes: TxBody.encode(body).finish(),
    authInfoBytes: AuthInfo.encode(authInfo).finish(),
    signatures: [new Uint8Array()],
  });
  const request = SimulateRequest.fromPartial({ txBytes: TxRaw.encode(tx).finish() });
  const res = await comet.abciQuery({ path: SIMULATE_PATH, data: SimulateRequest.encode(request).finish() });
  if (res.code) throw new SimulationError(res.code, res.codespace ?? "", res.log ?? "");
  const gasUsed = SimulateResponse.decode(res.value).gasInfo?.gasUsed;
  if (gasUsed === undefined) throw new Error("simulation returned no gas info");
  return Number(gasUsed);
}
