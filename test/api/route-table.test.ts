// Path templates (grpc-gateway syntax) and the route table's matching: literals before variables,
// `**`, `{a.b}`, `{name=pattern}`, verbs, methods.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseTemplate, RouteTable, TemplateError } from "../../chain/api/route-table.ts";
import type { CatalogMethod, HttpBinding, ServiceCatalog } from "../../chain/services/catalog.ts";
import { testCatalog } from "./support.ts";

function tableOf(bindings: Record<string, HttpBinding["method"] | [HttpBinding["method"], string]>): RouteTable {
  const methods = Object.entries(bindings).map(([path, m], i) => {
    const [method, body] = Array.isArray(m) ? m : [m, ""];
    return { path: `/t.Q/M${i}`, http: [{ method, path, body }] } as unknown as CatalogMethod;
  });
  return new RouteTable({ methods } as unknown as ServiceCatalog);
}

const matchOf = (t: RouteTable, method: string, path: string) => {
  const { match } = t.match(method, path);
  return match ? { template: match.route.binding.path, params: Object.fromEntries(match.pathParams) } : undefined;
};

test("templates: variables, nested field paths, patterns, ** and verbs", () => {
  const t = parseTemplate("/v1/{name=shelves/*/books/**}:get");
  assert.equal(t.verb, "get");
  assert.deepEqual(t.variables, [{ fieldPath: "name", start: 1, end: -1 }]);
  assert.deepEqual(parseTemplate("/a/{b.c}/d").variables, [{ fieldPath: "b.c", start: 1, end: 2 }]);
  for (const bad of ["a/b", "/a/{b", "/a/**/c", "/a/{1x}", "/a//b"])
    assert.throws(() => parseTemplate(bad), TemplateError, bad);
});

test("matching: literals win over variables whatever the order; ** takes the rest; values decoded", () => {
  const t = tableOf({
    "/cosmos/bank/v1beta1/balances/{address}": "GET",
    "/cosmos/bank/v1beta1/balances/{address}/by_denom": "GET",
    "/cosmos/bank/v1beta1/denoms_metadata/{denom=**}": "GET",
    "/cosmos/bank/v1beta1/denoms_metadata": "GET",
    "/x/{id}/y": "GET",
    "/x/special/y": "GET",
    "/files/{path=docs/*}/meta": "GET",
    "/v1/{name}:cancel": "POST",
    "/v1/{a.b}/c": "GET",
  });
  assert.deepEqual(matchOf(t, "GET", "/cosmos/bank/v1beta1/balances/dgrid1abc"), {
    template: "/cosmos/bank/v1beta1/balances/{address}",
    params: { address: "dgrid1abc" },
  });
  assert.equal(
    matchOf(t, "GET", "/cosmos/bank/v1beta1/balances/dgrid1abc/by_denom")?.template.endsWith("by_denom"),
    true,
  );
  assert.deepEqual(matchOf(t, "GET", "/cosmos/bank/v1beta1/denoms_metadata/ibc/ABC%2FDEF")?.params, {
    denom: "ibc/ABC/DEF",
  });
  // a `**` that could match nothing does not take the exact route that ends there (DenomsMetadata)
  assert.deepEqual(matchOf(t, "GET", "/cosmos/bank/v1beta1/denoms_metadata"), {
    template: "/cosmos/bank/v1beta1/denoms_metadata",
    params: {},
  });
  assert.deepEqual(matchOf(t, "GET", "/cosmos/bank/v1beta1/denoms_metadata/udgrid")?.params, { denom: "udgrid" });
  assert.equal(matchOf(t, "GET", "/x/special/y")?.template, "/x/special/y");
  assert.deepEqual(matchOf(t, "GET", "/x/other/y")?.params, { id: "other" });
  assert.deepEqual(matchOf(t, "GET", "/files/docs/readme/meta")?.params, { path: "docs/readme" });
  assert.equal(matchOf(t, "GET", "/files/src/readme/meta"), undefined);
  assert.deepEqual(matchOf(t, "POST", "/v1/op1:cancel")?.params, { name: "op1" });
  assert.equal(matchOf(t, "POST", "/v1/op1"), undefined);
  assert.deepEqual(matchOf(t, "GET", "/v1/q/c")?.params, { "a.b": "q" });
  assert.deepEqual(matchOf(t, "HEAD", "/x/1/y")?.params, { id: "1" }, "HEAD is GET");
  assert.equal(matchOf(t, "GET", "/cosmos/bank/v1beta1/balances/"), undefined, "an empty segment is no value");
  assert.deepEqual(t.match("DELETE", "/x/1/y"), { methodMismatch: true });
  assert.deepEqual(t.match("GET", "/nothing"), { methodMismatch: false });
});

test("the table of the committed descriptors has every dgrid query route", () => {
  const t = new RouteTable(testCatalog());
  const paths = t.routes.map((r) => r.binding.path);
  for (const p of [
    "/dgrid/registry/v1/models",
    "/dgrid/registry/v1/models/{id}",
    "/dgrid/registry/v1/models/{model_id}/servers",
    "/dgrid/registry/v1/params",
    "/dgrid/inference/v1/requests/{id}",
    "/dgrid/inference/v1/results/{id}",
    "/dgrid/inference/v1/requesters/{requester}/requests",
    "/dgrid/inference/v1/pending_requests",
    "/dgrid/inference/v1/params",
    "/dgrid/reputation/v1/reputations",
    "/dgrid/reputation/v1/reputations/{validator}",
    "/dgrid/reputation/v1/params",
  ])
    assert.ok(paths.includes(p), p);
  assert.equal(
    matchOf(t, "GET", "/dgrid/registry/v1/models/abc/servers")?.template,
    "/dgrid/registry/v1/models/{model_id}/servers",
  );
});
