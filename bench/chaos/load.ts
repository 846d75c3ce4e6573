// Client load during a chaos run, through CosmJS (the DGrid client): one loop of bank sends from the
// devnet user and one of inference requests of the demo MLP (registered in the localnet genesis and
// served by every validator) from a second account. A loop whose node is down or whose tx times out
// counts the error and goes on through the next node; errors are expected under faults and are not
// violations (the checks judge the chain, not the client's luck).
import { readFileSync } from "node:fs";
import { devnetWallet } from "../../app/devnet.ts";
import { DGridClient, type SigningDGridClient } from "../../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../../models/demo.ts";
import { seededFloats } from "../../test/support/mlp-model.ts";
import type { Prng } from "./prng.ts";

export const DEMO_MODEL_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
const fee = (gas: number) => ({
  amount: [{ denom: "udgrid", amount: String(Math.ceil(gas * 0.025)) }],
  gas: String(gas),
});

export interface LoadStats {
  sends: number;
  requests: number;
  errors: number;
  /** the last few error messages, for the report */
  lastErrors: string[];
}

export class ClientLoad {
  readonly stats: LoadStats = { sends: 0, requests: 0, errors: 0, lastErrors: [] };
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly options: { rpcUrls: string[]; pauseMs?: number; txTimeoutMs?: number },
    private readonly deps: { rng: Prng },
  ) {}

  /** Funds the requester account, then starts both loops. */
  async start(): Promise<void> {
    const user = await devnetWallet("user");
    const requester = await devnetWallet("creator");
    const requesterAddr = (await requester.getAccounts())[0].address;
    const funder = await this.connect(user, 0);
    await funder.send(requesterAddr, "100000000000udgrid", "", fee(200_000));
    funder.disconnect();
    this.running = true;
    this.loops = [
      this.loop(user, 0, async (c, n) => {
        await c.send(requesterAddr, `${1 + (n % 1000)}udgrid`, "", fee(200_000));
        this.stats.sends++;
      }),
      this.loop(requester, 1, async (c, n) => {
        const input = new Uint8Array(seededFloats(n, 16).buffer);
        await c.requestInference(DEMO_MODEL_ID, [{ name: "input", dtype: "float32", shape: [1, 16], data: input }], {
          fee: fee(400_000),
        });
        this.stats.requests++;
      }),
    ];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async connect(wallet: Awaited<ReturnType<typeof devnetWallet>>, node: number): Promise<SigningDGridClient> {
    const url = this.options.rpcUrls[node % this.options.rpcUrls.length];
    return DGridClient.connectWithSigner(url, wallet, { broadcastTimeoutMs: this.options.txTimeoutMs ?? 20_000 });
  }

  private async loop(
    wallet: Awaited<ReturnType<typeof devnetWallet>>,
    firstNode: number,
    step: (c: SigningDGridClient, n: number) => Promise<void>,
  ): Promise<void> {
    let node = firstNode;
    let client: SigningDGridClient | undefined;
    for (let n = 0; this.running; n++) {
      try {
        client ??= await this.connect(wallet, node);
        await step(client, n);
      } catch (e) {
        this.stats.errors++;
        this.stats.lastErrors = [...this.stats.lastErrors.slice(-4), (e as Error).message.slice(0, 160)];
        client?.disconnect();
        client = undefined;
        node = this.deps.rng.int(0, this.options.rpcUrls.length - 1);
      }
      await new Promise((r) => setTimeout(r, this.options.pauseMs ?? 300));
    }
    client?.disconnect();
  }
}
