// The onnxruntime process. The node never loads a model into its own process: onnxruntime-node runs
// `session.run` synchronously on the JS thread (its async API only defers the call), a hostile file
// can crash native code, and a native call that hangs cannot be interrupted inside a process (a
// worker_thread's terminate() waits for native code to return). Here a crash or a hang costs only
// this child, which the parent kills (SIGKILL) and replaces. Messages: see sandbox.ts.
import { readFile } from "node:fs/promises";
import ort from "onnxruntime-node";
import type { PinnedSessionOptions, Tensor } from "../executor/types.ts";
import { decodeModel, externalDataTensors } from "./onnx-proto.ts";
import { fromOrt, toOrt, UnsupportedOutputError } from "./ort-tensor.ts";
import type { ChildReply, ChildRequest, RunManyResult } from "./sandbox.ts";
import { ortSessionOptions } from "./session-options.ts";
import type { ModelMeta } from "./tensor.ts";

const sessions = new Map<string, ort.InferenceSession>();

/**
 * session.run failures that say something about this machine, not about the model and its input
 * (memory, the GPU and its libraries): they stay node-local ("run"); every other failure of a run is
 * the model refusing the input ("model"), which every executor of the same file reaches alike and
 * commits to as an error outcome.
 */
const NODE_LOCAL = /alloc|out of memory|CUDA|CUDNN|CUBLAS|CUFFT|TensorRT/i;

class ChildError extends Error {
  constructor(
    readonly kind: "invalid" | "external" | "load" | "run" | "model" | "dtype",
    message: string,
  ) {
    super(message);
  }
}

function meta(s: ort.InferenceSession): ModelMeta {
  const io = (m: readonly ort.InferenceSession.ValueMetadata[]) =>
    m.map((v) => ({
      name: v.name,
      type: v.isTensor ? v.type : "non-tensor",
      shape: v.isTensor ? v.shape.map((d) => (typeof d === "number" ? d : String(d))) : [],
    }));
  return { inputs: io(s.inputMetadata), outputs: io(s.outputMetadata) };
}

/** Refuses bytes that are not a self-contained ONNX ModelProto before onnxruntime sees them. */
function precheck(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new ChildError("invalid", "empty file");
  let model: any;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new ChildError("invalid", `not an ONNX ModelProto: ${(e as Error).message}`);
  }
  if (!model.graph) throw new ChildError("invalid", "ModelProto has no graph");
  const ext = externalDataTensors(model);
  if (ext.length > 0) throw new ChildError("external", `tensors with external data: ${ext.slice(0, 5).join(", ")}`);
}

async function load(bytes: Uint8Array, options: PinnedSessionOptions, provider: string) {
  precheck(bytes);
  try {
    return await ort.InferenceSession.create(bytes, ortSessionOptions(options, provider));
  } catch (e) {
    throw new ChildError("load", (e as Error).message.split("\n")[0]);
  }
}

/** An output as our tensor; an element type we do not carry is the job's "dtype" failure. */
function outputTensor(name: string, t: ort.Tensor): Tensor {
  try {
    return fromOrt(name, t);
  } catch (e) {
    if (e instanceof UnsupportedOutputError) throw new ChildError("dtype", e.message);
    throw e;
  }
}

async function handle(msg: ChildRequest): Promise<ChildReply> {
  switch (msg.op) {
    case "ping":
      return { id: msg.id, ok: true, version: ort.env.versions?.common ?? "" };
    case "probe": {
      const bytes = new Uint8Array(await readFile(msg.path));
      const s = await load(bytes, msg.options, msg.provider);
      const m = meta(s);
      await s.release();
      return { id: msg.id, ok: true, meta: m };
    }
    case "load": {
      const old = sessions.get(msg.key);
      if (old) return { id: msg.id, ok: true, meta: meta(old) };
      const s = await load(msg.model, msg.options, msg.provider);
      sessions.set(msg.key, s);
      return { id: msg.id, ok: true, meta: meta(s) };
    }
    case "unload": {
      const s = sessions.get(msg.key);
      sessions.delete(msg.key);
      await s?.release();
      return { id: msg.id, ok: true };
    }
    case "run": {
      return { id: msg.id, ok: true, outputs: await runOne(msg.key, msg.inputs) };
    }
    case "runMany": {
      // one job's failure is that job's result; the others still run
      const results: RunManyResult[] = [];
      for (const inputs of msg.inputs) {
        try {
          results.push({ outputs: await runOne(msg.key, inputs) });
        } catch (e) {
          results.push({
            kind: e instanceof ChildError ? e.kind : "run",
            message: String((e as Error)?.message ?? e),
          });
        }
      }
      return { id: msg.id, ok: true, results };
    }
  }
}

async function runOne(key: string, inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const s = sessions.get(key);
  if (!s) throw new ChildError("load", "session not loaded");
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) feeds[name] = toOrt(t);
  let out: ort.InferenceSession.ReturnType;
  try {
    out = await s.run(feeds);
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    throw new ChildError(NODE_LOCAL.test(message) ? "run" : "model", message);
  }
  const outputs: Record<string, Tensor> = {};
  for (const name of s.outputNames) outputs[name] = outputTensor(name, out[name]);
  return outputs;
}

process.on("message", (msg: ChildRequest) => {
  handle(msg).then(
    (reply) => process.send!(reply),
    (e) => {
      const kind = e instanceof ChildError ? e.kind : "run";
      process.send!({ id: msg.id, ok: false, kind, message: String((e as Error)?.message ?? e) });
    },
  );
});
// The parent is gone: nothing left to serve.
process.on("disconnect", () => process.exit(0));
process.send!({ id: 0, ok: true, ready: true });
