// The REST route table: every google.api.http binding of the catalog, parsed once into path templates
// (grpc-gateway's syntax: literal segments, `*`, `**`, `{field}`, `{a.b}`, `{field=pattern/**}`, a
// trailing `:verb`) and matched against request paths. No route has a handler of its own: a match is
// the catalog method, its binding and the values of its path variables.
import type { CatalogMethod, HttpBinding, ServiceCatalog } from "../services/catalog.ts";

type Segment =
  | { kind: "literal"; value: string }
  /** `*`: exactly one segment */
  | { kind: "one" }
  /** `**`: zero or more segments (only last) */
  | { kind: "rest" };

export interface PathTemplate {
  template: string;
  segments: Segment[];
  verb: string;
  /** the variables: a field path and the segment range [start, end) it captures (end -1: to the end) */
  variables: { fieldPath: string; start: number; end: number }[];
}

export interface Route {
  method: CatalogMethod;
  binding: HttpBinding;
  template: PathTemplate;
}

export interface RouteMatch {
  route: Route;
  /** field path ("id", "pagination.key") → the URL-decoded value */
  pathParams: Map<string, string>;
}

export class TemplateError extends Error {}

/** Parses a google.api.http path template ("/v1/{name=messages/*}/items/{item.id}:verb"). */
export function parseTemplate(template: string): PathTemplate {
  if (!template.startsWith("/")) throw new TemplateError(`path template ${template} must start with /`);
  let body = template.slice(1);
  let verb = "";
  // a verb follows the last segment after ':' outside of braces
  const lastBrace = body.lastIndexOf("}");
  const colon = body.indexOf(":", lastBrace + 1);
  if (colon >= 0) {
    verb = body.slice(colon + 1);
    body = body.slice(0, colon);
  }
  const segments: Segment[] = [];
  const variables: PathTemplate["variables"] = [];
  const tokens = splitTemplate(body, template);
  for (const tok of tokens) {
    if (tok.startsWith("{")) {
      const inner = tok.slice(1, -1);
      const eq = inner.indexOf("=");
      const fieldPath = eq < 0 ? inner : inner.slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(fieldPath))
        throw new TemplateError(`bad variable ${tok} in ${template}`);
      const start = segments.length;
      const pattern = eq < 0 ? ["*"] : inner.slice(eq + 1).split("/");
      for (const p of pattern) segments.push(segmentOf(p, template));
      const open = pattern.at(-1) === "**";
      variables.push({ fieldPath, start, end: open ? -1 : segments.length });
    } else segments.push(segmentOf(tok, template));
  }
  const restAt = segments.findIndex((s) => s.kind === "rest");
  if (restAt >= 0 && restAt !== segments.length - 1) throw new TemplateError(`** must be last in ${template}`);
  return { template, segments, verb, variables };
}

/** Splits on '/' outside braces. */
function splitTemplate(body: string, template: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of body) {
    if (ch === "{") depth++;
    if (ch === "}") depth--;
    if (depth < 0 || depth > 1) throw new TemplateError(`unbalanced braces in ${template}`);
    if (ch === "/" && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (depth !== 0) throw new TemplateError(`unbalanced braces in ${template}`);
  out.push(cur);
  return out;
}

function segmentOf(text: string, template: string): Segment {
  if (text === "*") return { kind: "one" };
  if (text === "**") return { kind: "rest" };
  if (text === "" || /[{}*]/.test(text)) throw new TemplateError(`bad segment "${text}" in ${template}`);
  return { kind: "literal", value: text };
}

/** Specificity rank of a segment kind: literals before `*` before `**`. */
const RANK = { literal: 0, one: 1, rest: 2 } as const;

function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    // the longer template is more specific, except that a trailing `**` may match nothing: then the
    // template that ends here (`/denoms_metadata`) is the exact one, not `/denoms_metadata/{denom=**}`
    if (!x || !y) {
      const longer = x ?? y;
      const sign = x ? -1 : 1;
      return longer?.kind === "rest" ? -sign : sign;
    }
    if (RANK[x.kind] !== RANK[y.kind]) return RANK[x.kind] - RANK[y.kind];
  }
  return 0;
}

export class RouteTable {
  readonly routes: readonly Route[];

  constructor(catalog: ServiceCatalog) {
    const routes: Route[] = [];
    for (const method of catalog.methods)
      for (const binding of method.http) routes.push({ method, binding, template: parseTemplate(binding.path) });
    // the most specific template wins when several match (a literal beats a variable)
    routes.sort((a, b) => compareSpecificity(a.template, b.template));
    this.routes = routes;
  }

  /**
   * The route for an HTTP method and a raw (still percent-encoded) URL path. `methodMismatch` is true
   * when the path matches a route of another method only.
   */
  match(httpMethod: string, rawPath: string): { match?: RouteMatch; methodMismatch: boolean } {
    const { parts, verb } = splitPath(rawPath);
    let methodMismatch = false;
    const verbOf = httpMethod === "HEAD" ? "GET" : httpMethod;
    for (const route of this.routes) {
      const params = matchTemplate(route.template, parts, verb);
      if (!params) continue;
      if (route.binding.method !== verbOf) {
        methodMismatch = true;
        continue;
      }
      return { match: { route, pathParams: params }, methodMismatch: false };
    }
    return { methodMismatch };
  }
}

function splitPath(rawPath: string): { parts: string[]; verb: string } {
  let path = rawPath.startsWith("/") ? rawPath.slice(1) : rawPath;
  let verb = "";
  const lastSlash = path.lastIndexOf("/");
  const colon = path.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    verb = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  return { parts: path.split("/"), verb };
}

/** The path variables when `parts` match the template, else undefined. Throws URIError on bad escapes. */
function matchTemplate(t: PathTemplate, parts: string[], verb: string): Map<string, string> | undefined {
  if (t.verb !== verb) return undefined;
  const segs = t.segments;
  const open = segs.at(-1)?.kind === "rest";
  if (open ? parts.length < segs.length - 1 : parts.length !== segs.length) return undefined;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.kind === "rest") break;
    const p = parts[i]!;
    if (s.kind === "literal" ? p !== s.value : p === "") return undefined;
  }
  const params = new Map<string, string>();
  for (const v of t.variables) {
    const captured = v.end < 0 ? parts.slice(v.start) : parts.slice(v.start, v.end);
    // a one-segment variable decodes '/' too (%2F); a multi-segment one keeps the separators
    params.set(v.fieldPath, captured.map((c) => decodeURIComponent(c)).join("/"));
  }
  return params;
}
