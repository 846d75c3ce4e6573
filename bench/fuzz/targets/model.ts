// ONNX model files through the model store's put with validation (validator/model-store), which is
// what `register-model` uploads to (PUT /models) and what a validator fetches from its peers: size
// and emptiness checks, the protobuf decode, the external-data refusal, and an onnxruntime session
// created in the validation sandbox process. Inputs: the real small models (the identity probe
// model, the test MLP, the PaddleOCR classifier, Silero VAD) unchanged, protobuf-aware and byte
// mutants of them, and random bytes. Accepted files are deleted again so the store stays small.
// Crash: put rejecting with anything but a registered code, or the fuzzing process itself dying.
// A sandbox process that dies on a file (a native crash onnxruntime had on it) is refused with
// executor:7 and counted as "sandbox exited": the node survives, but it is worth a look.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { CodedError } from "../../../chain/errors/errors.ts";
import { buildMlpModel } from "../../../test/support/mlp-model.ts";
import { fileBytes, OCR_CLS_MODEL_PATH, VAD_MODEL_PATH } from "../../../test/support/models.ts";
import { ErrWorkerCrashed } from "../../../validator/errors.ts";
import { identityModel } from "../../../validator/executor/probe-model.ts";
import { ModelStore } from "../../../validator/model-store/model-store.ts";
import { bytesInput, toHex } from "../mutate.ts";
import { Counters, describeError, FuzzCrash, type FuzzInstance, type FuzzTarget } from "../target.ts";

let seedCache: Uint8Array[] | undefined;
function seeds(): Uint8Array[] {
  seedCache ??= [
    identityModel(),
    buildMlpModel({ inputs: 16, hidden: 8, outputs: 4, seed: 1 }),
    fileBytes(OCR_CLS_MODEL_PATH),
    fileBytes(VAD_MODEL_PATH),
  ];
  return seedCache;
}

export const modelTarget: FuzzTarget<Uint8Array> = {
  name: "model",
  description: "ONNX model bytes -> ModelStore.put (decode, external data, onnxruntime sandbox): a registered code",
  arbitrary: () => bytesInput(seeds(), 4096),
  async open(): Promise<FuzzInstance<Uint8Array>> {
    const home = mkdtempSync(join(tmpdir(), "dgrid-fuzz-model-"));
    const store = new ModelStore({ home, probeTimeoutMs: 20_000 }, { logger: pino({ level: "silent" }) });
    await store.init();
    const counters = new Counters();
    return {
      async run(bytes) {
        try {
          const r = await store.put(bytes);
          counters.add("accepted");
          if (r.created) await store.delete(r.id);
        } catch (e) {
          if (!(e instanceof CodedError)) throw new FuzzCrash(`put threw ${describeError(e)}`, { cause: e });
          counters.add(ErrWorkerCrashed.is(e) ? "sandbox exited" : `${e.codespace}:${e.code}`);
        }
      },
      stats: () => counters.toJSON(),
      async close() {
        await store.close();
        rmSync(home, { recursive: true, force: true });
      },
    };
  },
  toJson: (bytes) => ({ size: bytes.length, modelHex: toHex(bytes) }),
};
