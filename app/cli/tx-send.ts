// Signs a MsgSend with a keyring key through SigningStargateClient and broadcasts it (sync or block).
import { createHash } from "node:crypto";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject, GeneratedType, OfflineDirectSigner } from "@cosmjs/proto-signing";
import {
  BroadcastTxError,
  calculateFee,
  GasPrice,
  type IndexedTx,
  type SigningStargateClient,
  type StdFee,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Command } from "commander";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { connectSigningClient } from "../../client/index.ts";
import { SimulationError, simulateWithFee } from "../../client/simulate.ts";
import { parseAddress, parseCoins, parseGasPrice, parsePositiveInt, parsePositiveNumber } from "./args.ts";
import { CliError, type CliIO } from "./context.ts";
import { confirm, openKeyring } from "./keyring-flags.ts";
import { jsonSafe, nodeUrl, rpcCall, withNode } from "./node-client.ts";
import { DEFAULT_GAS_LIMIT, DEFAULT_GAS_PRICE, printTxResult, type SendFlags } from "./tx.ts";

/** how often block mode looks for the tx */
const TX_POLL_MS = 300;

/** A message built from the signer's address (what `sendMsg` signs). */
export type MakeMsg = (address: string) => EncodeObject;

/**
 * One message signed by `--from` (the message built from the signer's address), broadcast, printed;
 * a failed tx fails the command. `summary` is what the confirmation prompt shows besides `from`.
 */
export async function sendMsg(
  io: CliIO,
  cmd: Command,
  opts: SendFlags & { from?: string },
  make: MakeMsg,
  summary: Record<string, unknown>,
  types: Iterable<[string, GeneratedType]>,
): Promise<void> {
  if (!opts.from) throw new CliError("--from <key_or_address> is required");
  const result = await signAndBroadcast(
    io,
    cmd,
    opts.from,
    (address) => [make(address)],
    opts,
    (address) => ({ from: address, ...summary }),
    types,
  );
  printTxResult(io, cmd, result);
}

export async function bankSend(io: CliIO, cmd: Command, from: string, to: string, amount: string, opts: SendFlags) {
  // Check every input before touching the keyring or the network.
  parseAddress(to);
  const coins = parseCoins(amount);
  return signAndBroadcast(
    io,
    cmd,
    from,
    (address) => [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: {
          fromAddress: address,
          toAddress: to,
          amount: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
        },
      },
    ],
    opts,
    (address) => ({ from: address, to, amount }),
  );
}

/**
 * Signs the messages `makeMsgs(signerAddress)` with a keyring key (SIGN_MODE_DIRECT through
 * SigningStargateClient), with --fees / --gas-prices / --gas auto, confirms unless --yes, and
 * broadcasts (sync or block). `summary` is what the confirmation prompt shows besides chain id and fee.
 */
