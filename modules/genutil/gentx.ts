// Genesis transactions, as `simd genesis gentx` / `collect-gentxs`: a MsgCreateValidator signed
// offline (SIGN_MODE_DIRECT, account number 0, sequence 0, no fee) by the operator's account key, and
// the checks made when they are collected into app_state.genutil.gen_txs.

import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, type OfflineDirectSigner } from "@cosmjs/proto-signing";
import { MsgCreateValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { AuthInfo, SignDoc, TxBody } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DefaultBondDenom } from "../../chain/baseapp/coins.ts";
import { decToProtoString, parseDec } from "../../chain/baseapp/dec.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import {
  addressFromString,
  addressToString,
  Bech32PrefixValAddr,
  secp256k1AddressBytes,
} from "../../chain/types/address.ts";
import { bytesEqual } from "../../chain/types/bytes.ts";
import { ed25519PubKeyAny, secp256k1KeyFromAny } from "../../chain/types/pubkey.ts";
import type { SignatureVerifierI } from "./expected-keepers.ts";
import { gentxCreateValidator } from "./genesis.ts";
import { type TxJson, txFromJson, txToJson } from "./tx-json.ts";

export const DEFAULT_GENTX_GAS = 200_000n;

export interface GentxOptions {
  chainId: string;
  /** the operator's account key (secp256k1); its first account signs and becomes the operator */
  signer: OfflineDirectSigner;
  /** the validator's ed25519 consensus public key (32 bytes: priv_validator_key.json's pub_key) */
  consensusPubKey: Uint8Array;
  /** self-delegation, e.g. { denom: "udgrid", amount: "100000000" } */
  amount: { denom: string; amount: string };
  moniker: string;
  identity?: string;
  website?: string;
  securityContact?: string;
  details?: string;
  /** decimal text; defaults 0.1 / 0.2 / 0.01 as simd */
  commissionRate?: string;
  commissionMaxRate?: string;
  commissionMaxChangeRate?: string;
  /** integer text, default "1" */
  minSelfDelegation?: string;
  /** simd writes "<node id>@<ip>:<port>" here; collect-gentxs turns it into persistent peers */
  memo?: string;
  gas?: bigint;
}

/** Builds and signs a gentx; returns it in the SDK's tx JSON form. */
export async function createGentx(o: GentxOptions): Promise<TxJson> {
  const [acc] = await o.signer.getAccounts();
  if (!acc) throw ErrInvalidRequest.wrap("signer has no account");
  const operator = addressToString(addressFromString(acc.address), Bech32PrefixValAddr);
  const msg = MsgCreateValidator.fromPartial({
    description: {
      moniker: o.moniker,
      identity: o.identity ?? "",
      website: o.website ?? "",
      securityContact: o.securityContact ?? "",
      details: o.details ?? "",
    },
    commission: {
      rate: decToProtoString(parseDec(o.commissionRate ?? "0.1")),
      maxRate: decToProtoString(parseDec(o.commissionMaxRate ?? "0.2")),
      maxChangeRate: decToProtoString(parseDec(o.commissionMaxChangeRate ?? "0.01")),
    },
    minSelfDelegation: o.minSelfDelegation ?? "1",
    delegatorAddress: "",
    validatorAddress: operator,
    pubkey: ed25519PubKeyAny(o.consensusPubKey),
    value: o.amount,
  });
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({
      messages: [{ typeUrl: MsgCreateValidator.typeUrl, value: MsgCreateValidator.encode(msg).finish() }],
      memo: o.memo ?? "",
    }),
  ).finish();
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(acc.pubkey)), sequence: 0 }],
    [],
    Number(o.gas ?? DEFAULT_GENTX_GAS),
    undefined,
    undefined,
  );
  const doc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId, 0);
  const { signed, signature } = await o.signer.signDirect(acc.address, doc);
  return txToJson({
    bodyBytes: signed.bodyBytes,
    authInfoBytes: signed.authInfoBytes,
    signatures: [fromBase64(signature.signature)],
  });
}

export interface GenesisAppStateLike {
  auth?: { accounts?: { address?: string }[] };
  bank?: { balances?: { address: string; coins: { denom: string; amount: string }[] }[] };
  staking?: { params?: { bond_denom?: string } };
  [module: string]: unknown;
}

