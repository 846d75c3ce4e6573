// A closed-loop load generator: `clients` loops, each sending its next query as soon as the previous
// one answered, until a deadline or a total count; records each query's latency and counts errors
// (a rejected call or a wrong answer) without stopping.

export interface LoadOptions {
  clients: number;
  /** stop starting queries after this long (ms); ignored when `count` is set */
  durationMs: number;
  /** when set: exactly this many queries over all clients */
  count?: number;
}

export interface LoadResult {
  /** queries answered correctly */
  ok: number;
  /** queries rejected or answered wrongly */
  errors: number;
  /** the first error's message, if any */
  firstError?: string;
  /** wall time from the first query sent to the last answer (ms) */
  elapsedMs: number;
  /** latency of each correct answer (ms), in completion order */
  latenciesMs: number[];
}

/**
 * Runs `query` under closed-loop load. `query` resolves when the answer is checked; it throws
 * (or rejects) when the answer is missing or wrong.
 */
export async function runClosedLoop(query: () => Promise<void>, opts: LoadOptions): Promise<LoadResult> {
  if (!(opts.clients >= 1)) throw new Error(`clients must be >= 1, got ${opts.clients}`);
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.durationMs;
  const more = () => (opts.count !== undefined ? started < opts.count : performance.now() < deadline);
  const client = async () => {
    while (more()) {
      started++;
      const s = performance.now();
      try {
        await query();
        latenciesMs.push(performance.now() - s);
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, client));
  return { ok: latenciesMs.length, errors, firstError, elapsedMs: performance.now() - t0, latenciesMs };
}
