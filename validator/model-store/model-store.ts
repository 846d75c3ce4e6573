// Content-addressed ONNX model files: <home>/data/models/<sha256>.onnx.
//
// put() streams into a temp file while hashing and counting (over the limit -> ErrModelTooLarge
// before the rest is read), checks the expected id if one was given, validates it in a
// onnxruntime sandbox process (not a loadable, self-contained ONNX model -> ErrInvalidModel
// / ErrModelExternalData; a file that crashes or hangs onnxruntime costs only that process), then
// fsyncs it, renames it into place and fsyncs the directory. read() verifies the sha256 every time.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { CodedError } from "../../chain/errors/errors.ts";
import {
  ErrInvalidModelId,
  ErrModelCorrupt,
  ErrModelEmpty,
  ErrModelHashMismatch,
  ErrModelNotFound,
  ErrModelTooLarge,
} from "../errors.ts";
import type { ModelStoreReader } from "../executor/types.ts";
import { ModelProber } from "../onnx/sandbox.ts";
import type { ModelMeta } from "../onnx/tensor.ts";

export const DEFAULT_MAX_MODEL_BYTES = 256 * 1024 * 1024;
const MODEL_ID = /^[0-9a-f]{64}$/;

export type ModelSource = Uint8Array | AsyncIterable<Uint8Array>;

export interface ModelStoreOptions {
  /** the node's home; files go to <home>/data/models */
  home: string;
  /** largest accepted file in bytes (default 256 MiB) */
  maxModelBytes?: number;
  /** load each new file in an onnxruntime sandbox before accepting it (default true) */
  validate?: boolean;
  /** limit for that check in ms (default 60 s) */
  probeTimeoutMs?: number;
  /** validations running at once in the validation sandbox (default 2) */
  maxConcurrentProbes?: number;
}

export interface PutResult {
  id: string;
  size: number;
  /** false when the store already had this file */
  created: boolean;
  /** input/output metadata from the validation run (absent when not validated or already present) */
  meta?: ModelMeta;
}

export function checkModelId(id: unknown): string {
  if (typeof id !== "string" || !MODEL_ID.test(id)) throw ErrInvalidModelId.wrap(JSON.stringify(String(id)));
  return id;
}

export class ModelStore implements ModelStoreReader {
  readonly dir: string;
  readonly maxModelBytes: number;
  private readonly tmpDir: string;
  private readonly logger: Logger;
  private probesRunning = 0;
  private readonly probeWaiters: (() => void)[] = [];
  private readonly prober: ModelProber;

  constructor(
    private readonly options: ModelStoreOptions,
    deps: { logger: Logger },
  ) {
    this.dir = join(options.home, "data", "models");
    this.tmpDir = join(this.dir, "tmp");
    this.maxModelBytes = options.maxModelBytes ?? DEFAULT_MAX_MODEL_BYTES;
    this.logger = deps.logger.child({ module: "model-store" });
    this.prober = new ModelProber({ timeoutMs: options.probeTimeoutMs ?? 60_000 }, { logger: this.logger });
  }

  /** Stops the validation sandbox process (an idle one does not keep the process alive either). */
  async close(): Promise<void> {
    await this.prober.close();
  }

  /** Creates the directories and removes temp files left by an interrupted put. */
  async init(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  path(id: string): string {
    return join(this.dir, `${checkModelId(id)}.onnx`);
  }

  async put(source: ModelSource, opts: { expectedId?: string } = {}): Promise<PutResult> {
    if (opts.expectedId !== undefined) checkModelId(opts.expectedId);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `${randomBytes(12).toString("hex")}.part`);
    const hash = createHash("sha256");
    let size = 0;
    let keep = false;
    const fh = await open(tmp, "wx");
    try {
      let result: PutResult;
      try {
        const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = source instanceof Uint8Array ? [source] : source;
        for await (const chunk of chunks) {
          size += chunk.length;
          if (size > this.maxModelBytes) {
            throw ErrModelTooLarge.wrap(`more than ${this.maxModelBytes} bytes`);
          }
          hash.update(chunk);
          await fh.write(chunk);
        }
        if (size === 0) throw ErrModelEmpty.wrap("0 bytes");
        const id = hash.digest("hex");
        if (opts.expectedId !== undefined && id !== opts.expectedId) {
          throw ErrModelHashMismatch.wrap(`got ${id}, want ${opts.expectedId}`);
        }
        if (await exists(this.path(id))) return { id, size, created: false };
        // the sandbox reads the written (not yet durable) file; only a file that will be kept is
        // fsynced, so a refused upload costs no disk flush
        const meta = (this.options.validate ?? true) ? await this.probe(tmp) : undefined;
        await fh.sync();
        result = { id, size, created: true, meta };
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path(result.id));
      keep = true;
      await fsyncDir(this.dir);
      this.logger.info({ model: result.id, size }, "model stored");
      return result;
    } finally {
      if (!keep) await unlink(tmp).catch(() => {});
    }
  }

  private async probe(path: string): Promise<ModelMeta> {
    const max = this.options.maxConcurrentProbes ?? 2;
    while (this.probesRunning >= max) await new Promise<void>((r) => this.probeWaiters.push(r));
    this.probesRunning++;
    try {
      return await this.prober.probe(path);
    } finally {
      this.probesRunning--;
      this.probeWaiters.shift()?.();
    }
  }

  async has(id: string): Promise<boolean> {
    return exists(this.path(id));
  }

  /** Size in bytes of a stored model, or undefined. */
  async size(id: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(id))).size;
    } catch {
      return undefined;
    }
  }

  /** The file's bytes, verified against the id (ErrModelNotFound / ErrModelCorrupt). */
  async read(id: string): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(id));
    } catch (e) {
      if (e instanceof CodedError) throw e;
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw ErrModelNotFound.wrap(id);
      throw e;
    }
    const got = createHash("sha256").update(bytes).digest("hex");
    if (got !== id) {
      this.logger.error({ model: id, got }, "stored model file is corrupt");
      throw ErrModelCorrupt.wrap(`${id} hashes to ${got}`);
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Stored models, sorted by id. */
  async list(): Promise<{ id: string; size: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: { id: string; size: number }[] = [];
    for (const name of names.sort()) {
      const m = /^([0-9a-f]{64})\.onnx$/.exec(name);
      if (!m) continue;
      const size = await this.size(m[1]);
      if (size !== undefined) out.push({ id: m[1], size });
    }
    return out;
  }

  /** Removes a model; false if it was not there. */
  async delete(id: string): Promise<boolean> {
    try {
      await unlink(this.path(id));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
    await fsyncDir(this.dir);
    this.logger.info({ model: id }, "model deleted");
    return true;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
