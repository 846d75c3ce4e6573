// The ante handler, decorators in x/auth/ante/ante.go order (SetUpContext is done by the app, which
// builds the tx gas meter before calling this): extension options, ValidateBasic, timeout height,
// memo, tx-size gas, fee deduction (by the fee granter when one is named), SetPubKey, sig count, sig gas, sig verification, sequence.

import type { AminoConverters } from "@cosmjs/stargate";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { AnteHandler } from "../../chain/baseapp/ante-handler.ts";
import {
  type Coin,
  coinsToString,
  fromProtoCoins,
  isAnyGTE,
  isValidCoins,
  parseDecCoins,
  requiredFees,
} from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import type { DecodedTx } from "../../chain/baseapp/tx.ts";
import {
  CodedError,
  ErrInsufficientFee,
  ErrInsufficientFunds,
  ErrInvalidAddress,
  ErrInvalidGasLimit,
  ErrInvalidPubKey,
  ErrInvalidRequest,
  ErrMemoTooLarge,
  ErrNoSignatures,
  ErrTooManySignatures,
  ErrTxTimeoutHeight,
  ErrUnauthorized,
  ErrUnknownAddress,
  ErrUnknownExtensionOptions,
  ErrWrongSequence,
} from "../../chain/errors/errors.ts";
import { addressFromString, isValidAddress, secp256k1AddressBytes } from "../../chain/types/address.ts";
import { bytesEqual, toHex } from "../../chain/types/bytes.ts";
import { Secp256k1PubKeyTypeUrl, secp256k1KeyFromAny } from "../../chain/types/pubkey.ts";
import type { Account } from "./account.ts";
import { accSeqEvent, feeEvent, signatureEvent } from "./events.ts";
import type { BankKeeperI, FeegrantKeeperI } from "./expected-keepers.ts";
import type { AccountKeeper } from "./keeper.ts";
import { FeeCollectorName } from "./keys.ts";
import { signBytes } from "./sign-modes.ts";
import { SignatureVerifier } from "./sigverify.ts";

/** amino size of a StdSignature with a secp256k1 pubkey and a 64-byte signature, plus 6 (SDK simulation) */
const SIMULATED_SIG_SIZE = 112;

/** SDK ValidateBasic limit: gas wanted must fit an int64 */
const MAX_GAS_WANTED = (1n << 63n) - 1n;

export interface AnteDeps {
  accountKeeper: AccountKeeper;
  bankKeeper: BankKeeperI;
  /** signature checks with a cache of verified signatures (default: a cache, no worker thread) */
  sigVerifier?: SignatureVerifier;
  /**
   * amino JSON converters (CosmJS AminoConverters) for SIGN_MODE_LEGACY_AMINO_JSON, given by the app
   * (the DGrid messages'); a message type's own `toAmino` serves where this has no entry
   */
  aminoConverters?: AminoConverters;
  /** x/feegrant, given by the app: absent, a tx naming a fee granter is refused */
  feegrantKeeper?: FeegrantKeeperI;
}

export type { AnteHandler };

/**
 * Per decoded tx (CheckTx, recheck and FinalizeBlock share one DecodedTx object, which never changes):
 * signer i's pubkey-to-address check, and the signer data under which signature i verified. Both are
 * pure functions of what they are keyed on, so a hit skips sign bytes, hashing and the cache lookup.
 */
const txMemo = new WeakMap<DecodedTx, { keyOk: Map<number, string>; verified: Map<number, string> }>();

function memoOf(tx: DecodedTx) {
  let m = txMemo.get(tx);
  if (!m) {
    m = { keyOk: new Map(), verified: new Map() };
    txMemo.set(tx, m);
  }
  return m;
}

function pubKeyMatchesSigner(tx: DecodedTx, i: number, pkAny: Any, signer: string): boolean {
  const m = memoOf(tx);
  const id = `${pkAny.typeUrl}/${toHex(pkAny.value)}/${signer}`;
  if (m.keyOk.get(i) === id) return true;
  const key = secp256k1KeyFromAny(pkAny); // throws on a key type other than secp256k1
  if (!bytesEqual(secp256k1AddressBytes(key), addressFromString(signer))) return false;
  m.keyOk.set(i, id);
  return true;
}

