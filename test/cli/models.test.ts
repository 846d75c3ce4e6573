import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEMO_MODEL_PATH } from "../../models/demo.ts";
import { buildMlpModel } from "../support/mlp-model.ts";
import { sha256Hex } from "../support/models.ts";
import { cli, tempHome } from "./helpers.ts";

describe("dgrid models", () => {
  it("put stores a valid model under its sha256, refuses junk, list shows it", async () => {
    const home = tempHome();
    try {
      const init = await cli(["init", "--home", home, "--chain-id", "m-1", "--no-validator"]);
      assert.equal(init.code, 0, init.stderr);
      const mlp = buildMlpModel({ inputs: 4, hidden: 8, outputs: 2, seed: 3 });
      writeFileSync(join(home, "mlp.onnx"), mlp);
      writeFileSync(join(home, "junk.onnx"), "not a model");
      const put = await cli([
        "models",
        "put",
        join(home, "mlp.onnx"),
        "--home",
        home,
        "-o",
        "json",
        "--log-level",
        "silent",
      ]);
      assert.equal(put.code, 0, put.stderr);
      const res = JSON.parse(put.stdout);
      assert.equal(res.id, sha256Hex(mlp));
      assert.equal(res.created, true);
      assert.equal(res.store, join(home, "data", "models"));
      const junk = await cli(["models", "put", join(home, "junk.onnx"), "--home", home, "--log-level", "silent"]);
      assert.equal(junk.code, 1);
      assert.match(junk.stderr, /not a loadable ONNX model \(modelstore:4\)/);
      const list = await cli(["models", "list", "--home", home, "-o", "json", "--log-level", "silent"]);
      assert.deepEqual(JSON.parse(list.stdout), [{ id: sha256Hex(mlp), size: mlp.length }]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses a home that holds no node, writing nothing", async () => {
    const home = tempHome();
    const put = await cli(["models", "put", DEMO_MODEL_PATH, "--home", home, "--log-level", "silent"]);
    assert.equal(put.code, 1);
    assert.match(put.stderr, /is not a node home \(no config\/config\.toml\).*register-model/);
    assert.equal(existsSync(join(home, "data")), false);
  });
});
