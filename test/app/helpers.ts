// Test helpers: an app over the in-memory store, a genesis with funded accounts, CosmJS-signed txs.
import { createHash } from "node:crypto";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { DirectSecp256k1Wallet, encodePubkey, makeAuthInfoBytes, makeSignDoc, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Event } from "cosmjs-types/tendermint/abci/types";
import pino from "pino";
import { DGridApp } from "../../app/app.ts";
import { GENESIS_SECONDS, initChainRequest } from "../support/init-chain.ts";
import { MemCommitMultiStore } from "./memory-store.ts";

export const CHAIN_ID = "dgrid-test-1";
export const registry = new Registry(defaultRegistryTypes);

export interface TestKey {
  wallet: DirectSecp256k1Wallet;
  address: string;
  pubkey: Uint8Array;
}

export async function testKey(name: string): Promise<TestKey> {
  const priv = new Uint8Array(createHash("sha256").update(name).digest());
  const wallet = await DirectSecp256k1Wallet.fromKey(priv, "dgrid");
  const [acc] = await wallet.getAccounts();
  return { wallet, address: acc.address, pubkey: acc.pubkey };
}

export function newApp(opts: { minGasPrices?: string } = {}): DGridApp {
  const logger = pino({ level: "silent" });
  const store = new MemCommitMultiStore({ storeNames: appStoreNames() });
  return new DGridApp(
    { chainId: CHAIN_ID, minGasPrices: opts.minGasPrices ?? "0.025udgrid" },
    { db: undefined as any, logger, store },
  );
}

/** The store keys the app mounts (every module's, as DGridApp builds its CommitMultiStore). */
export function appStoreNames(): string[] {
  const probe = new DGridApp(
    { minGasPrices: "" },
    { db: undefined as any, logger: pino({ level: "silent" }), store: {} as any },
  );
  return probe.modules.map((m) => m.storeKey).filter((k) => k !== "");
}

export function genesis(accounts: { address: string; coins: { denom: string; amount: string }[] }[]) {
  return {
    auth: {
      params: {
        max_memo_characters: "256",
        tx_sig_limit: "7",
        tx_size_cost_per_byte: "10",
        sig_verify_cost_ed25519: "590",
        sig_verify_cost_secp256k1: "1000",
      },
      accounts: accounts.map((a, i) => ({
        "@type": "/cosmos.auth.v1beta1.BaseAccount",
        address: a.address,
        pub_key: null,
        account_number: String(i),
        sequence: "0",
      })),
    },
    bank: {
      params: { send_enabled: [], default_send_enabled: true },
      balances: accounts.map((a) => ({ address: a.address, coins: a.coins })),
      supply: [],
      denom_metadata: [],
      send_enabled: [],
    },
  };
}

export async function initApp(app: DGridApp, appState: unknown, time = GENESIS_SECONDS) {
  return app.initChain(initChainRequest(CHAIN_ID, appState, time));
}

export interface SignOpts {
  accountNumber: bigint;
  sequence: bigint;
  fee?: string; // udgrid amount
  gas?: bigint;
  memo?: string;
  chainId?: string;
  corrupt?: boolean;
  payer?: string;
  granter?: string;
}

export async function signTx(
  key: TestKey,
  msgs: { typeUrl: string; value: unknown }[],
  o: SignOpts,
): Promise<Uint8Array> {
  const bodyBytes = registry.encode({
    typeUrl: "/cosmos.tx.v1beta1.TxBody",
    value: { messages: msgs, memo: o.memo ?? "" },
  });
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(key.pubkey));
  const gas = o.gas ?? 200_000n;
  const fee = o.fee ?? "5000";
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey, sequence: o.sequence }],
    [{ denom: "udgrid", amount: fee }],
    Number(gas),
    o.granter,
    o.payer,
  );
  const doc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId ?? CHAIN_ID, Number(o.accountNumber));
  const { signature } = await key.wallet.signDirect(key.address, doc);
  const sig = fromBase64(signature.signature);
  if (o.corrupt) sig[5] ^= 0xff;
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [sig] }).finish();
}

export function send(from: string, to: string, amount: string) {
  return {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: from, toAddress: to, amount: [{ denom: "udgrid", amount }] },
  };
}

let blockTime = 1_700_000_000n;

/** the time (unix seconds) of the last block `block` made; the next one is 5 s later */
export function lastBlockTime(): bigint {
  return blockTime;
}

export async function block(app: DGridApp, height: number, txs: Uint8Array[]) {
  blockTime += 5n;
  const res = await app.finalizeBlock({
    txs,
    decidedLastCommit: { round: 0, votes: [] },
    misbehavior: [],
    hash: new Uint8Array(32),
    height: BigInt(height),
    time: { seconds: blockTime, nanos: 0 },
    nextValidatorsHash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
  });
  await app.commit({});
  return res;
}

export function attrs(events: Event[], type: string): Record<string, string>[] {
  return events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}