/**
 * The checks of collect-gentxs for one gentx: one MsgCreateValidator, a valid signature by the
 * operator for `chainId` (account number 0), the operator's account in genesis with enough of the
 * bond denom. Returns the message and the tx's memo.
 */
export function checkGentx(
  tx: unknown,
  chainId: string,
  appState: GenesisAppStateLike,
  verifier: SignatureVerifierI,
): { msg: MsgCreateValidator; memo: string } {
  const msg = gentxCreateValidator(tx);
  const raw = txFromJson(tx);
  const body = TxBody.decode(raw.bodyBytes);
  const auth = AuthInfo.decode(raw.authInfoBytes);
  // the operator's account is the signer (cosmos.msg.v1.signer = validator_address)
  const operator = addressFromString(msg.validatorAddress, Bech32PrefixValAddr);
  if (auth.signerInfos.length !== 1 || raw.signatures.length !== 1)
    throw ErrInvalidRequest.wrap("a gentx must have exactly one signer");
  const pkAny = auth.signerInfos[0].publicKey;
  if (!pkAny) throw ErrInvalidRequest.wrap("gentx signer info has no public key");
  const pk = secp256k1KeyFromAny(pkAny);
  if (!bytesEqual(secp256k1AddressBytes(pk), operator))
    throw ErrInvalidRequest.wrap(`gentx is not signed by the operator ${msg.validatorAddress}`);
  const signBytes = SignDoc.encode({
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    chainId,
    accountNumber: 0n,
  }).finish();
  if (!verifier.verifySecp256k1(pk, signBytes, raw.signatures[0]))
    throw ErrInvalidRequest.wrap(`gentx signature does not verify for chain id ${chainId}`);
  const opAcc = addressToString(operator);
  if (!(appState.auth?.accounts ?? []).some((a) => a?.address === opAcc))
    throw ErrInvalidRequest.wrap(`account ${opAcc} balance not in genesis state`);
  const bondDenom = appState.staking?.params?.bond_denom ?? DefaultBondDenom;
  if (msg.value.denom !== bondDenom)
    throw ErrInvalidRequest.wrap(`gentx self-delegation denom ${msg.value.denom} is not the bond denom ${bondDenom}`);
  const bal = (appState.bank?.balances ?? []).find((b) => b.address === opAcc);
  const have = BigInt(bal?.coins.find((c) => c.denom === bondDenom)?.amount ?? "0");
  if (have < BigInt(msg.value.amount || "0")) {
    throw ErrInvalidRequest.wrap(
      `insufficient fund for delegation ${opAcc}: ${have}${bondDenom} < ${msg.value.amount}${bondDenom}`,
    );
  }
  return { msg, memo: body.memo };
}

/**
 * collect-gentxs on a genesis document: checks every gentx, puts them into app_state.genutil.gen_txs
 * (replacing what was there) and empties the CometBFT `validators` list, since the set now comes
 * from InitChain (staking). Two gentxs for the same operator or consensus key are refused.
 * Mutates and returns `doc`; `peers` are the gentx memos (simd's persistent peers). `verifier` is
 * x/auth's signature check.
 */
export function collectGentxs<
  D extends { chain_id: string; validators: unknown[]; app_state?: GenesisAppStateLike | unknown },
>(doc: D, gentxs: unknown[], verifier: SignatureVerifierI): { doc: D; peers: string[] } {
  const appState = (doc.app_state ?? {}) as GenesisAppStateLike;
  const ops = new Set<string>();
  const keys = new Set<string>();
  const peers: string[] = [];
  gentxs.forEach((tx, i) => {
    let r: { msg: MsgCreateValidator; memo: string };
    try {
      r = checkGentx(tx, doc.chain_id, appState, verifier);
    } catch (e) {
      throw ErrInvalidRequest.wrap(`gentx ${i}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const key = Buffer.from(r.msg.pubkey?.value ?? new Uint8Array()).toString("hex");
    if (ops.has(r.msg.validatorAddress))
      throw ErrInvalidRequest.wrap(`duplicate gentx for validator ${r.msg.validatorAddress}`);
    if (keys.has(key)) throw ErrInvalidRequest.wrap(`duplicate gentx consensus key (gentx ${i})`);
    ops.add(r.msg.validatorAddress);
    keys.add(key);
    if (r.memo !== "") peers.push(r.memo);
  });
  appState.genutil = { gen_txs: gentxs };
  doc.app_state = appState;
  doc.validators = [];
  return { doc, peers };
}
