// The stats the chain should hold, recomputed from the events of a run (harness.ts) and the number of
// items each request carried: per model (ModelStats) and per validator (ValidatorStats, its score
// samples included). The recomputation reads only events, so it checks the chain's bookkeeping
// against what the chain told the world, not against the code that keeps it.
import type { Event } from "cosmjs-types/tendermint/abci/types";
import { attrsOf, type Net } from "./harness.ts";

export const WINDOW = 64;

export interface ExpectedModel {
  requestsFinalized: bigint;
  requestsRefunded: bigint;
  items: bigint;
  itemsRefunded: bigint;
  unanimous: bigint;
  majority: bigint;
  noQuorum: bigint;
  creatorFee: bigint;
  latencies: number[];
}

export interface ExpectedValidator {
  jobsDone: bigint;
  jobsMissed: bigint;
  jobsDissented: bigint;
  jobsUnresolved: bigint;
  lastJobHeight: bigint;
  samples: { height: bigint; scorePpm: bigint }[];
}

const amount = (coin: string) => BigInt(coin.replace(/[a-z/]+$/, "") || "0");
const list = (s: string | undefined) => (s ? s.split(",").filter((x) => x.length > 0) : []);
const attr = (e: Event, key: string) => e.attributes.find((a) => a.key === key)?.value;

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p * sorted.length) / 100) - 1];
}

interface Life {
  modelId: string;
  height: number;
  fee: bigint;
  executors: string[];
  committed: Set<string>;
  revealed: Set<string>;
  revealsOpened: boolean;
}

export function recompute(
  net: Net,
  itemsOf: (id: string) => number,
  opts: { initialScore: bigint; sampleInterval: number },
): { models: Map<string, ExpectedModel>; validators: Map<string, ExpectedValidator> } {
  const life = new Map<string, Life>();
  const models = new Map<string, ExpectedModel>();
  const validators = new Map<string, ExpectedValidator>();
  const scores = new Map<string, bigint>();
  const model = (id: string) => {
    let m = models.get(id);
    if (!m) {
      m = {
        requestsFinalized: 0n,
        requestsRefunded: 0n,
        items: 0n,
        itemsRefunded: 0n,
        unanimous: 0n,
        majority: 0n,
        noQuorum: 0n,
        creatorFee: 0n,
        latencies: [],
      };
      models.set(id, m);
    }
    return m;
  };
  const job = (v: string, kind: "done" | "missed" | "dissented" | "unresolved", h: number) => {
    let s = validators.get(v);
    if (!s) {
      s = { jobsDone: 0n, jobsMissed: 0n, jobsDissented: 0n, jobsUnresolved: 0n, lastJobHeight: 0n, samples: [] };
      validators.set(v, s);
    }
    if (kind === "done") s.jobsDone++;
    else if (kind === "missed") s.jobsMissed++;
    else if (kind === "dissented") s.jobsDissented++;
    else s.jobsUnresolved++;
    s.lastJobHeight = BigInt(h);
  };
  const jobs = (l: Life, h: number, agreeing: string[], dissenting: string[]) => {
    for (const v of l.executors) {
      if (agreeing.includes(v)) job(v, "done", h);
      else if (dissenting.includes(v)) job(v, "dissented", h);
      else if (!l.committed.has(v) || (l.revealsOpened && !l.revealed.has(v))) job(v, "missed", h);
      else job(v, "unresolved", h);
    }
  };
  const sample = (h: number) => {
    for (const [v, s] of validators)
      s.samples.push({ height: BigInt(h), scorePpm: scores.get(v) ?? opts.initialScore });
  };

  for (const b of net.blocks) {
    const h = b.height;
    // requests are created in txs, which run between BeginBlock and EndBlock
    const begin = b.events.filter((e) => attr(e, "mode") !== "EndBlock");
    const end = b.events.filter((e) => attr(e, "mode") === "EndBlock");
    // the reputation EndBlock (recovery) runs before the sample, the inference EndBlock after it
    const recovery = end.filter((e) => e.type === "reputation_updated" && attr(e, "outcome") === "recovery");
    const rest = end.filter((e) => !recovery.includes(e));
    const phases = [begin, b.txEvents.flat(), recovery, "sample" as const, rest];
    for (const phase of phases) {
      if (phase === "sample") {
        if (opts.sampleInterval > 0 && h % opts.sampleInterval === 0) sample(h);
        continue;
      }
      const itemsBack = new Map<string, bigint>();
      for (const a of attrsOf(phase, "request_refunded"))
        if (a.reason === "items_no_quorum") itemsBack.set(a.request_id, amount(a.amount));
      for (const e of phase) {
        const a = Object.fromEntries(e.attributes.map((x) => [x.key, x.value]));
        const l = life.get(a.request_id);
        switch (e.type) {
          case "request_created":
            life.set(a.request_id, {
              modelId: a.model_id,
              height: h,
              fee: amount(a.fee),
              executors: [],
              committed: new Set(),
              revealed: new Set(),
              revealsOpened: false,
            });
            break;
          case "redundancy_reduced":
            l!.fee -= amount(a.refunded);
            break;
          case "executors_assigned":
            l!.executors = list(a.executors);
            break;
          case "output_committed":
            l!.committed.add(a.validator);
            break;
          case "commit_phase_closed":
            l!.revealsOpened = true;
            break;
          case "output_revealed":
            l!.revealed.add(a.validator);
            break;
          case "request_finalized":
          case "request_failed": {
            const m = model(l!.modelId);
            const n = itemsOf(a.request_id);
            const back = itemsBack.has(a.request_id) ? itemsBack.get(a.request_id)! / (l!.fee / BigInt(n)) : 0n;
            m.requestsFinalized++;
            m.items += BigInt(n) - back;
            m.itemsRefunded += back;
            if (list(a.dissenting).length === 0 && back === 0n) m.unanimous++;
            else m.majority++;
            m.creatorFee += amount(a.creator_paid);
            m.latencies.push(h - l!.height);
            jobs(l!, h, list(a.agreeing), list(a.dissenting));
            break;
          }
          case "request_refunded": {
            if (a.reason === "items_no_quorum") break;
            const m = model(l!.modelId);
            m.requestsRefunded++;
            m.itemsRefunded += BigInt(itemsOf(a.request_id));
            if (a.reason === "no_quorum") m.noQuorum++;
            jobs(l!, h, [], []);
            break;
          }
          case "reputation_updated":
            scores.set(a.validator, BigInt(a.new_score_ppm));
            break;
        }
      }
    }
  }
  return { models, validators };
}