function verifiedMemo(
  tx: DecodedTx,
  i: number,
  pubkey: Uint8Array,
  mode: SignMode | undefined,
  chainId: string,
  accNum: bigint,
  sequence: bigint,
): { has(): boolean; set(): void } {
  const m = memoOf(tx);
  const id = `${toHex(pubkey)}/${String(mode)}/${chainId}/${accNum}/${sequence}`;
  return { has: () => m.verified.get(i) === id, set: () => m.verified.set(i, id) };
}

export function newAnteHandler(deps: AnteDeps): AnteHandler {
  const ak = deps.accountKeeper;
  const bk = deps.bankKeeper;
  const verifier = deps.sigVerifier ?? new SignatureVerifier({ workers: 0 });

  return async (ctx, tx) => {
    const simulate = ctx.isSimulate;
    const { body, authInfo, raw } = tx;
    const fee = authInfo.fee;
    const gasLimit = fee?.gasLimit ?? 0n;
    const feeCoins: Coin[] = fromProtoCoins(fee?.amount ?? []);
    const signerInfos = authInfo.signerInfos;

    // ExtensionOptionsDecorator
    if (body.extensionOptions.length > 0) throw ErrUnknownExtensionOptions.wrap("unknown extension options");

    // ValidateBasicDecorator (skipped on recheck)
    if (!ctx.isReCheckTx) {
      if (gasLimit > MAX_GAS_WANTED)
        throw ErrInvalidRequest.wrap(`invalid gas supplied; ${gasLimit} > ${MAX_GAS_WANTED}`);
      if (feeCoins.some((c) => c.amount < 0n))
        throw ErrInsufficientFee.wrap(`invalid fee provided: ${coinsToString(feeCoins)}`);
      if (raw.signatures.length === 0) throw ErrNoSignatures.wrap("no signatures supplied");
      if (raw.signatures.length !== tx.signers.length) {
        throw ErrUnauthorized.wrap(
          `wrong number of signers; expected ${tx.signers.length}, got ${raw.signatures.length}`,
        );
      }
    }
    if (signerInfos.length !== tx.signers.length) {
      throw ErrUnauthorized.wrap(
        `wrong number of signer infos; expected ${tx.signers.length}, got ${signerInfos.length}`,
      );
    }

    // TxTimeoutHeightDecorator
    if (body.timeoutHeight > 0n && BigInt(ctx.height) > body.timeoutHeight) {
      throw ErrTxTimeoutHeight.wrap(`block height: ${ctx.height}, timeout height: ${body.timeoutHeight}`);
    }

    const params = await ak.getParams(ctx);

    // ValidateMemoDecorator (counts characters, as Go's len() on the string counts bytes)
    const memoLen = Buffer.byteLength(body.memo, "utf8");
    if (BigInt(memoLen) > params.maxMemoCharacters) {
      throw ErrMemoTooLarge.wrap(
        `maximum number of characters is ${params.maxMemoCharacters} but received ${memoLen} characters`,
      );
    }

    // ConsumeGasForTxSizeDecorator. Each SDK decorator reads the params and the signer accounts itself;
    // the reads below are repeated where the SDK does them, so a tx costs the SDK's gas and a client's
    // simulation (which pays no fee) times its usual margin (CosmJS 1.4) covers the fee deduction.
    await ak.readParamsForGas(ctx);
    ctx.gasMeter.consume(Number(params.txSizeCostPerByte) * ctx.txBytes.length, "txSize");
    if (simulate) {
      // charge for the signatures a simulated tx leaves empty, as the SDK does with the size of an
      // amino StdSignature (secp256k1 pubkey + 64-byte signature) + 6
      for (let i = 0; i < tx.signers.length; i++) {
        const sig = raw.signatures[i];
        if (sig && sig.length > 0) continue;
        ctx.gasMeter.consume(Number(params.txSizeCostPerByte) * SIMULATED_SIG_SIZE, "txSize");
      }
    }

    // DeductFeeDecorator
    if (!simulate && ctx.height > 0 && gasLimit === 0n) throw ErrInvalidGasLimit.wrap("must provide positive gas");
    if (!simulate && ctx.isCheckTx) {
      const prices = parseDecCoins(ctx.minGasPrices);
      if (prices.some((p) => p.amount18 > 0n)) {
        const required = requiredFees(prices, gasLimit);
        if (!isAnyGTE(feeCoins, required)) {
          throw ErrInsufficientFee.wrap(
            `insufficient fees; got: ${coinsToString(feeCoins)} required: ${coinsToString(required)}`,
          );
        }
      }
    }
    const feePayer = fee?.payer ? fee.payer : tx.signers[0];
    // a fee granter pays instead of the payer when its allowance for the payer accepts this fee and
    // these messages (the allowance is updated on this branch: CheckTx's, simulation's or the block's)
    let deductFeesFrom = feePayer;
    if (fee?.granter) {
      if (!deps.feegrantKeeper) throw ErrInvalidRequest.wrap("fee grants are not enabled");
      if (!isValidAddress(fee.granter)) throw ErrInvalidAddress.wrap(`invalid fee granter address: ${fee.granter}`);
      if (!bytesEqual(addressFromString(fee.granter), addressFromString(feePayer))) {
        const msgTypeUrls = tx.msgs.map((m) => m.typeUrl);
        try {
          await deps.feegrantKeeper.useGrantedFees(ctx, fee.granter, feePayer, feeCoins, msgTypeUrls);
        } catch (e) {
          if (e instanceof CodedError)
            throw new CodedError(
              e.registered,
              `${fee.granter} does not allow to pay fees for ${feePayer}: ${e.message}`,
            );
          throw e;
        }
      }
      deductFeesFrom = fee.granter;
    }
    if (!(await ak.getAccount(ctx, deductFeesFrom)))
      throw ErrUnknownAddress.wrap(`fee payer address: ${deductFeesFrom} does not exist`);
    if (feeCoins.length > 0) {
      if (!isValidCoins(feeCoins)) throw ErrInsufficientFee.wrap(`invalid fee amount: ${coinsToString(feeCoins)}`);
      try {
        await bk.sendCoinsFromAccountToModule(ctx, deductFeesFrom, FeeCollectorName, feeCoins);
      } catch (e) {
        if (e instanceof CodedError && ErrInsufficientFunds.is(e)) throw ErrInsufficientFunds.wrap(e.message);
        throw e;
      }
    }
    ctx.eventManager.emit(feeEvent(coinsToString(feeCoins), deductFeesFrom));

    // SetPubKeyDecorator
    const accounts: Account[] = [];
    for (let i = 0; i < tx.signers.length; i++) {
      const signer = tx.signers[i];
      const pkAny = signerInfos[i].publicKey;
      const acc = await ak.getAccount(ctx, signer);
      if (!acc) throw ErrUnknownAddress.wrap(`account ${signer} does not exist`);
      if (pkAny) {
        if (!pubKeyMatchesSigner(tx, i, pkAny, signer)) {
          throw ErrInvalidPubKey.wrap(`pubKey does not match signer address ${signer} with signer index: ${i}`);
        }
        if (!acc.pubKey) {
          acc.pubKey = pkAny;
          ak.setAccount(ctx, acc);
        }
      } else if (!simulate && !acc.pubKey) {
        throw ErrInvalidPubKey.wrap("pubkey on account is not set");
      }
      accounts.push(acc);
    }
    for (let i = 0; i < tx.signers.length; i++) {
      ctx.eventManager.emit(accSeqEvent(tx.signers[i], signerInfos[i].sequence));
      ctx.eventManager.emit(signatureEvent(Buffer.from(raw.signatures[i] ?? new Uint8Array()).toString("base64")));
    }

    // ValidateSigCountDecorator (single keys only: one per signer)
    await ak.readParamsForGas(ctx);
    if (BigInt(tx.signers.length) > params.txSigLimit) {
      throw ErrTooManySignatures.wrap(`signatures: ${tx.signers.length}, limit: ${params.txSigLimit}`);
    }

    // SigGasConsumeDecorator
    await ak.readParamsForGas(ctx);
    for (const acc of accounts) {
      await ak.readAccountForGas(ctx, acc.address);
      const typeUrl = acc.pubKey?.typeUrl ?? Secp256k1PubKeyTypeUrl; // simulation without a key: secp256k1
      if (typeUrl !== Secp256k1PubKeyTypeUrl) throw ErrInvalidPubKey.wrap(`unrecognized public key type: ${typeUrl}`);
      ctx.gasMeter.consume(Number(params.sigVerifyCostSecp256k1), "ante verify: secp256k1");
    }

    // SigVerificationDecorator
    for (let i = 0; i < accounts.length; i++) {
      const acc = accounts[i];
      await ak.readAccountForGas(ctx, acc.address);
      const info = signerInfos[i];
      if (info.sequence !== acc.sequence) {
        throw ErrWrongSequence.wrap(`account sequence mismatch, expected ${acc.sequence}, got ${info.sequence}`);
      }
      if (simulate || ctx.isReCheckTx) continue;
      const accNum = ctx.height !== 0 ? acc.accountNumber : 0n;
      const mode = info.modeInfo?.single?.mode;
      const amino = mode === SignMode.SIGN_MODE_LEGACY_AMINO_JSON;
      const fail = (why: string) =>
        ErrUnauthorized.wrap(
          amino
            ? `signature verification failed; please verify account number (${accNum}), sequence (${acc.sequence}) and chain-id (${ctx.chainId})`
            : `signature verification failed; please verify account number (${accNum}) and chain-id (${ctx.chainId}): (${why})`,
        );
      if (!acc.pubKey) throw ErrInvalidPubKey.wrap("pubkey on account is not set");
      const pubkey = secp256k1KeyFromAny(acc.pubKey);
      const memo = verifiedMemo(tx, i, pubkey, mode, ctx.chainId, accNum, acc.sequence);
      if (memo.has()) continue;
      const bytes = signBytes(
        mode,
        tx,
        { chainId: ctx.chainId, accountNumber: accNum, sequence: acc.sequence },
        deps.aminoConverters,
      );
      if (!bytes) throw fail(`unsupported sign mode ${String(mode)}`);
      if (!verifier.verify(pubkey, bytes, raw.signatures[i])) {
        throw fail("unable to verify single signer signature");
      }
      memo.set();
    }

    // IncrementSequenceDecorator
    for (const acc of accounts) {
      const fresh = (await ak.getAccount(ctx, acc.address)) ?? acc;
      fresh.sequence += 1n;
      ak.setAccount(ctx, fresh);
    }
  };
}

