// The OpenAPI document: the committed proto/gen/openapi.json is what the generator writes for the
// committed descriptors (fresh), and it is well formed: every $ref resolves, every path variable is
// a declared path parameter, every operation id is unique.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildOpenApi, OPENAPI_INFO } from "../../chain/api/openapi.ts";
import { repoRoot, testCatalog } from "./support.ts";

const doc = buildOpenApi(testCatalog(), OPENAPI_INFO) as any;

test("the committed openapi.json is fresh (npm run proto writes it)", () => {
  const committed = readFileSync(join(repoRoot, "proto", "gen", "openapi.json"), "utf8");
  assert.equal(committed, `${JSON.stringify(doc, null, 2)}\n`);
});

test("the document is well formed", () => {
  assert.equal(doc.openapi, "3.0.3");
  const refs: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref") refs.push(x as string);
        else walk(x);
      }
  };
  walk(doc);
  assert.ok(refs.length > 0);
  for (const r of refs) {
    const name = r.replace("#/components/schemas/", "");
    assert.ok(doc.components.schemas[name], `unresolved ${r}`);
  }
  const ids = new Set<string>();
  for (const [path, item] of Object.entries<any>(doc.paths))
    for (const [method, op] of Object.entries<any>(item)) {
      assert.ok(["get", "post", "put", "delete", "patch"].includes(method));
      assert.ok(!ids.has(op.operationId), op.operationId);
      ids.add(op.operationId);
      const declared = op.parameters.filter((p: any) => p.in === "path").map((p: any) => p.name);
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      assert.deepEqual(declared, inPath, path);
      assert.ok(op.responses["200"] && op.responses.default);
    }
  const models = doc.paths["/dgrid/registry/v1/models"].get;
  const q = models.parameters.map((p: any) => p.name);
  for (const name of [
    "pagination.key",
    "pagination.offset",
    "pagination.limit",
    "pagination.count_total",
    "pagination.reverse",
  ])
    assert.ok(q.includes(name), name);
  const model = doc.components.schemas["dgrid.registry.v1.Model"].properties;
  assert.deepEqual(model.size_bytes, { type: "string", format: "uint64" });
  assert.deepEqual(model.price_per_call, { $ref: "#/components/schemas/cosmos.base.v1beta1.Coin" });
});
