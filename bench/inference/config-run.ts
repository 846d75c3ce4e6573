// One configuration measured end to end: start the chain (devnet or a localnet), fund the senders,
// then per run: raw onnxruntime runs in this process, then a round of requests through the chain,
// then (when --sends) a MsgSend stream on the same nodes; stop the chain.
import { devnetAddress } from "../../app/devnet.ts";
import { DGridClient } from "../../client/index.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { rpc } from "../follow.ts";
import { requestMsg, Senders, sendMsg } from "./accounts.ts";
import type { BenchArgs } from "./args.ts";
import { type RequestRound, requestRound, type SendRound, sendRound } from "./chain.ts";
import { DirectRunner, pinnedOf, type RawFigures } from "./direct.ts";
import type { BenchModel } from "./models.ts";
import { startNetwork } from "./network.ts";
import { progress } from "./print.ts";
import { type Inputs, inputBytes } from "./tensors.ts";

export interface ConfigResult {
  kind: "devnet" | "localnet";
  validators: number;
  k: number;
  provider: string;
  raw: RawFigures[];
  rawBatched: (RawFigures | undefined)[];
  rounds: RequestRound[];
  sends: SendRound[];
  /** a request refunded, not settled in time, or a MsgSend failed */
  failed: boolean;
}

/** The input sets of request r: items r*B .. r*B+B-1 of the model. */
export function requestItems(model: BenchModel, n: number, batchItems: number): Inputs[][] {
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: batchItems }, (_, j) => model.inputs(r * batchItems + j)),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitServers(client: DGridClient, modelId: string, k: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const servers = (await client.query.registry.modelServers(modelId)).servers.length;
    if (servers >= k) return;
    if (Date.now() > deadline) throw new Error(`only ${servers} validators serve the model after 180 s, k = ${k}`);
    await sleep(500);
  }
}

export async function runConfig(
  args: BenchArgs,
  model: BenchModel,
  entry: Model,
  bytes: Uint8Array,
  o: { validators?: number; k: number; runs: number; sends: number },
): Promise<ConfigResult> {
  const B = args.batchItems;
  const requests = requestItems(model, args.n, B);
  const flat = requests.flat();
  const net = await startNetwork({
    validators: o.validators,
    blockMs: args.blockMs,
    model: { entry, file: model.file, inGenesis: model.inGenesis },
    nodeFlags: args.nodeFlags,
    cpuProf: args.cpuProf,
    keep: args.keep,
  });
  progress(`${net.kind}: ${net.nodes.length} node(s) up`);
  const query = await DGridClient.connect(net.nodes[0].rpcUrl);
  let senders: Senders | undefined;
  const direct = await DirectRunner.open(bytes, pinnedOf(entry), net.provider);
  try {
    const params = await query.query.inference.params();
    const k = o.k || params.defaultRedundancy;
    const validators = (await rpc(net.nodes[0].rpcUrl, "validators", {})).validators.length as number;
    if (B > params.maxBatch) throw new Error(`--batch-items ${B} is over the chain's max_batch (${params.maxBatch})`);
    const reqBytes = inputBytes(flat[0]) * B;
    if (BigInt(reqBytes) > params.maxInputBytes)
      throw new Error(
        `a request of ${B} items carries ${reqBytes} input bytes, over max_input_bytes (${params.maxInputBytes})`,
      );
    await waitServers(query, entry.id, k);
    const price = BigInt((await query.query.registry.model(entry.id)).model!.pricePerCall!.amount);
    progress(`the model is served by ${k}+ validator(s); funding ${args.senders} senders`);
    senders = await Senders.fund(net.nodes[0].rpcUrl, args.senders);
    const maxFee = price * BigInt(B) * BigInt(k);
    const msgOf = (i: number, from: string) => requestMsg(entry.id, requests[i], maxFee, o.k)(from);
    const fee = await senders.feeFor((from) => msgOf(0, from));
    const sendFee = await senders.feeFor(sendMsg);
    const rawN = args.rawN ?? model.rawN;
    const result: ConfigResult = {
      kind: net.kind,
      validators,
      k,
      provider: net.provider,
      raw: [],
      rawBatched: [],
      rounds: [],
      sends: [],
      failed: false,
    };
    for (let r = 0; r < o.runs; r++) {
      const raw = await direct.single(flat, rawN);
      const rawBatched = B > 1 ? await direct.batched(flat, B, rawN) : undefined;
      result.raw.push(raw);
      result.rawBatched.push(rawBatched);
      progress(`run ${r + 1}: raw done, requests through the chain`);
      const round = await requestRound(net, await senders.sign(args.n, msgOf, fee), B, {
        batch: args.batch,
        concurrency: args.concurrency,
        timeoutMs: args.timeoutMs,
      });
      result.rounds.push(round);
      if (round.finalized < round.requests) result.failed = true;
      let send: SendRound | undefined;
      if (o.sends > 0) {
        send = await sendRound(net, await senders.sign(o.sends, (_, from) => sendMsg(from), sendFee), {
          batch: args.batch,
          concurrency: args.concurrency,
          timeoutMs: args.timeoutMs,
        });
        result.sends.push(send);
        if (send.failed > 0 || send.committed < send.txs) result.failed = true;
      }
      progress(
        `${net.kind} ${net.nodes.length} nodes, k ${k}, run ${r + 1}: raw ${raw.perSec.toFixed(0)}/s (${raw.cpuMs.toFixed(3)} ms CPU each)` +
          `${rawBatched ? `, raw batched ${rawBatched.perSec.toFixed(0)} items/s` : ""}, chain ${JSON.stringify(round)}` +
          `${send ? `, MsgSend ${JSON.stringify(send)}` : ""}`,
      );
      const gone = net.exited();
      if (gone !== undefined) throw new Error(`a node exited:\n${gone}`);
    }
    return result;
  } finally {
    senders?.disconnect();
    query.disconnect();
    await direct.close();
    await net.stop();
  }
}

export const creatorAddress = () => devnetAddress("creator");
