// The bench's sender accounts (devnet mnemonic, HD indexes 10..), funded from the devnet user
// account, and the txs they sign offline: tx i from sender i % senders with that account's next
// sequence, so bounded concurrency never reorders one account's txs.
import { createHash } from "node:crypto";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { DEVNET_MNEMONIC, devnetWallet } from "../../app/devnet.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { connectSigningClient, walletFromMnemonic } from "../../client/index.ts";
import type { NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { Inputs } from "./tensors.ts";

type Client = Awaited<ReturnType<typeof connectSigningClient>>;
type Msg = { typeUrl: string; value: unknown };

export interface SignedTx {
  bytes: Uint8Array;
  hash: string;
  /** the sender's index: its txs all go to the same node */
  sender: number;
}

export class Senders {
  private constructor(
    readonly chainId: string,
    readonly accounts: { address: string; client: Client }[],
    private readonly user: Client,
  ) {}

  /** Connects `count` sender accounts to `rpcUrl` and funds them from the devnet user account. */
  static async fund(rpcUrl: string, count: number): Promise<Senders> {
    const wallet = await devnetWallet("user");
    const [acc] = await wallet.getAccounts();
    const user = await connectSigningClient(rpcUrl, wallet, { extraTypes: dgridMsgTypes });
    const accounts = await Promise.all(
      Array.from({ length: count }, async (_, j) => {
        const w = await walletFromMnemonic(DEVNET_MNEMONIC, `m/44'/118'/0'/0/${10 + j}`);
        return {
          address: (await w.getAccounts())[0].address,
          client: await connectSigningClient(rpcUrl, w, { extraTypes: dgridMsgTypes }),
        };
      }),
    );
    const fund = await user.signAndBroadcast(
      acc.address,
      accounts.map((a) => ({
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: { fromAddress: acc.address, toAddress: a.address, amount: [{ denom: "udgrid", amount: "10000000000" }] },
      })),
      "auto",
    );
    if (fund.code !== 0) throw new Error(`funding failed: ${fund.rawLog}`);
    return new Senders(await user.getChainId(), accounts, user);
  }

  /** Simulated gas of `msg` from sender 0, with a margin, and its fee at 0.0025udgrid. */
  async feeFor(msg: (from: string) => Msg): Promise<{ amount: { denom: string; amount: string }[]; gas: string }> {
    const s = this.accounts[0];
    const gas = Math.ceil((await s.client.simulate(s.address, [msg(s.address)], "")) * 1.3);
    return { amount: [{ denom: "udgrid", amount: String(Math.ceil(gas * 0.0025) + 1) }], gas: String(gas) };
  }

  /** `n` txs, tx i = msg(i, sender address), pre-signed from the senders' current sequences. */
  async sign(
    n: number,
    msg: (i: number, from: string) => Msg,
    fee: { amount: { denom: string; amount: string }[]; gas: string },
  ): Promise<SignedTx[]> {
    const seqs = await Promise.all(this.accounts.map((a) => a.client.getSequence(a.address)));
    const out: SignedTx[] = [];
    for (let i = 0; i < n; i++) {
      const j = i % this.accounts.length;
      const a = this.accounts[j];
      const signed = await a.client.sign(a.address, [msg(i, a.address)], fee, "", {
        accountNumber: seqs[j].accountNumber,
        sequence: seqs[j].sequence + Math.floor(i / this.accounts.length),
        chainId: this.chainId,
      });
      const bytes = TxRaw.encode(signed).finish();
      out.push({ bytes, hash: createHash("sha256").update(bytes).digest("hex").toUpperCase(), sender: j });
    }
    return out;
  }

  disconnect(): void {
    this.user.disconnect();
    for (const a of this.accounts) a.client.disconnect();
  }
}

const named = (inputs: Inputs): NamedTensor[] =>
  Object.keys(inputs)
    .sort()
    .map((name) => ({ name, ...inputs[name], shape: [...inputs[name].shape] }));

/** A MsgRequestInference of one input set (`items.length` = 1) or a batch of them. */
export function requestMsg(modelId: string, items: Inputs[], maxFee: bigint, redundancy: number) {
  const single = items.length === 1;
  return (from: string): Msg => ({
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    value: {
      requester: from,
      modelId,
      inputs: single ? named(items[0]) : [],
      items: single ? [] : items.map((it) => ({ inputs: named(it) })),
      maxFee: { denom: "udgrid", amount: maxFee.toString() },
      redundancy,
    },
  });
}

/** The comparison tx: a MsgSend of 1udgrid back to the sender itself. */
export const sendMsg = (from: string): Msg => ({
  typeUrl: "/cosmos.bank.v1beta1.MsgSend",
  value: { fromAddress: from, toAddress: from, amount: [{ denom: "udgrid", amount: "1" }] },
});
