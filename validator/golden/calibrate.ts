// Calibration: runs a model under several execution settings on this machine (graph optimization
// levels, thread counts, execution mode, prepacked weights on/off, every execution provider that
// loads) and measures, per output, how far each setting's outputs are from the reference (the pinned
// options on the CPU, what golden files are made with). The differences say which agreement policy
// the model can be registered with: `exact` only if every setting gives the same bits (onnxruntime's
// kernels differ between CPUs and GPUs as they differ between these settings), else a tolerance with
// margin, or `argmax` for a classifier whose top class never moves.
import { agrees, type Policy } from "../../chain/tensor/agreement.ts";
import type { PinnedSessionOptions, Tensor } from "../executor/types.ts";
import { diffTensors, looksLikeClassScores, NO_DIFF, type TensorDiff, worse } from "./diff.ts";
import { policyText } from "./policy-text.ts";
import { type ExecutionSetting, runAll } from "./runner.ts";

export interface CalibrationOptions {
  /** the pinned session options the model is (to be) registered with */
  pinned: PinnedSessionOptions;
  /** providers tried beyond the CPU (default: cuda); one that does not load is reported, not an error */
  providers?: string[];
  /** intra-op thread counts (default 1, 2, 4) */
  threads?: number[];
  /** judge each setting's outputs against the reference under this policy too */
  policy?: Policy;
  /** expected outputs per input set (a golden file's), compared with the reference run */
  expected?: Record<string, Tensor>[];
}

export interface SettingReport {
  setting: string;
  provider: string;
  /** false: the session could not be created (e.g. no CUDA on this machine), see error */
  available: boolean;
  error?: string;
  /** per output, the largest differences from the reference over all input sets */
  outputs: Record<string, TensorDiff>;
  /** under options.policy: every input set's outputs agree with the reference's */
  agrees?: boolean;
}

export interface GoldenCheck {
  /** every vector's expected outputs agree with the reference run under options.policy */
  agrees: boolean;
  vectors: { index: number; agrees: boolean; outputs: Record<string, TensorDiff> }[];
}

export interface Calibration {
  reference: string;
  inputSets: number;
  settings: SettingReport[];
  /** per output, the largest differences over every setting that ran, and the setting that gave them */
  outputs: Record<string, TensorDiff & { worstSetting?: string }>;
  /** every setting that ran gave the reference's bits */
  bitIdentical: boolean;
  suggested: { policy: string; reason: string };
  golden?: GoldenCheck;
}

const LEVELS: PinnedSessionOptions["graphOptimizationLevel"][] = ["disabled", "basic", "extended", "all"];

/** The settings calibration runs: the reference first, then one change at a time. */
export function calibrationSettings(o: {
  pinned: PinnedSessionOptions;
  providers?: string[];
  threads?: number[];
}): ExecutionSetting[] {
  const p = o.pinned;
  const list: ExecutionSetting[] = [{ name: "cpu pinned", provider: "cpu", options: p, prepacking: true }];
  for (const level of LEVELS) {
    if (level !== p.graphOptimizationLevel)
      list.push({
        name: `cpu graph=${level}`,
        provider: "cpu",
        options: { ...p, graphOptimizationLevel: level },
        prepacking: true,
      });
  }
  for (const n of o.threads ?? [1, 2, 4]) {
    if (n !== p.intraOpNumThreads)
      list.push({
        name: `cpu threads=${n}`,
        provider: "cpu",
        options: { ...p, intraOpNumThreads: n },
        prepacking: true,
      });
  }
  const mode = p.executionMode === "sequential" ? "parallel" : "sequential";
  list.push({ name: `cpu mode=${mode}`, provider: "cpu", options: { ...p, executionMode: mode }, prepacking: true });
  list.push({ name: "cpu prepacking=off", provider: "cpu", options: p, prepacking: false });
  for (const provider of o.providers ?? ["cuda"]) {
    if (provider !== "cpu") list.push({ name: `${provider} pinned`, provider, options: p, prepacking: true });
  }
  return list;
}

function diffOutputs(a: Record<string, Tensor>, b: Record<string, Tensor>): Record<string, TensorDiff> {
  const out: Record<string, TensorDiff> = {};
  for (const name of Object.keys(a).sort()) {
    out[name] = b[name] ? diffTensors(a[name], b[name]) : { ...NO_DIFF, identical: false, sameLayout: false };
  }
  return out;
}

function merge(into: Record<string, TensorDiff>, d: Record<string, TensorDiff>): void {
  for (const [k, v] of Object.entries(d)) into[k] = into[k] ? worse(into[k], v) : v;
}

