// Tx bytes through CheckTx on an in-process app (the canonical decoder, ValidateBasic and the whole
// ante chain of modules/auth). Inputs: signed seed txs (a MsgSend, several messages, two signers,
// and one tx per registered message type with that message's default value), their mutants
// (protobuf-aware and byte-level), random bytes, and re-signed mutants whose TxBody / AuthInfo were
// mutated and then signed again, so the ante runs past signature verification on odd txs.
// Crash: CheckTx throws, answers with an unregistered code or ErrInternal, or accepts a mutant that
// is not byte-identical to a signed tx (a malleable encoding: a second hash for the same signed tx).
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import fc from "fast-check";
import type { DGridApp } from "../../../app/app.ts";
import type { MsgType } from "../../../chain/baseapp/module.ts";
import { ErrInternal, lookup } from "../../../chain/errors/errors.ts";
import { CHAIN_ID, genesis, initApp, newApp } from "../../../test/app/helpers.ts";
import { type BenchAccount, makeAccounts } from "../../presign.ts";
import { applyProtoOps, bytesInput, type ProtoMutation, protoMutation, toHex } from "../mutate.ts";
import { Counters, describeError, FuzzCrash, type FuzzInstance, type FuzzTarget } from "../target.ts";

const accounts = makeAccounts(3);
const DENOM = "udgrid";

type TxInput =
  | { kind: "bytes"; tx: Uint8Array }
  | { kind: "resign"; signer: number; body: number; bodyOps: ProtoMutation; authOps: ProtoMutation };

function authInfo(signers: BenchAccount[], sequence = 0n, fee = "5000", gas = 200_000n): Uint8Array {
  return AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: signers.map((s) => ({
        publicKey: { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: PubKey.encode({ key: s.pub }).finish() },
        modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
        sequence,
      })),
      fee: { amount: [{ denom: DENOM, amount: fee }], gasLimit: gas },
    }),
  ).finish();
}

function sign(bodyBytes: Uint8Array, authInfoBytes: Uint8Array, signers: BenchAccount[]): Uint8Array {
  const signatures = signers.map((s) =>
    secp256k1.sign(
      SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN_ID, accountNumber: s.accountNumber }).finish(),
      s.priv,
    ),
  );
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures }).finish();
}

const send = (from: BenchAccount, to: BenchAccount, amount: string) => ({
  typeUrl: "/cosmos.bank.v1beta1.MsgSend",
  value: MsgSend.encode({
    fromAddress: from.address,
    toAddress: to.address,
    amount: [{ denom: DENOM, amount }],
  }).finish(),
});

/** TxBody seeds: sends, several messages with a memo, and each registered message type's default value. */
function bodySeeds(app: DGridApp): Uint8Array[] {
  const [a, b, c] = accounts;
  const bodies = [
    TxBody.encode(TxBody.fromPartial({ messages: [send(a, b, "7")] })).finish(),
    TxBody.encode(
      TxBody.fromPartial({ messages: [send(a, b, "1"), send(a, c, "2")], memo: "fuzz", timeoutHeight: 1000n }),
    ).finish(),
    TxBody.encode(TxBody.fromPartial({ messages: [send(b, a, "3"), send(c, a, "4")] })).finish(),
  ];
  // every message type the router knows (private map read on purpose: the fuzzer wants them all)
  const msgs = (app.router as unknown as { msgs: Map<string, { type: MsgType }> }).msgs;
  for (const [typeUrl, reg] of [...msgs].sort(([x], [y]) => (x < y ? -1 : 1))) {
    let value: Uint8Array;
    try {
      value = reg.type.encode(reg.type.decode(new Uint8Array()));
    } catch {
      continue;
    }
    bodies.push(TxBody.encode(TxBody.fromPartial({ messages: [{ typeUrl, value }] })).finish());
  }
  return bodies;
}

/** Signed seed txs: the three bodies above with their signers, the per-type bodies signed by account 0. */
function txSeeds(bodies: Uint8Array[]): Uint8Array[] {
  const [a, b, c] = accounts;
  const seeds = [
    sign(bodies[0], authInfo([a]), [a]),
    sign(bodies[1], authInfo([a], 0n, "20000", 400_000n), [a]),
    sign(bodies[2], authInfo([b, c]), [b, c]),
  ];
  for (const body of bodies.slice(3)) seeds.push(sign(body, authInfo([a]), [a]));
  return seeds;
}

// The seeds depend on the app's router only through its message types, which are fixed per build,
// so one probe app gives the arbitrary its seeds.
let cached: { bodies: Uint8Array[]; seeds: Uint8Array[] } | undefined;
function seeds() {
  if (!cached) {
    const bodies = bodySeeds(newApp());
    cached = { bodies, seeds: txSeeds(bodies) };
  }
  return cached;
}

function resigned(input: Extract<TxInput, { kind: "resign" }>): Uint8Array {
  const { bodies } = seeds();
  const signer = accounts[input.signer];
  const body = applyProtoOps(bodies[input.body % bodies.length], input.bodyOps, bodies[0]);
  const auth = applyProtoOps(authInfo([signer]), input.authOps, authInfo([accounts[0]]));
  return sign(body, auth, [signer]);
}

export const txTarget: FuzzTarget<TxInput> = {
  name: "tx",
  description: "tx bytes -> CheckTx (canonical decoder, ValidateBasic, ante): a registered code or accepted once",
  arbitrary() {
    const { seeds: txs, bodies } = seeds();
    return fc.oneof(
      { weight: 4, arbitrary: bytesInput(txs, 1024).map((tx): TxInput => ({ kind: "bytes", tx })) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("resign" as const),
          signer: fc.nat({ max: accounts.length - 1 }),
          body: fc.nat({ max: bodies.length - 1 }),
          bodyOps: protoMutation(0, 3),
          authOps: protoMutation(0, 2),
        }),
      },
    );
  },
  async open(): Promise<FuzzInstance<TxInput>> {
    const app = newApp();
    await initApp(
      app,
      genesis(accounts.map((a) => ({ address: a.address, coins: [{ denom: DENOM, amount: "1000000000000" }] }))),
    );
    const signed = new Set(seeds().seeds.map(toHex));
    const counters = new Counters();
    return {
      async run(input) {
        const tx = input.kind === "bytes" ? input.tx : resigned(input);
        let res: Awaited<ReturnType<DGridApp["checkTx"]>>;
        try {
          res = await app.checkTx({ tx, type: 0 });
        } catch (e) {
          throw new FuzzCrash(`CheckTx threw ${describeError(e)}`, { cause: e });
        }
        if (res.code === 0) {
          counters.add("accepted");
          if (input.kind === "bytes" && !signed.has(toHex(tx)))
            throw new FuzzCrash(`CheckTx accepted a re-encoding of a signed tx: ${toHex(tx)}`);
          return;
        }
        if (res.codespace === ErrInternal.codespace && res.code === ErrInternal.code)
          throw new FuzzCrash(`CheckTx failed with an unregistered error (ErrInternal): ${res.log}`);
        if (!lookup(res.codespace, res.code))
          throw new FuzzCrash(`CheckTx answered unregistered code ${res.codespace}:${res.code}: ${res.log}`);
        counters.add(`${res.codespace}:${res.code}`);
      },
      stats: () => counters.toJSON(),
      async close() {},
    };
  },
  toJson(input) {
    return input.kind === "bytes"
      ? { kind: "bytes", txHex: toHex(input.tx) }
      : { ...input, txHex: toHex(resigned(input)) };
  },
};