/**
 * CheckTx pre-verification: verifies a new tx's signatures on the verifier's worker thread before the
 * (serial) ante handler runs, so the ante finds them in the verified cache. Reads only account numbers
 * and public keys; any problem just means the ante handler verifies (or rejects) the tx itself.
 */
export function newSigVerifyAhead(
  deps: AnteDeps & { sigVerifier: SignatureVerifier },
): (ctx: Context, tx: DecodedTx) => Promise<void> {
  const ak = deps.accountKeeper;
  const verifier = deps.sigVerifier;
  return async (ctx, tx) => {
    try {
      const { authInfo, raw } = tx;
      if (authInfo.signerInfos.length !== tx.signers.length || raw.signatures.length !== tx.signers.length) return;
      const pending: Promise<void>[] = [];
      for (let i = 0; i < tx.signers.length; i++) {
        const info = authInfo.signerInfos[i];
        const acc = await ak.getAccount(ctx, tx.signers[i]);
        if (!acc) return;
        const pkAny = info.publicKey ?? acc.pubKey;
        if (!pkAny || pkAny.typeUrl !== Secp256k1PubKeyTypeUrl) return;
        const accNum = ctx.height !== 0 ? acc.accountNumber : 0n;
        const mode = info.modeInfo?.single?.mode;
        const bytes = signBytes(
          mode,
          tx,
          { chainId: ctx.chainId, accountNumber: accNum, sequence: info.sequence },
          deps.aminoConverters,
        );
        if (!bytes) return;
        const pubkey = secp256k1KeyFromAny(pkAny);
        // a success is recorded on the tx for exactly these inputs, so the ante handler (same decoded tx,
        // same key, account number and sequence) skips rebuilding the sign bytes and the cache lookup
        const memo = verifiedMemo(tx, i, pubkey, mode, ctx.chainId, accNum, info.sequence);
        pending.push(
          verifier.verifyAhead(pubkey, bytes, raw.signatures[i]).then((ok) => {
            if (ok) memo.set();
          }),
        );
      }
      await Promise.all(pending);
    } catch {
      // the ante handler reports whatever is wrong with this tx
    }
  };
}
