// ChainAccess over one node's CometBFT RPC (through the @dgrid/client read-only client): accounts,
// the Simulate query, broadcast with inclusion, models, params and results.
import { BroadcastTxError } from "@cosmjs/stargate";
import { SimulateRequest } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { DGridClient } from "../../client/dgrid-client.ts";
import { isNotFound } from "../../client/queries.ts";
import { SIMULATE_PATH } from "../../client/simulate.ts";
import type { InferenceResult } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { type ChainAccess, ChainRefusal } from "./facilitator.ts";
import type { SignerAccount } from "./payment.ts";

export class NodeChain implements ChainAccess {
  private constructor(
    readonly client: DGridClient,
    readonly chainId: string,
  ) {}

  static async connect(nodeUrl: string): Promise<NodeChain> {
    const client = await DGridClient.connect(nodeUrl);
    return new NodeChain(client, await client.getChainId());
  }

  async getAccount(address: string): Promise<SignerAccount | null> {
    const a = await this.client.stargate.getAccount(address);
    return a ? { accountNumber: Number(a.accountNumber), sequence: a.sequence } : null;
  }

  async simulate(txBytes: Uint8Array): Promise<void> {
    const res = await this.client.comet.abciQuery({
      path: SIMULATE_PATH,
      data: SimulateRequest.encode(SimulateRequest.fromPartial({ txBytes })).finish(),
    });
    if (res.code) throw new ChainRefusal(res.code, res.codespace ?? "", res.log ?? "");
  }

  async broadcast(txBytes: Uint8Array, timeoutMs: number) {
    try {
      return await this.client.stargate.broadcastTx(txBytes, timeoutMs, 250);
    } catch (e) {
      if (e instanceof BroadcastTxError) throw new ChainRefusal(e.code, e.codespace, e.log ?? "");
      throw e;
    }
  }

  /** The registered model, or undefined when there is none of that id. */
  async model(id: string): Promise<Model | undefined> {
    try {
      return (await this.client.query.registry.model(id)).model;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async defaultRedundancy(): Promise<number> {
    return (await this.client.query.inference.params()).defaultRedundancy;
  }

  awaitResult(requestId: string, timeoutMs: number): Promise<InferenceResult> {
    return this.client.awaitResult(requestId, { timeoutMs, pollMs: 250 });
  }

  /** A finalized result's outputs: inline, or revealed by hash and fetched from the node's /outputs (checked). */
  async outputsOf(result: InferenceResult): Promise<InferenceResult["outputs"]> {
    return result.outputRef ? this.client.fetchOutputs(result.requestId) : result.outputs;
  }

  close(): void {
    this.client.disconnect();
  }
}
