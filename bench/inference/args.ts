// Command-line flags of bench/inference, parsed and checked once; every other file takes the typed
// BenchArgs so nothing reads process.argv behind the driver's back.
import { parseArgs } from "node:util";

export interface BenchArgs {
  model: string;
  runs: number;
  /** requests per run */
  n: number;
  /** raw inferences per run (undefined: the model's default) */
  rawN?: number;
  blockMs: number;
  senders: number;
  batch: number;
  concurrency: number;
  /** inputs per request (1 = a single-input request, >1 = a batched MsgRequestInference) */
  batchItems: number;
  /** undefined: the devnet node (one validator); a number: a localnet of that many validators */
  validators?: number;
  /** the requests' redundancy (0 = the module default, read from the chain) */
  k: number;
  /** MsgSends in the comparison stream of each run (0 = none) */
  sends: number;
  scaling: boolean;
  gpu: boolean;
  nodeFlags: string[];
  cpuProf?: string;
  timeoutMs: number;
  keep: boolean;
  json?: string;
}

const int = (name: string, v: string | undefined, min: number): number => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
  return x;
};

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      model: { type: "string", default: "mlp" },
      runs: { type: "string", default: "3" },
      n: { type: "string", default: "1000" },
      "raw-n": { type: "string" },
      "block-ms": { type: "string", default: "200" },
      senders: { type: "string", default: "64" },
      batch: { type: "string", default: "8" },
      concurrency: { type: "string", default: "8" },
      "batch-items": { type: "string", default: "1" },
      validators: { type: "string" },
      k: { type: "string", default: "0" },
      sends: { type: "string" },
      scaling: { type: "boolean", default: false },
      gpu: { type: "boolean", default: false },
      "node-flags": { type: "string", default: "" },
      "cpu-prof": { type: "string" },
      "timeout-s": { type: "string", default: "180" },
      keep: { type: "boolean", default: false },
      json: { type: "string" },
    },
  });
  const n = int("n", a.n, 1);
  const out: BenchArgs = {
    model: a.model!,
    runs: int("runs", a.runs, 1),
    n,
    rawN: a["raw-n"] === undefined ? undefined : int("raw-n", a["raw-n"], 1),
    blockMs: int("block-ms", a["block-ms"], 1),
    senders: int("senders", a.senders, 1),
    batch: int("batch", a.batch, 1),
    concurrency: int("concurrency", a.concurrency, 1),
    batchItems: int("batch-items", a["batch-items"], 1),
    validators: a.validators === undefined ? undefined : int("validators", a.validators, 1),
    k: int("k", a.k, 0),
    // the MsgSend stream is as long as the request stream unless told otherwise
    sends: a.sends === undefined ? n : int("sends", a.sends, 0),
    scaling: a.scaling!,
    gpu: a.gpu!,
    nodeFlags: a["node-flags"]!.split(" ").filter((f) => f !== ""),
    cpuProf: a["cpu-prof"],
    timeoutMs: int("timeout-s", a["timeout-s"], 1) * 1000,
    keep: a.keep!,
    json: a.json,
  };
  if (out.batch * out.concurrency > out.senders) {
    // txs in flight at once must come from different accounts, or one account's sequences could arrive out of order
    throw new Error(
      `--batch x --concurrency (${out.batch * out.concurrency}) must not exceed --senders (${out.senders})`,
    );
  }
  if (out.validators !== undefined && out.k > out.validators) {
    throw new Error(`--k ${out.k} needs at least ${out.k} validators (--validators ${out.validators})`);
  }
  if (out.validators === undefined && out.k > 1) throw new Error(`--k ${out.k} needs --validators (a localnet)`);
  if (out.scaling && (out.validators !== undefined || out.k > 1)) {
    throw new Error("--scaling runs 1, 2 and 4 validators at k = 1 itself: give neither --validators nor --k > 1");
  }
  return out;
}
