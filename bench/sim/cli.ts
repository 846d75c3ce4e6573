// npm run sim -- --seed S --blocks N [--seeds a,b,c] [--max-txs 12] [--invariants-every 1] [--no-determinism] [--no-export]
// Runs the simulation from each seed and prints, per seed: blocks, txs ok/failed per operation,
// invariant checks, elapsed time, the final app hash, the determinism and export/import results.
// Exits 1 (printing the seed, the height and the last operations) on any failure.
import { parseArgs } from "node:util";
import { type SimResult, SimulationError, simulate } from "./simulate.ts";

const { values: flags } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    seeds: { type: "string" },
    blocks: { type: "string", default: "500" },
    "max-txs": { type: "string", default: "12" },
    "invariants-every": { type: "string", default: "1" },
    "no-determinism": { type: "boolean", default: false },
    "no-export": { type: "boolean", default: false },
    progress: { type: "string", default: "1000" },
  },
});

function report(r: SimResult): void {
  const lines = [
    `seed ${r.seed}: ${r.blocks} blocks, ${r.txs} txs in ${(r.elapsedMs / 1000).toFixed(1)} s (${(r.elapsedMs / r.blocks).toFixed(1)} ms/block)`,
    `  app hash ${r.appHash}`,
    `  wall time: plan ${(r.phaseMs.plan / 1000).toFixed(1)} s, blocks (ABCI++ on both nodes) ${(r.phaseMs.blocks / 1000).toFixed(1)} s, invariants ${(r.phaseMs.invariants / 1000).toFixed(1)} s`,
    `  invariants: ${r.invariantChecks} checks (every ${r.invariantsEvery === 1 ? "block" : `${r.invariantsEvery} blocks and the last`}) x ${r.invariantRoutes.length} (${r.invariantRoutes.join(", ")}), 0 broken`,
    `  determinism (replica app hash at every height): ${r.determinism}`,
  ];
  if (r.exportImport) {
    const e = r.exportImport;
    const keys = Object.values(e.compared).reduce((s, n) => s + n, 0);
    lines.push(
      `  export/import: ${e.pass ? "pass" : "FAIL"} (${e.exportBytes} bytes of genesis, ${keys} keys compared, ${e.skipped} skipped, ${e.droppedExpired} expired fee allowances dropped; app hash ${e.appHashEqual ? "equal" : "differs (skipped prefixes)"})`,
    );
  }
  lines.push(`  ${"operation".padEnd(28)} ${"ok".padStart(7)} ${"failed".padStart(7)} ${"unexpected".padStart(10)}`);
  for (const [name, t] of Object.entries(r.ops)) {
    lines.push(
      `  ${name.padEnd(28)} ${String(t.ok).padStart(7)} ${String(t.failed).padStart(7)} ${String(t.unexpected).padStart(10)}`,
    );
    for (const s of t.samples) lines.push(`      e.g. ${s}`);
  }
  lines.push(`  events: ${JSON.stringify(r.events)}`);
  console.log(lines.join("\n"));
}

async function main(): Promise<void> {
  const seeds = (flags.seeds ?? flags.seed).split(",").map((s) => Number(s.trim()));
  const blocks = Number(flags.blocks);
  const t0 = performance.now();
  for (const seed of seeds) {
    const r = await simulate({
      seed,
      blocks,
      maxTxs: Number(flags["max-txs"]),
      invariantsEvery: Number(flags["invariants-every"]),
      determinism: !flags["no-determinism"],
      exportImport: !flags["no-export"],
      progressEvery: Number(flags.progress),
      onProgress: (l) => process.stderr.write(`[sim] ${l}\n`),
    });
    report(r);
  }
  console.log(
    `${seeds.length} seed(s) x ${blocks} blocks: all passed in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

main().catch((e) => {
  if (e instanceof SimulationError) console.error(e.message);
  else console.error(e);
  process.exit(1);
});