export async function signAndBroadcast(
  io: CliIO,
  cmd: Command,
  from: string,
  makeMsgs: (address: string) => EncodeObject[],
  opts: SendFlags,
  summary: (address: string) => Record<string, unknown>,
  extraTypes: Iterable<[string, GeneratedType]> = [],
) {
  if (opts.fees !== undefined && opts.gasPrices !== undefined)
    throw new CliError("cannot provide both --fees and --gas-prices");
  const fees = opts.fees !== undefined ? parseCoins(opts.fees) : undefined;
  if (opts.feeGranter !== undefined) parseAddress(opts.feeGranter);
  const granter = opts.feeGranter !== undefined ? { granter: opts.feeGranter } : {};
  const gasPrice = parseGasPrice(opts.gasPrices ?? DEFAULT_GAS_PRICE);
  const autoGas = opts.gas === "auto";
  const gasLimit = opts.gas === undefined || autoGas ? DEFAULT_GAS_LIMIT : parsePositiveInt(opts.gas, "gas");
  const adjustment = parsePositiveNumber(opts.gasAdjustment, "gas adjustment");
  const timeoutMs = parsePositiveInt(opts.timeout, "timeout");
  const url = nodeUrl(cmd, io);

  const ring = openKeyring(cmd, io);
  const key = ring.get(from);
  const signer = await ring.signer(key.name);

  return withNode(url, async () => {
    const client = await connectSigningClient(url, signer, { gasPrice, broadcastTimeoutMs: timeoutMs, extraTypes });
    try {
      const chainId = await client.getChainId();
      if (opts.chainId !== undefined && opts.chainId !== chainId) {
        throw new CliError(`--chain-id ${opts.chainId} does not match the node's chain id ${chainId}`);
      }
      const msgs = makeMsgs(key.address);
      const feeFor = (gas: number): StdFee => ({
        ...(fees
          ? { amount: fees.map((c) => ({ denom: c.denom, amount: c.amount.toString() })), gas: String(gas) }
          : calculateFee(gas, GasPrice.fromString(gasPrice))),
        ...granter,
      });
      let gas = gasLimit;
      if (autoGas)
        gas = Math.ceil(
          (await estimateGas(url, client, signer, key.address, msgs, opts.memo, feeFor(gasLimit))) * adjustment,
        );
      const fee = feeFor(gas);

      if (!opts.yes) {
        io.err(`${JSON.stringify({ chain_id: chainId, ...summary(key.address), fee, memo: opts.memo }, null, 2)}\n`);
        if (!(await confirm(io, "confirm transaction before signing and broadcasting"))) {
          throw new CliError("aborted: transaction not signed");
        }
      }

      const signed = await client.sign(key.address, msgs, fee, opts.memo);
      const bytes = TxRaw.encode(signed).finish();
      const txhash = toHex(createHash("sha256").update(bytes).digest()).toUpperCase();
      // CheckTx first, in both modes: a refusal is reported at once with its code and log
      try {
        await client.broadcastTxSync(bytes);
      } catch (e) {
        if (e instanceof BroadcastTxError) {
          return { txhash, code: e.code, codespace: e.codespace, raw_log: e.log ?? e.message, height: "0" };
        }
        throw e;
      }
      if (opts.broadcastMode === "sync") return { txhash, code: 0, codespace: "", raw_log: "", height: "0" };
      const res = await waitForTx(client, txhash, timeoutMs);
      return JSON.parse(
        JSON.stringify(
          {
            txhash,
            height: String(res.height),
            code: res.code,
            // CosmJS's IndexedTx has no codespace; ask the node for a failed tx's.
            codespace: res.code === 0 ? "" : await codespaceOf(url, txhash),
            raw_log: res.rawLog ?? "",
            gas_wanted: res.gasWanted,
            gas_used: res.gasUsed,
            events: res.events,
          },
          jsonSafe,
        ),
      );
    } finally {
      client.disconnect();
    }
  });
}

/**
 * Polls for the tx until it is in a block (CosmJS's broadcastTx leaves its timeout timer running when
 * CheckTx refuses, which kept the command alive for the whole timeout).
 */
async function waitForTx(client: SigningStargateClient, txhash: string, timeoutMs: number): Promise<IndexedTx> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await client.getTx(txhash);
    if (found) return found;
    if (Date.now() >= deadline) {
      throw new CliError(
        `tx ${txhash} passed CheckTx but was not seen in a block within ${timeoutMs} ms (query it later: dgrid query tx ${txhash})`,
      );
    }
    await new Promise((r) => setTimeout(r, TX_POLL_MS));
  }
}

/**
 * `--gas auto`: the node simulates the tx with the fee it will pay (so its deduction is metered too).
 * A tx the node would refuse fails here, with the node's reason.
 */
async function estimateGas(
  url: string,
  client: SigningStargateClient,
  signer: OfflineDirectSigner,
  address: string,
  messages: EncodeObject[],
  memo: string,
  fee: StdFee,
): Promise<number> {
  const [account] = await signer.getAccounts();
  let sequence: number;
  try {
    sequence = (await client.getSequence(address)).sequence;
  } catch (e) {
    throw new CliError(`cannot estimate the gas (--gas auto): ${(e as Error).message}`);
  }
  const comet = await Comet38Client.connect(url);
  try {
    return await simulateWithFee({
      comet,
      registry: client.registry,
      signer: { address, pubkey: account.pubkey },
      sequence,
      messages,
      memo,
      fee,
    });
  } catch (e) {
    if (e instanceof SimulationError) {
      // the SDK appends the simulation's gas figures to the log: noise here
      const reason = e.log.replace(/\s*With gas wanted: '\d+' and gas used: '\d+'\s*$/, "");
      throw new CliError(
        `the node refused to simulate this tx, so it would fail: ${reason} (codespace ${e.codespace}, code ${e.code})`,
      );
    }
    throw e;
  } finally {
    comet.disconnect();
  }
}

async function codespaceOf(url: string, hash: string): Promise<string> {
  try {
    const r = await rpcCall(url, "tx", { hash: Buffer.from(hash, "hex").toString("base64") });
    return String(r?.tx_result?.codespace ?? "");
  } catch {
    return "";
  }
}
