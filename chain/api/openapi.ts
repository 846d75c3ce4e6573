// The OpenAPI 3 document of the REST routes, built from the service catalog: one operation per
// google.api.http binding, its path and query parameters, its request body, and a component schema
// per message (proto field names; 64-bit integers as strings; bytes as base64; Any as an object with
// "@type"). Deterministic: the same descriptors give the same document, byte for byte, so the
// committed proto/gen/openapi.json is checked fresh by `npm run proto` in CI.
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import type { ServiceCatalog } from "../services/catalog.ts";
import { parseTemplate } from "./route-table.ts";

type Schema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** The document's info block (the node serves the committed document's twin). */
export const OPENAPI_INFO: OpenApiInfo = {
  title: "DGrid REST (LCD) API",
  version: "v1",
  description:
    "The Cosmos SDK gateway routes of every query service, from the google.api.http annotations of the protos. " +
    "Historical queries: header x-cosmos-block-height. Errors: {code, message, details}.",
};

const STATUS_SCHEMA = "google.rpc.Status";
/** Query-parameter flattening stops here (a request nests messages a level or two at most). */
const MAX_QUERY_DEPTH = 4;

export function buildOpenApi(catalog: ServiceCatalog, info: OpenApiInfo): Record<string, unknown> {
  const schemas = new Map<string, Schema>();
  const paths = new Map<string, Record<string, unknown>>();
  const routes = catalog.methods.flatMap((m) => m.http.map((binding, i) => ({ m, binding, i })));
  for (const { m, binding, i } of routes) {
    const template = parseTemplate(binding.path);
    const pathFields = new Set(template.variables.map((v) => v.fieldPath));
    const oaPath = openApiPath(binding.path);
    const parameters: Schema[] = [];
    for (const v of template.variables) {
      const field = fieldAt(m.desc.input, v.fieldPath);
      parameters.push({
        name: v.fieldPath,
        in: "path",
        required: true,
        schema: field ? leafSchema(field) : { type: "string" },
      });
    }
    if (binding.body !== "*")
      for (const q of queryParameters(m.desc.input, "", pathFields, binding.body, 0, new Set())) parameters.push(q);
    const op: Schema = {
      operationId: `${m.service.typeName}.${m.desc.name}${i > 0 ? `_${i}` : ""}`,
      summary: `${m.service.name}/${m.desc.name} (${m.path})`,
      tags: [m.service.typeName],
      parameters,
      responses: {
        "200": { description: "A successful response.", content: json(ref(m.desc.output, schemas)) },
        default: {
          description: "An error response.",
          content: json({ $ref: `#/components/schemas/${STATUS_SCHEMA}` }),
        },
      },
    };
    if (binding.body === "*") op.requestBody = { required: true, content: json(ref(m.desc.input, schemas)) };
    else if (binding.body !== "") {
      const field = fieldAt(m.desc.input, binding.body);
      if (field) op.requestBody = { required: true, content: json(fieldSchema(field, schemas)) };
    }
    const item = paths.get(oaPath) ?? {};
    item[binding.method.toLowerCase()] = op;
    paths.set(oaPath, item);
  }
  schemas.set(STATUS_SCHEMA, {
    type: "object",
    properties: {
      code: { type: "integer", format: "int32" },
      message: { type: "string" },
      details: { type: "array", items: { $ref: "#/components/schemas/google.protobuf.Any" } },
    },
  });
  if (!schemas.has("google.protobuf.Any")) schemas.set("google.protobuf.Any", anySchema());
  return {
    openapi: "3.0.3",
    info,
    paths: sortedObject(paths),
    components: { schemas: sortedObject(schemas) },
  };
}

/** "/a/{name=things/**}/b" → "/a/{name}/b" */
function openApiPath(template: string): string {
  return template.replace(/\{([^}=]+)(=[^}]*)?\}/g, "{$1}");
}

function json(schema: Schema): Schema {
  return { "application/json": { schema } };
}

function sortedObject<V>(m: Map<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k)!;
  return out;
}

function fieldAt(msg: DescMessage, path: string): DescField | undefined {
  let cur: DescMessage | undefined = msg;
  let field: DescField | undefined;
  for (const name of path.split(".")) {
    field = cur?.fields.find((f) => f.name === name);
    if (!field) return undefined;
    cur = field.fieldKind === "message" ? field.message : undefined;
  }
  return field;
}

