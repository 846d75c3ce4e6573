// Tensor inputs through the shared tensor rules (chain/tensor) and the validator's input checks:
//  - the JSON form (tensorFromJson: CLI inputs, golden files, the gateway's request bodies), then for
//    what it accepts: checkTensor, the base64 round trip, the canonical encoding and every agreement
//    policy on the tensor against itself;
//  - proto NamedTensors against TensorSpecs (checkSpecs, matchSpecs: registration, request inputs,
//    revealed outputs), then for sets that pass: tensorsFromNamed, canonicalOutput and agrees, as
//    consensus runs them on revealed outputs;
//  - validateInputs (validator/onnx/tensor.ts) against the metadata of the real test models.
// Inputs are generated structure-first (sizes that fit their shape, dtypes and dims near the edges)
// with random fields mixed in. Crash: a JS engine error (TypeError, RangeError, SyntaxError...) or a
// non-Error anywhere, a refusal that is not a plain Error naming what was wrong (tensorFromJson) or
// ErrBadInput (validateInputs), or a throw on a tensor set the checks accepted.
import fc from "fast-check";
import { agrees, DEC_ONE, type Policy } from "../../../chain/tensor/agreement.ts";
import { canonicalOutput, tensorsEqual, tensorsFromNamed } from "../../../chain/tensor/canonical.ts";
import { checkTensor, DTYPE_NAMES, DTYPES, type DType, type Tensor } from "../../../chain/tensor/dtype.ts";
import { type TensorJson, tensorFromJson, tensorToJson } from "../../../chain/tensor/json.ts";
import { checkSpecs, matchSpecs } from "../../../chain/tensor/spec.ts";
import type { NamedTensor, TensorSpec } from "../../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrBadInput } from "../../../validator/errors.ts";
import { type ModelMeta, validateInputs } from "../../../validator/onnx/tensor.ts";
import { Counters, describeError, FuzzCrash, type FuzzInstance, type FuzzTarget, isEngineError } from "../target.ts";

type TensorInput =
  | { kind: "json"; json: unknown }
  | { kind: "specs"; specs: TensorSpec[]; tensors: NamedTensor[]; policy: Policy }
  | { kind: "inputs"; model: number; inputs: Record<string, unknown> };

/** The input metadata onnxruntime reports for the test models (test/support/models.ts, mlp-model.ts). */
const MODEL_METAS: ModelMeta[] = [
  {
    // Silero VAD
    inputs: [
      { name: "input", type: "float32", shape: ["batch", "sequence"] },
      { name: "sr", type: "int64", shape: [] },
      { name: "h", type: "float32", shape: [2, "batch", 64] },
      { name: "c", type: "float32", shape: [2, "batch", 64] },
    ],
    outputs: [{ name: "output", type: "float32", shape: ["batch", 1] }],
  },
  {
    // PaddleOCR direction classifier
    inputs: [{ name: "x", type: "float32", shape: ["n", 3, 48, "w"] }],
    outputs: [{ name: "softmax", type: "float32", shape: ["n", 2] }],
  },
  {
    // the test MLP
    inputs: [{ name: "x", type: "float32", shape: [null, 16] }],
    outputs: [{ name: "y", type: "float32", shape: [null, 4] }],
  },
];

const NAMES = ["x", "y", "input", "sr", "h", "c", "", "a.b", "\u0000"];
const dtypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...DTYPE_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom("float16", "", "FLOAT32", "string", "__proto__", "toString") },
);
const dimArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 4 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1, 64, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  },
);
const shapeArb = fc.array(dimArb, { maxLength: 4 });

