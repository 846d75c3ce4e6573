// Parent side of the onnxruntime sandbox process (sandbox-child.ts): spawn, request/response over the
// IPC channel (structured-clone serialization, so tensors travel as bytes), per-call timeouts, kill.
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { CodedError } from "../../chain/errors/errors.ts";
import {
  ErrBadInput,
  ErrInvalidModel,
  ErrModelExternalData,
  ErrModelLoad,
  ErrModelRuntime,
  ErrRunFailed,
  ErrTimeout,
  ErrUnsupportedDType,
  ErrWorkerCrashed,
} from "../errors.ts";
import type { PinnedSessionOptions, Tensor } from "../executor/types.ts";
import type { ModelMeta } from "./tensor.ts";

export type ChildRequest =
  | { id: number; op: "ping" }
  | { id: number; op: "probe"; path: string; options: PinnedSessionOptions; provider: string }
  | { id: number; op: "load"; key: string; model: Uint8Array; options: PinnedSessionOptions; provider: string }
  | { id: number; op: "unload"; key: string }
  | { id: number; op: "run"; key: string; inputs: Record<string, Tensor> }
  /** several jobs for one session in one message, run one after another (not concatenated) */
  | { id: number; op: "runMany"; key: string; inputs: Record<string, Tensor>[] };

/** One job's result in a runMany reply: its outputs, or the error that job alone failed with. */
export type RunManyResult = { outputs: Record<string, Tensor> } | { kind: string; message: string };

export type ChildReply =
  | {
      id: number;
      ok: true;
      ready?: true;
      version?: string;
      meta?: ModelMeta;
      outputs?: Record<string, Tensor>;
      results?: RunManyResult[];
    }
  | { id: number; ok: false; kind: string; message: string };

export type ChildRequestBody = ChildRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, "id">
    : never
  : never;

