// Runs a model in this process with onnxruntime-node under one execution setting: the pinned session
// options mapped as a node maps them (validator/onnx/session-options.ts), on a provider, optionally
// with weight prepacking off. For tools a user runs on their own model (golden files, calibration);
// a node runs models only in its sandbox processes (validator/onnx/sandbox.ts).
import { cpus } from "node:os";
import ort from "onnxruntime-node";
import type { PinnedSessionOptions, Tensor } from "../executor/types.ts";
import { fromOrt, toOrt } from "../onnx/ort-tensor.ts";
import { ortSessionOptions } from "../onnx/session-options.ts";

export interface ExecutionSetting {
  /** a short label, e.g. "cpu graph=basic" */
  name: string;
  provider: string;
  options: PinnedSessionOptions;
  /**
   * false: onnxruntime's `session.disable_prepacking` (GEMM and LSTM weights not repacked for the
   * CPU's kernels): another kernel path on the same machine, a stand-in for other CPUs' kernels
   */
  prepacking: boolean;
}

/** The setting a node runs a registered model with: its pinned options, on the CPU. */
export function pinnedSetting(options: PinnedSessionOptions, provider = "cpu"): ExecutionSetting {
  return { name: `${provider} pinned`, provider, options, prepacking: true };
}

/** Where a run happened, for golden files and reports. */
export function runtimeInfo(): { onnxruntime: string; host: string } {
  return {
    onnxruntime: ort.env.versions?.common ?? "",
    host: `${process.platform}-${process.arch} ${cpus()[0]?.model ?? "unknown cpu"}`,
  };
}

export class ModelRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly setting: ExecutionSetting,
  ) {}

  /** Creates the session; rejects with onnxruntime's message (a missing provider fails here). */
  static async open(bytes: Uint8Array, setting: ExecutionSetting): Promise<ModelRunner> {
    // onnxruntime's own log would print a missing provider's failure; it comes back as an exception
    ort.env.logLevel = "fatal";
    const options: ort.InferenceSession.SessionOptions = ortSessionOptions(setting.options, setting.provider);
    if (!setting.prepacking) options.extra = { session: { disable_prepacking: "1" } };
    const session = await ort.InferenceSession.create(bytes, options);
    return new ModelRunner(session, setting);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** One run; outputs by name in the session's order. */
  async run(inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) feeds[name] = toOrt(t);
    const out = await this.session.run(feeds);
    const outputs: Record<string, Tensor> = {};
    for (const name of this.session.outputNames) outputs[name] = fromOrt(name, out[name]);
    return outputs;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Runs every input set under one setting (session created and released here). */
export async function runAll(
  bytes: Uint8Array,
  setting: ExecutionSetting,
  inputSets: Record<string, Tensor>[],
): Promise<Record<string, Tensor>[]> {
  const runner = await ModelRunner.open(bytes, setting);
  try {
    const out: Record<string, Tensor>[] = [];
    for (const inputs of inputSets) out.push(await runner.run(inputs));
    return out;
  } finally {
    await runner.release();
  }
}