/** Runs the input sets under every setting and compares with the reference. */
export async function calibrate(
  bytes: Uint8Array,
  inputSets: Record<string, Tensor>[],
  options: CalibrationOptions,
): Promise<Calibration> {
  if (inputSets.length === 0) throw new Error("calibration needs at least one input set");
  const [refSetting, ...others] = calibrationSettings(options);
  // the reference must run: its failure is the model's (or the inputs'), not the machine's
  const reference = await runAll(bytes, refSetting, inputSets);
  const settings: SettingReport[] = [
    {
      setting: refSetting.name,
      provider: refSetting.provider,
      available: true,
      outputs: diffOutputs(reference[0], reference[0]),
      ...(options.policy ? { agrees: true } : {}),
    },
  ];
  const total: Calibration["outputs"] = {};
  for (const name of Object.keys(reference[0]).sort()) total[name] = { ...NO_DIFF };
  for (const s of others) {
    let outs: Record<string, Tensor>[];
    try {
      outs = await runAll(bytes, s, inputSets);
    } catch (e) {
      const error = String((e as Error)?.message ?? e).split("\n")[0];
      settings.push({ setting: s.name, provider: s.provider, available: false, error, outputs: {} });
      continue;
    }
    const outputs: Record<string, TensorDiff> = {};
    for (let i = 0; i < inputSets.length; i++) merge(outputs, diffOutputs(reference[i], outs[i]));
    const report: SettingReport = { setting: s.name, provider: s.provider, available: true, outputs };
    if (options.policy) {
      const policy = options.policy;
      report.agrees = outs.every((o, i) => agrees(policy, reference[i], o));
    }
    settings.push(report);
    for (const [name, d] of Object.entries(outputs)) {
      const before = total[name] ?? { ...NO_DIFF };
      const next = worse(before, d);
      const grew =
        next.maxAbsDiff > before.maxAbsDiff || next.maxUlp > before.maxUlp || (!d.identical && before.identical);
      total[name] = { ...next, worstSetting: grew ? s.name : before.worstSetting };
    }
  }
  const ran = settings.filter((s) => s.available).length;
  const bitIdentical = Object.values(total).every((d) => d.identical);
  const result: Calibration = {
    reference: refSetting.name,
    inputSets: inputSets.length,
    settings,
    outputs: total,
    bitIdentical,
    suggested: suggestPolicy(total, reference, ran),
  };
  if (options.expected && options.policy) result.golden = checkGolden(options.policy, options.expected, reference);
  return result;
}

function checkGolden(
  policy: Policy,
  expected: Record<string, Tensor>[],
  reference: Record<string, Tensor>[],
): GoldenCheck {
  const vectors = expected.map((e, index) => ({
    index,
    agrees: agrees(policy, e, reference[index]),
    outputs: diffOutputs(e, reference[index]),
  }));
  return { agrees: vectors.every((v) => v.agrees), vectors };
}

/** The smallest power of ten >= x, as a decimal string with at most 18 places (LegacyDec). */
export function ceilPow10(x: number): string {
  if (!(x > 0)) return "0";
  // 10^k as the double nearest to it ("1e-5" parses exactly; 10 ** -5 does not)
  const pow = (e: number) => Number(`1e${e}`);
  let k = Math.ceil(Math.log10(x));
  if (pow(k - 1) >= x) k--;
  if (pow(k) < x) k++;
  k = Math.max(k, -18);
  return k >= 0 ? `1${"0".repeat(k)}` : `0.${"0".repeat(-k - 1)}1`;
}

/** The policy the measured differences call for, with the reason in words. */
export function suggestPolicy(
  total: Record<string, TensorDiff>,
  reference: Record<string, Tensor>[],
  settingsRan: number,
): { policy: string; reason: string } {
  const diffs = Object.values(total);
  if (diffs.every((d) => d.identical)) {
    return { policy: "exact", reason: `every output is bit-identical under all ${settingsRan} settings` };
  }
  const maxAbs = Math.max(...diffs.map((d) => d.maxAbsDiff));
  const maxRel = Math.max(...diffs.map((d) => d.maxRelDiff));
  const maxUlp = Math.max(...diffs.map((d) => d.maxUlp));
  const measured = `largest difference ${maxAbs.toExponential(2)} absolute, ${maxRel.toExponential(2)} relative, ${maxUlp} ULP`;
  const classifier = reference.every((r) => Object.values(r).every(looksLikeClassScores));
  if (classifier && diffs.every((d) => d.argmaxAgrees)) {
    return {
      policy: "argmax",
      reason: `the outputs are class scores and every setting picks the same class; ${measured}`,
    };
  }
  if (diffs.some((d) => d.nonFinite || !d.sameLayout)) {
    return {
      policy: "",
      reason:
        "settings disagree in NaN / infinity or in shape: no tolerance covers that; the model gives no stable outputs",
    };
  }
  // ten times the largest measured difference, rounded up to a power of ten; the relative part is
  // for values larger than any seen, capped at 1%
  const abs = ceilPow10(maxAbs * 10);
  const relRaw = ceilPow10(maxRel * 10);
  const rel = maxRel * 10 > 0.01 ? "0.01" : relRaw;
  return {
    policy: `tolerance:${abs}:${rel}`,
    reason: `outputs differ between settings: ${measured}; ten times that as margin`,
  };
}

/**
 * Why a registration under `policy` would fail conformance somewhere (empty: it would not): golden
 * outputs that disagree with this machine's run, settings whose outputs disagree with the reference.
 * `c` must come from calibrate() with the same policy (and the golden outputs as `expected`).
 */
export function registrationProblems(c: Calibration, policy: Policy): string[] {
  const problems: string[] = [];
  for (const v of c.golden?.vectors ?? []) {
    if (v.agrees) continue;
    const worst = Object.entries(v.outputs).filter(([, d]) => !d.identical);
    problems.push(
      `golden vector ${v.index} does not agree with this machine's run under ${policyText(policy)}: ${worst
        .map(([name, d]) => `${name} ${describe(d)}`)
        .join("; ")}`,
    );
  }
  for (const s of c.settings) {
    if (s.agrees === false) {
      const differs = Object.entries(s.outputs).filter(([, d]) => !d.identical);
      problems.push(`${s.setting}: ${differs.map(([name, d]) => `${name} ${describe(d)}`).join("; ")}`);
    }
  }
  return problems;
}

/** "max abs 2.09e-7, rel 4.1e-7, 3 ULP" */
export function describe(d: TensorDiff): string {
  if (!d.sameLayout) return "different dtype or shape";
  if (d.identical) return "bit-identical";
  const nf = d.nonFinite ? ", NaN/infinity on one side" : "";
  return `max abs ${d.maxAbsDiff.toExponential(2)}, rel ${d.maxRelDiff.toExponential(2)}, ${d.maxUlp} ULP${d.argmaxAgrees ? "" : ", top class differs"}${nf}`;
}
