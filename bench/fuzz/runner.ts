// Runs one fuzz target for N inputs with fast-check: inputs/s, crashes (with the seed and path that
// replay it and the shrunk counterexample written to a file), and the process RSS before and after.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describeError, FuzzCrash, type FuzzTarget } from "./target.ts";

export interface RunOptions {
  inputs: number;
  seed: number;
  /** fast-check replay path of a reported crash (with its seed) */
  path?: string;
  /** where counterexample files go */
  outDir: string;
  /** progress lines (long runs) */
  log?: (line: string) => void;
  progressEveryMs?: number;
}

export interface TargetReport {
  target: string;
  inputs: number;
  seconds: number;
  inputsPerSec: number;
  crashes: number;
  seed: number;
  rssStartMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  stats: Record<string, number>;
  crash?: { error: string; path: string; file: string; shrinks: number };
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

function settle(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage.rss();
}

/**
 * Promise rejections nobody handled while a target ran: a crash of the code under test even when
 * its driver resolved (a fire-and-forget promise that rejects takes a node down under
 * --unhandled-rejections=throw, Node's default).
 */
class UnhandledWatch {
  readonly seen: unknown[] = [];
  private readonly onRejection = (e: unknown) => this.seen.push(e);
  start(): void {
    process.on("unhandledRejection", this.onRejection);
  }
  stop(): void {
    process.off("unhandledRejection", this.onRejection);
  }
  take(): unknown | undefined {
    return this.seen.shift();
  }
}

export async function runTarget<T>(target: FuzzTarget<T>, opts: RunOptions): Promise<TargetReport> {
  const instance = await target.open();
  const watch = new UnhandledWatch();
  watch.start();
  const rssStart = settle();
  let rssPeak = rssStart;
  let runs = 0;
  const started = performance.now();
  let lastLog = started;
  const property = fc.asyncProperty(target.arbitrary(), async (input) => {
    runs++;
    await instance.run(input);
    const lost = watch.take();
    if (lost !== undefined) throw new FuzzCrash(`unhandled rejection: ${describeError(lost)}`, { cause: lost });
    if (runs % 1000 === 0) {
      // a target that only awaits microtasks never lets the event loop run signal handlers and timers
      await new Promise<void>((r) => setImmediate(r));
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      const now = performance.now();
      if (opts.log && now - lastLog > (opts.progressEveryMs ?? 10_000)) {
        lastLog = now;
        const rate = Math.round((runs / (now - started)) * 1000);
        // after a GC (when exposed), so that a line-to-line rise is retained memory, not garbage
        const rss = settle();
        const { heapUsed, arrayBuffers } = process.memoryUsage();
        opts.log(
          `  ${target.name}: ${runs} inputs, ${rate}/s, rss ${mb(rss)} MB, heap used ${mb(heapUsed)} MB, ` +
            `array buffers ${mb(arrayBuffers)} MB`,
        );
      }
    }
  });
  // Ctrl-C (or SIGTERM) during a long run: print the figures so far, then stop
  const interrupted = (signal: NodeJS.Signals) => {
    const s = (performance.now() - started) / 1000;
    const rss = mb(process.memoryUsage.rss());
    opts.log?.(
      `${target.name}: interrupted (${signal}) after ${runs} inputs, ${Math.round(runs / s)}/s, ${Math.round(s)}s, ` +
        `crashes 0, rss ${mb(rssStart)} -> ${rss} MB (peak ${mb(Math.max(rssPeak, process.memoryUsage.rss()))}), ` +
        `outcomes ${JSON.stringify(instance.stats())}`,
    );
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  let result: fc.RunDetails<[T]>;
  try {
    result = await fc.check(property, {
      numRuns: opts.inputs,
      seed: opts.seed,
      path: opts.path,
      endOnFailure: false,
    });
  } finally {
    watch.stop();
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = instance.stats();
  await instance.close();
  const rssEnd = settle();
  const report: TargetReport = {
    target: target.name,
    inputs: result.numRuns,
    seconds: Math.round(seconds * 10) / 10,
    inputsPerSec: Math.round(result.numRuns / Math.max(seconds, 1e-3)),
    crashes: result.failed ? 1 : 0,
    seed: opts.seed,
    rssStartMb: mb(rssStart),
    rssEndMb: mb(rssEnd),
    rssPeakMb: mb(Math.max(rssPeak, rssEnd)),
    stats,
  };
  if (result.failed && result.counterexample) {
    const error = describeError(result.errorInstance);
    const file = join(opts.outDir, `${target.name}-${opts.seed}.json`);
    mkdirSync(opts.outDir, { recursive: true });
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          target: target.name,
          seed: result.seed,
          path: result.counterexamplePath,
          error,
          stack: result.errorInstance instanceof Error ? result.errorInstance.stack : undefined,
          cause: describeCause(result.errorInstance),
          input: target.toJson(result.counterexample[0]),
          replay: `npm run fuzz -- --target ${target.name} --seed ${result.seed} --path ${result.counterexamplePath} --inputs 1`,
        },
        null,
        2,
      )}\n`,
    );
    report.crash = { error, path: result.counterexamplePath ?? "", file, shrinks: result.numShrinks };
  } else if (result.failed) {
    report.crash = { error: describeError(result.errorInstance), path: "", file: "", shrinks: 0 };
  }
  return report;
}

function describeCause(e: unknown): string | undefined {
  const cause = e instanceof Error ? e.cause : undefined;
  if (cause === undefined) return undefined;
  return cause instanceof Error ? (cause.stack ?? describeError(cause)) : String(cause);
}