const CHILD = fileURLToPath(new URL("./sandbox-child.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

/**
 * The child's entry: sandbox-child.ts through tsx, or the bundled sandbox-child.mjs that `dgrid`
 * (bin/dgrid.js) names in DGRID_SANDBOX_CHILD when it runs from its bundle: it is ready in about a
 * third of the time and needs no esbuild service process. A bundle removed since falls back to the source.
 */
function childEntry(): { path: string; execArgv: string[] } {
  const bundled = process.env.DGRID_SANDBOX_CHILD;
  if (bundled && existsSync(bundled)) return { path: bundled, execArgv: [] };
  return { path: CHILD, execArgv: ["--import", TSX] };
}

/** Maps a child's error kind to our registered error. */
export function childError(kind: string, message: string): CodedError {
  switch (kind) {
    case "invalid":
      return ErrInvalidModel.wrap(message);
    case "external":
      return ErrModelExternalData.wrap(message);
    case "load":
      return ErrModelLoad.wrap(message);
    case "dtype":
      return ErrUnsupportedDType.wrap(message);
    case "input":
      return ErrBadInput.wrap(message);
    case "model":
      return ErrModelRuntime.wrap(message);
    default:
      return ErrRunFailed.wrap(message);
  }
}

interface Pending {
  resolve: (r: ChildReply & { ok: true }) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

/** One onnxruntime child process. Any timeout kills it; after that, every call rejects with ErrWorkerCrashed. */
export class OnnxSandbox {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private killed = false;
  private active = 0;
  readonly ready: Promise<void>;
  /** called once when the process is gone (killed, crashed or closed) */
  onExit?: (reason: string) => void;

  constructor(
    readonly options: { name?: string },
    private readonly deps: { logger: Logger },
  ) {
    const entry = childEntry();
    this.child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    // an idle sandbox does not keep the node's event loop alive; a call in flight does
    this.idle();
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (s: string) => {
      const line = s.trim();
      if (line)
        this.deps.logger.warn({ sandbox: this.options.name, stderr: line.slice(0, 2000) }, "onnx sandbox stderr");
    });
    let markReady: () => void;
    let failReady: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    this.ready.catch(() => {});
    this.child.on("message", (m: ChildReply) => {
      if (m.id === 0) return markReady();
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m);
      else p.reject(childError(m.kind, m.message));
    });
    const gone = (reason: string) => {
      if (this.exited) return;
      this.exited = true;
      failReady(ErrWorkerCrashed.wrap(reason));
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(ErrWorkerCrashed.wrap(reason));
        this.pending.delete(id);
      }
      this.onExit?.(reason);
    };
    this.child.on("exit", (code, signal) => gone(`sandbox exited (code ${code}, signal ${signal})`));
    this.child.on("error", (e) => gone(`sandbox error: ${e.message}`));
  }

  /** false as soon as the process is being killed or has exited */
  get alive(): boolean {
    return !this.exited && !this.killed;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Sends one request; rejects with the child's coded error, or with ErrTimeout after `timeoutMs`
   * (the child is then killed: a native call cannot be interrupted any other way).
   */
  async call(body: ChildRequestBody, timeoutMs: number): Promise<ChildReply & { ok: true }> {
    if (this.active++ === 0) this.busy();
    try {
      return await this.send(body, timeoutMs);
    } finally {
      if (--this.active === 0) this.idle();
    }
  }

  private busy(): void {
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
    (this.child.stderr as { ref?: () => void } | null)?.ref?.();
  }

  private idle(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
  }

  private async send(body: ChildRequestBody, timeoutMs: number): Promise<ChildReply & { ok: true }> {
    await this.ready;
    if (!this.alive) throw ErrWorkerCrashed.wrap("sandbox is gone");
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject };
      p.timer = setTimeout(() => {
        this.pending.delete(id);
        reject(ErrTimeout.wrap(`${body.op} did not finish within ${timeoutMs} ms`));
        this.kill("timeout");
      }, timeoutMs);
      this.pending.set(id, p);
      this.child.send({ ...body, id } as ChildRequest, (err) => {
        if (err && this.pending.delete(id)) {
          clearTimeout(p.timer);
          reject(ErrWorkerCrashed.wrap(`send failed: ${err.message}`));
        }
      });
    });
  }

  kill(reason: string): void {
    if (!this.alive) return;
    this.killed = true;
    this.deps.logger.warn({ sandbox: this.options.name, pid: this.child.pid, reason }, "killing onnx sandbox");
    this.child.kill("SIGKILL");
  }

  /** Closes the channel and waits for the process to end (kills it if it does not within 2 s). */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((res) => this.child.once("exit", () => res()));
    const t = setTimeout(() => this.child.kill("SIGKILL"), 2000);
    this.child.disconnect();
    await done;
    clearTimeout(t);
  }
}

/**
 * Loads model files in a sandbox process and returns their input/output metadata, or rejects with a
 * coded error (ErrInvalidModel, ErrModelExternalData, ErrTimeout). A file that crashes or hangs
 * onnxruntime costs only that process, which is replaced for the next probe.
 */
export class ModelProber {
  private sandbox?: OnnxSandbox;

  constructor(
    readonly options: { provider?: string; timeoutMs?: number },
    private readonly deps: { logger: Logger },
  ) {}

  async probe(path: string, options?: PinnedSessionOptions): Promise<ModelMeta> {
    if (!this.sandbox?.alive) this.sandbox = new OnnxSandbox({ name: "probe" }, this.deps);
    try {
      const reply = await this.sandbox.call(
        {
          op: "probe",
          path,
          options: options ?? { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
          provider: this.options.provider ?? "cpu",
        },
        this.options.timeoutMs ?? 60_000,
      );
      return reply.meta!;
    } catch (e) {
      // a file that fails to load, crashes onnxruntime or hangs it while loading is not a usable model
      if (e instanceof CodedError && (ErrModelLoad.is(e) || ErrWorkerCrashed.is(e) || ErrTimeout.is(e))) {
        throw ErrInvalidModel.wrap(e.message);
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.sandbox?.close();
  }
}
