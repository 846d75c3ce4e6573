// x/genutil genesis: `gen_txs`, signed transactions carrying MsgCreateValidator, delivered at
// InitChain after auth, bank and staking are initialized (SDK x/genutil/gentx.go DeliverGenTxs).
import { MsgCreateValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { TxBody } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { txFromJson } from "./tx-json.ts";

export interface GenesisJson {
  gen_txs: unknown[];
}

export function defaultGenesis(): GenesisJson {
  return { gen_txs: [] };
}

export function parseGenesis(json: unknown): GenesisJson {
  const j = (json ?? {}) as Partial<GenesisJson>;
  if (j.gen_txs !== undefined && j.gen_txs !== null && !Array.isArray(j.gen_txs))
    throw ErrInvalidRequest.wrap("genutil.gen_txs must be an array");
  return { gen_txs: j.gen_txs ?? [] };
}

/** The MsgCreateValidator of a gentx; throws unless the tx carries exactly that one message. */
export function gentxCreateValidator(tx: unknown): MsgCreateValidator {
  const raw = txFromJson(tx);
  const body = TxBody.decode(raw.bodyBytes);
  if (body.messages.length !== 1)
    throw ErrInvalidRequest.wrap("must provide genesis Tx with exactly 1 CreateValidator message");
  const m = body.messages[0];
  if (m.typeUrl !== MsgCreateValidator.typeUrl)
    throw ErrInvalidRequest.wrap(`genesis transaction does not contain a MsgCreateValidator (${m.typeUrl})`);
  return MsgCreateValidator.decode(m.value);
}

/** ValidateGenesis: every gentx decodes and carries exactly one MsgCreateValidator. */
export function validateGenesis(json: unknown): void {
  const g = parseGenesis(json);
  g.gen_txs.forEach((tx, i) => {
    try {
      gentxCreateValidator(tx);
    } catch (e) {
      throw ErrInvalidRequest.wrap(`gen_txs[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}