/** Bytes of the size the dtype and shape need (most of the time), or off by a little, or random. */
function dataFor(dtype: string, shape: number[]): fc.Arbitrary<Uint8Array> {
  const size = DTYPES[dtype as DType]?.size ?? 4;
  const n = shape.reduce((a, b) => a * b, 1) * size;
  const fits = Number.isSafeInteger(n) && n >= 0 && n <= 4096;
  return fc.oneof(
    { weight: fits ? 6 : 0, arbitrary: fc.uint8Array({ minLength: fits ? n : 0, maxLength: fits ? n : 0 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  );
}

const namedArb: fc.Arbitrary<NamedTensor> = fc
  .record({ name: fc.constantFrom(...NAMES), dtype: dtypeArb, shape: shapeArb })
  .chain((t) => dataFor(t.dtype, t.shape).map((data) => ({ ...t, data })));

const jsonValueArb = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom("1", "-1", "1.5", "abc", " ", "", "9223372036854775808", "1e400", "0x10", "NaN"),
  fc.constant(null),
);
const tensorJsonArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ dtype: dtypeArb, shape: shapeArb }).chain((t) =>
      fc.oneof(
        dataFor(t.dtype, t.shape).map((d) => ({ ...t, data: Buffer.from(d).toString("base64") })),
        fc
          .array(jsonValueArb, {
            minLength: Math.floor(Math.min(16, Math.max(0, t.shape.reduce((a, b) => a * b, 1) || 0))),
            maxLength: 16,
          })
          .map((data) => ({ ...t, data })),
        fc.string({ maxLength: 12 }).map((data) => ({ ...t, data })),
      ),
    ),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }).map((s) => JSON.parse(s)) },
  { weight: 1, arbitrary: fc.array(jsonValueArb, { maxLength: 4 }) },
);

const specArb: fc.Arbitrary<TensorSpec> = fc.record({
  name: fc.constantFrom(...NAMES),
  dtype: dtypeArb,
  shape: fc.array(
    fc.oneof(
      dimArb.map((size) => ({ size, symbol: "" })),
      fc.constantFrom("batch", "n", "1bad", "a b", "w").map((symbol) => ({ size: 0, symbol })),
    ),
    { maxLength: 4 },
  ),
});

/** Tensors that fit `specs` (each symbol bound to one value), then sometimes one field disturbed. */
function tensorsFitting(specs: TensorSpec[]): fc.Arbitrary<NamedTensor[]> {
  return fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([a, b]) => {
    const bind = (sym: string) => (sym.length % 2 === 0 ? a : b);
    const parts = specs.map((spec) => {
      const shape = spec.shape.map((d) => (d.symbol !== "" ? bind(d.symbol) : d.size));
      return dataFor(spec.dtype, shape).map((data) => ({ name: spec.name, dtype: spec.dtype, shape, data }));
    });
    return fc.tuple(...parts);
  });
}

const fittingSpecsArb = fc
  .array(specArb, { minLength: 1, maxLength: 3 })
  .chain((specs) =>
    fc.record({
      kind: fc.constant("specs" as const),
      specs: fc.constant(specs),
      tensors: tensorsFitting(specs),
      policy: fc.constant<Policy>({ kind: "exact" }),
    }),
  )
  .chain((x) => policyArb.map((policy) => ({ ...x, policy })));

const metaSpecs = (meta: ModelMeta): TensorSpec[] =>
  meta.inputs.map((i) => ({
    name: i.name,
    dtype: i.type,
    shape: i.shape.map((d) => (typeof d === "number" ? { size: d, symbol: "" } : { size: 0, symbol: d ?? "any" })),
  }));

const fittingInputsArb = fc.nat({ max: MODEL_METAS.length - 1 }).chain((model) =>
  tensorsFitting(metaSpecs(MODEL_METAS[model])).map((list) => ({
    kind: "inputs" as const,
    model,
    inputs: Object.fromEntries(list.map((t) => [t.name, { dtype: t.dtype, shape: t.shape, data: t.data }])),
  })),
);

const policyArb: fc.Arbitrary<Policy> = fc.oneof(
  fc.constant({ kind: "exact" as const }),
  fc.constant({ kind: "argmax" as const }),
  fc.integer({ min: 1, max: 8 }).map((k) => ({ kind: "topk" as const, k })),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n * DEC_ONE }), fc.bigInt({ min: 0n, max: DEC_ONE }))
    .map(([abs, rel]) => ({ kind: "tolerance" as const, abs, rel })),
);

const POLICIES: Policy[] = [
  { kind: "exact" },
  { kind: "argmax" },
  { kind: "topk", k: 2 },
  { kind: "tolerance", abs: DEC_ONE / 1000n, rel: DEC_ONE / 100n },
];

/** Inputs of one of the models: tensors shaped like its inputs (symbols bound consistently or not). */
const modelInputsArb = fc.nat({ max: MODEL_METAS.length - 1 }).chain((model) =>
  fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...MODEL_METAS[model].inputs.map((i) => i.name)), fc.constantFrom(...NAMES)),
          fc.oneof({ weight: 4, arbitrary: namedArb }, { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) }),
        ),
        { maxLength: 5 },
      ),
    )
    .map(([entries]) => ({
      kind: "inputs" as const,
      model,
      inputs: Object.fromEntries(
        entries.map(([name, t]) => {
          if (!t || typeof t !== "object" || !("name" in t)) return [name, t];
          const { dtype, shape, data } = t as NamedTensor;
          return [name, { dtype, shape, data }];
        }),
      ),
    })),
);