/** The query parameters of a request: every scalar/enum leaf by dotted proto name, minus path variables and the body field. */
function queryParameters(
  msg: DescMessage,
  prefix: string,
  skip: Set<string>,
  bodyField: string,
  depth: number,
  seen: Set<string>,
): Schema[] {
  const out: Schema[] = [];
  for (const f of msg.fields) {
    const name = prefix + f.name;
    if (skip.has(name) || (prefix === "" && f.name === bodyField)) continue;
    if (f.fieldKind === "map") continue;
    if (f.fieldKind === "message" && !textMessage(f.message)) {
      if (depth >= MAX_QUERY_DEPTH || seen.has(f.message.typeName)) continue;
      const next = new Set(seen).add(f.message.typeName);
      out.push(...queryParameters(f.message, `${name}.`, skip, bodyField, depth + 1, next));
      continue;
    }
    const p: Schema = { name, in: "query", required: false, schema: leafSchema(f) };
    if (f.fieldKind === "list") {
      p.explode = true;
      p.schema = { type: "array", items: leafSchema(f) };
    }
    out.push(p);
  }
  return out;
}

/** Well-known messages written as one JSON string (Timestamp, Duration, wrappers, FieldMask). */
function textMessage(m: DescMessage): boolean {
  return m.typeName.startsWith("google.protobuf.") && wktSchema(m.typeName)?.type !== "object";
}

function leafSchema(f: DescField): Schema {
  const kind = f.fieldKind === "list" ? f.listKind : f.fieldKind;
  if (kind === "enum") return enumSchema(f);
  if (kind === "message") return wktSchema(f.message!.typeName) ?? { type: "string" };
  return scalarSchema(f.scalar!);
}

function enumSchema(f: DescField): Schema {
  const values = f.enum!.values.map((v) => v.name);
  return { type: "string", enum: values, default: values[0] };
}

function scalarSchema(t: ScalarType): Schema {
  switch (t) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", format: "int64" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", format: "uint64" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "int64", minimum: 0 };
    default:
      return { type: "integer", format: "int32" };
  }
}

function anySchema(): Schema {
  return {
    type: "object",
    description: "A message of any type: its type URL in @type, its fields beside it.",
    properties: { "@type": { type: "string" } },
    additionalProperties: {},
  };
}

function wktSchema(typeName: string): Schema | undefined {
  switch (typeName) {
    case "google.protobuf.Timestamp":
      return { type: "string", format: "date-time" };
    case "google.protobuf.Duration":
      return { type: "string", description: 'seconds with an "s" suffix, e.g. "1.5s"' };
    case "google.protobuf.FieldMask":
    case "google.protobuf.StringValue":
      return { type: "string" };
    case "google.protobuf.BytesValue":
      return { type: "string", format: "byte" };
    case "google.protobuf.Int64Value":
      return { type: "string", format: "int64" };
    case "google.protobuf.UInt64Value":
      return { type: "string", format: "uint64" };
    case "google.protobuf.Int32Value":
    case "google.protobuf.UInt32Value":
      return { type: "integer" };
    case "google.protobuf.BoolValue":
      return { type: "boolean" };
    case "google.protobuf.DoubleValue":
    case "google.protobuf.FloatValue":
      return { type: "number" };
    case "google.protobuf.Any":
      return anySchema();
    case "google.protobuf.Struct":
    case "google.protobuf.Empty":
      return { type: "object" };
    case "google.protobuf.Value":
      return {};
    case "google.protobuf.ListValue":
      return { type: "array", items: {} };
    default:
      return undefined;
  }
}

/** A $ref to the message's component schema, adding it (and what it refers to) on first use. */
function ref(msg: DescMessage, schemas: Map<string, Schema>): Schema {
  const wkt = wktSchema(msg.typeName);
  if (wkt && msg.typeName !== "google.protobuf.Any") return wkt;
  const name = msg.typeName;
  if (!schemas.has(name)) {
    if (name === "google.protobuf.Any") schemas.set(name, anySchema());
    else {
      const properties: Record<string, Schema> = {};
      schemas.set(name, { type: "object", properties });
      for (const f of msg.fields) properties[f.name] = fieldSchema(f, schemas);
    }
  }
  return { $ref: `#/components/schemas/${name}` };
}

function fieldSchema(f: DescField, schemas: Map<string, Schema>): Schema {
  switch (f.fieldKind) {
    case "scalar":
      return scalarSchema(f.scalar);
    case "enum":
      return enumSchema(f);
    case "message":
      return ref(f.message, schemas);
    case "list":
      return {
        type: "array",
        items:
          f.listKind === "message"
            ? ref(f.message, schemas)
            : f.listKind === "enum"
              ? enumSchema(f)
              : scalarSchema(f.scalar),
      };
    case "map":
      return {
        type: "object",
        additionalProperties:
          f.mapKind === "message"
            ? ref(f.message, schemas)
            : f.mapKind === "enum"
              ? enumSchema(f)
              : scalarSchema(f.scalar),
      };
  }
}
