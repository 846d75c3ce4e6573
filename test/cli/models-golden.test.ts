// `dgrid models golden`, `dgrid models calibrate` and register-model's pre-checks on this machine,
// on the code-generated MLP and the real PaddleOCR classifier. Nothing here needs a node: a
// registration that passes its pre-checks stops at the upload (no model endpoint listening).
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tensorsEqual } from "../../chain/tensor/canonical.ts";
import { tensorFromJson } from "../../chain/tensor/json.ts";
import { directRuns } from "../support/make-golden.ts";
import { buildMlpModel } from "../support/mlp-model.ts";
import { fixturePath, OCR_CLS_MODEL_PATH, PINNED, sha256Hex } from "../support/models.ts";
import { cli, tempHome } from "./helpers.ts";

const MLP = buildMlpModel({ inputs: 16, hidden: 32, outputs: 4, seed: 7 });
const NO_NODE = "http://127.0.0.1:9"; // nothing listens: a registration that gets this far passed its checks

describe("dgrid models golden / calibrate", () => {
  let dir: string;
  let mlpPath: string;
  before(() => {
    dir = tempHome();
    mlpPath = join(dir, "mlp.onnx");
    writeFileSync(mlpPath, MLP);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("golden --random writes deterministic inputs shaped by the model, outputs of a pinned run and the policy", async () => {
    const out = join(dir, "mlp.golden.json");
    const args = ["models", "golden", mlpPath, "--random", "3", "--seed", "5", "--dim", "batch=2", "--policy", "exact"];
    const r = await cli([...args, "--out", out, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      file: out,
      model_id: sha256Hex(MLP),
      vectors: 3,
      policy: "exact",
    });
    const file = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(file.modelId, sha256Hex(MLP));
    assert.equal(file.policy, "exact");
    assert.deepEqual(file.sessionOptions, PINNED);
    assert.equal(file.provider, "cpu");
    assert.match(file.onnxruntime, /^\d+\.\d+\.\d+$/);
    assert.equal(file.vectors.length, 3);
    const inputs = file.vectors.map((v: { inputs: { input: never } }) => ({ input: tensorFromJson(v.inputs.input) }));
    for (const i of inputs) assert.deepEqual(i.input.shape, [2, 16]);
    assert.ok(!tensorsEqual(inputs[0].input, inputs[1].input), "each set is different");
    // exact: the outputs equal a direct run here, bit for bit
    const direct = await directRuns(MLP, inputs);
    for (const [i, v] of file.vectors.entries()) {
      assert.ok(tensorsEqual(tensorFromJson(v.outputs.output), direct[i].output), `vector ${i}`);
    }
    // the same seed gives the same file; another seed other inputs
    const again = await cli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, readFileSync(out, "utf8"));
    const other = JSON.parse((await cli([...args.slice(0, 5), "6", ...args.slice(6)])).stdout);
    assert.notDeepEqual(other.vectors[0].inputs, file.vectors[0].inputs);
  });

  it("golden --inputs takes named tensors (numbers or base64), an array of them or a golden file; bad input is named", async () => {
    const one = join(dir, "one.json");
    writeFileSync(one, JSON.stringify({ input: { dtype: "float32", shape: [1, 16], data: Array(16).fill(0.25) } }));
    const r = await cli(["models", "golden", mlpPath, "--inputs", one, "--policy", "tolerance:0.0001:0.001"]);
    assert.equal(r.code, 0, r.stderr);
    const file = JSON.parse(r.stdout);
    assert.equal(file.policy, "tolerance:0.0001:0.001");
    assert.equal(file.vectors.length, 1);
    const fromGolden = await cli([
      "models",
      "golden",
      mlpPath,
      "--inputs",
      fixturePath("mlp.golden.json"),
      "--policy",
      "exact",
    ]);
    assert.equal(fromGolden.code, 0, fromGolden.stderr);
    const committed = JSON.parse(readFileSync(fixturePath("mlp.golden.json"), "utf8"));
    assert.deepEqual(
      JSON.parse(fromGolden.stdout).vectors.map((v: { inputs: unknown }) => v.inputs),
      committed.vectors.map((v: { inputs: unknown }) => v.inputs),
    );
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ input: { dtype: "float32", shape: [1, 16], data: [1, 2] } }]));
    const e = await cli(["models", "golden", mlpPath, "--inputs", bad, "--policy", "exact"]);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /bad\.json input: 8 data bytes, shape \[1,16\] of float32 needs 64/);
    const both = await cli(["models", "golden", mlpPath, "--inputs", one, "--random", "2"]);
    assert.match(both.stderr, /give --inputs or --random, not both/);
    const dim = await cli(["models", "golden", mlpPath, "--dim", "rows=2", "--policy", "exact"]);
    assert.match(dim.stderr, /--dim rows: the model has no symbolic dim of that name \(batch\)/);
    const policy = await cli(["models", "golden", mlpPath, "--policy", "closest"]);
    assert.match(policy.stderr, /invalid policy "closest"/);
  });

  it("calibrate reports every setting and output; the PaddleOCR classifier differs between settings and calls for argmax", async () => {
    const r = await cli([
      "models",
      "calibrate",
      OCR_CLS_MODEL_PATH,
      "--inputs",
      fixturePath("paddleocr-cls.golden.json"),
      "-o",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.reference, "cpu pinned");
    assert.equal(c.inputSets, 2);
    const names = c.settings.map((s: { setting: string }) => s.setting);
    for (const s of [
      "cpu pinned",
      "cpu graph=disabled",
      "cpu graph=basic",
      "cpu graph=extended",
      "cpu threads=2",
      "cpu threads=4",
      "cpu mode=parallel",
      "cpu prepacking=off",
      "cuda pinned",
    ]) {
      assert.ok(names.includes(s), s);
    }
    const cuda = c.settings.find((s: { setting: string }) => s.setting === "cuda pinned");
    if (!cuda.available) assert.ok(cuda.error.length > 0, "an unavailable provider says why");
    const out = c.outputs["softmax_0.tmp_0"];
    assert.equal(out.identical, false, "graph optimizations change the classifier's bits");
    assert.ok(out.maxAbsDiff > 0 && out.maxAbsDiff < 1e-4, String(out.maxAbsDiff));
    assert.ok(out.maxUlp >= 1);
    assert.equal(out.argmaxAgrees, true);
    assert.equal(c.bitIdentical, false);
    assert.equal(c.suggested.policy, "argmax");
    const text = await cli([
      "models",
      "calibrate",
      OCR_CLS_MODEL_PATH,
      "--inputs",
      fixturePath("paddleocr-cls.golden.json"),
    ]);
    assert.match(text.stdout, /cpu graph=disabled\s+softmax_0\.tmp_0: max abs \S+, rel \S+, \d+ ULP/);
    assert.match(text.stdout, /suggested policy: argmax \(the outputs are class scores/);
  });

  it("calibrate on the MLP: exact only when every setting gives the same bits", async () => {
    const r = await cli(["models", "calibrate", mlpPath, "--random", "2", "--dim", "batch=3", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.inputSets, 2);
    assert.deepEqual(Object.keys(c.outputs), ["output"]);
    const ran = c.settings.filter((s: { available: boolean }) => s.available);
    assert.ok(ran.length >= 8, "every CPU setting ran");
    const identical = ran.every((s: { outputs: { output: { identical: boolean } } }) => s.outputs.output.identical);
    assert.equal(c.bitIdentical, identical);
    if (identical) assert.equal(c.suggested.policy, "exact");
    else assert.match(c.suggested.policy, /^(tolerance:|argmax)/);
  });

  it("golden without --policy calibrates and records the suggested policy", async () => {
    const r = await cli(["models", "golden", OCR_CLS_MODEL_PATH, "--inputs", fixturePath("paddleocr-cls.golden.json")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no --policy: calibrating/);
    assert.match(r.stderr, /policy argmax: the outputs are class scores/);
    assert.equal(JSON.parse(r.stdout).policy, "argmax");
  });
});

describe("register-model pre-checks (before upload and fee)", () => {
  let dir: string;
  before(() => {
    dir = tempHome();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const register = (file: string, golden: string, ...extra: string[]) =>
    cli([
      "tx",
      "registry",
      "register-model",
      file,
      "--from",
      "creator",
      "--name",
      "m",
      "--model-version",
      "1",
      "--price",
      "1000udgrid",
      "--golden",
      golden,
      "--node-models",
      NO_NODE,
      "--home",
      dir,
      "--keyring-backend",
      "test",
      ...extra,
    ]);

  it("refuses exact for the PaddleOCR classifier, naming the differences and the suggested policy", async () => {
    const r = await register(OCR_CLS_MODEL_PATH, fixturePath("paddleocr-cls.golden.json"), "--policy", "exact");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /validators would fail this model's golden vectors under exact/);
    assert.match(r.stderr, /cpu graph=disabled: softmax_0\.tmp_0 max abs \S+, rel \S+, \d+ ULP/);
    assert.match(r.stderr, /calibration suggests argmax/);
    assert.match(r.stderr, /--skip-calibration/);
    assert.doesNotMatch(r.stderr, /uploading|cannot upload/);
  });

  it("passes the committed classifier fixture (made on another CPU) under argmax; refuses a wrong class", async () => {
    const ok = await register(OCR_CLS_MODEL_PATH, fixturePath("paddleocr-cls.golden.json"), "--policy", "argmax");
    assert.equal(ok.code, 1);
    assert.match(ok.stderr, /checking the golden vectors under argmax/);
    assert.match(ok.stderr, /cannot upload to http:\/\/127\.0\.0\.1:9/);
    // the other class in vector 1's first row
    const golden = JSON.parse(readFileSync(fixturePath("paddleocr-cls.golden.json"), "utf8"));
    const t = golden.vectors[1].outputs["softmax_0.tmp_0"];
    const bytes = Buffer.from(t.data, "base64");
    const swapped = Buffer.concat([bytes.subarray(4, 8), bytes.subarray(0, 4), bytes.subarray(8)]);
    t.data = swapped.toString("base64");
    const wrong = join(dir, "wrong.golden.json");
    writeFileSync(wrong, JSON.stringify(golden));
    const r = await register(OCR_CLS_MODEL_PATH, wrong, "--policy", "argmax");
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /golden vector 1 does not agree with this machine's run under argmax: softmax_0\.tmp_0 .*top class differs/,
    );
    assert.doesNotMatch(r.stderr, /cannot upload/);
    // --skip-calibration goes straight on
    const skipped = await register(OCR_CLS_MODEL_PATH, wrong, "--policy", "argmax", "--skip-calibration");
    assert.doesNotMatch(skipped.stderr, /checking the golden vectors/);
    assert.match(skipped.stderr, /cannot upload to/);
  });

  it("takes the policy from the golden file; refuses a file made for another model or another policy", async () => {
    const mlpPath = join(dir, "mlp.onnx");
    writeFileSync(mlpPath, MLP);
    const golden = join(dir, "mlp.golden.json");
    const made = await cli([
      "models",
      "golden",
      mlpPath,
      "--random",
      "2",
      "--policy",
      "tolerance:0.0001:0",
      "--out",
      golden,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const r = await register(mlpPath, golden);
    assert.match(r.stderr, /checking the golden vectors under tolerance:0\.0001:0 /);
    assert.match(r.stderr, /cannot upload to/);
    const differ = await register(mlpPath, golden, "--policy", "exact");
    assert.match(
      differ.stderr,
      /--policy exact differs from the policy in .*mlp\.golden\.json \(tolerance:0\.0001:0\)/,
    );
    const other = join(dir, "other.onnx");
    writeFileSync(other, buildMlpModel({ inputs: 16, hidden: 32, outputs: 4, seed: 8 }));
    const wrongModel = await register(other, golden);
    assert.match(wrongModel.stderr, new RegExp(`was made for model ${sha256Hex(MLP)}; .*other\\.onnx is [0-9a-f]{64}`));
  });
});