/** Runs `f`; a JS engine error or a non-Error thrown is a crash; any other Error is `false` (refused). */
function refuses(what: string, f: () => void, isClean: (e: unknown) => boolean = (e) => e instanceof Error): boolean {
  try {
    f();
    return false;
  } catch (e) {
    if (isEngineError(e) || !isClean(e)) throw new FuzzCrash(`${what} threw ${describeError(e)}`, { cause: e });
    return true;
  }
}

function mustNotThrow<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new FuzzCrash(`${what} threw on tensors the checks accepted: ${describeError(e)}`, { cause: e });
  }
}

/** Consensus code on accepted outputs: the canonical bytes and every policy against itself. */
function consensusOn(outputs: Record<string, Tensor>, policies: Policy[]): void {
  mustNotThrow("canonicalOutput", () => canonicalOutput(outputs));
  for (const p of policies) mustNotThrow(`agrees(${p.kind})`, () => agrees(p, outputs, outputs));
}

const LIMITS = { maxTensors: 8, maxRank: 4, maxNameLength: 64 };

export const tensorTarget: FuzzTarget<TensorInput> = {
  name: "tensor",
  description:
    "tensor JSON, NamedTensors vs specs, model inputs -> chain/tensor and validateInputs: plain Error / ErrBadInput",
  arbitrary() {
    return fc.oneof(
      { weight: 3, arbitrary: tensorJsonArb.map((json): TensorInput => ({ kind: "json", json })) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant("specs" as const),
          specs: fc.array(specArb, { maxLength: 3 }),
          tensors: fc.array(namedArb, { maxLength: 3 }),
          policy: policyArb,
        }),
      },
      { weight: 2, arbitrary: fittingSpecsArb },
      { weight: 1, arbitrary: modelInputsArb },
      { weight: 1, arbitrary: fittingInputsArb },
    );
  },
  async open(): Promise<FuzzInstance<TensorInput>> {
    const counters = new Counters();
    return {
      async run(input) {
        if (input.kind === "json") {
          let t: Tensor | undefined;
          const refused = refuses(
            "tensorFromJson",
            () => {
              t = tensorFromJson(input.json as TensorJson, "fuzz input");
            },
            (e) => e instanceof Error && e.message.startsWith("fuzz input"),
          );
          counters.add(refused ? "json refused" : "json accepted");
          if (!t) return;
          const tensor = t;
          mustNotThrow("checkTensor", () => checkTensor(tensor));
          const back = mustNotThrow("tensorToJson/tensorFromJson", () => tensorFromJson(tensorToJson(tensor)));
          if (!tensorsEqual(back, tensor)) throw new FuzzCrash("the JSON form does not round-trip");
          consensusOn({ x: tensor }, POLICIES);
          return;
        }
        if (input.kind === "specs") {
          const specsBad = refuses("checkSpecs", () => checkSpecs(input.specs, "inputs", LIMITS));
          const noMatch = refuses("matchSpecs", () => matchSpecs(input.specs, input.tensors, "inputs"));
          counters.add(`specs ${specsBad ? "refused" : "ok"}, tensors ${noMatch ? "refused" : "match"}`);
          if (specsBad || noMatch) return;
          const outputs = mustNotThrow("tensorsFromNamed", () => tensorsFromNamed(input.tensors));
          consensusOn(outputs, [input.policy, ...POLICIES]);
          return;
        }
        const meta = MODEL_METAS[input.model];
        const refused = refuses(
          "validateInputs",
          () => validateInputs(meta, input.inputs as Record<string, Tensor>),
          (e) => ErrBadInput.is(e),
        );
        counters.add(refused ? "inputs refused" : "inputs accepted");
      },
      stats: () => counters.toJSON(),
      async close() {},
    };
  },
  toJson(input) {
    return JSON.parse(
      JSON.stringify(input, (_k, v) =>
        v instanceof Uint8Array ? { hex: Buffer.from(v).toString("hex") } : typeof v === "bigint" ? v.toString() : v,
      ),
    );
  },
};
