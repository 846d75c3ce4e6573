// A response message as the Cosmos SDK's gateway writes it (gogoproto's jsonpb with EmitDefaults and
// OrigName): proto3 JSON with proto field names, 64-bit integers as strings, defaults emitted, Any as
// {"@type", ...fields} — and, where gogo differs from canonical proto3 JSON, gogo's way: an unset
// message field is `null` (not left out) and empty bytes are `null` (Go's nil slice), as in
// `"pagination": {"next_key": null, "total": "0"}`.
import {
  type DescMessage,
  fromBinary,
  type JsonObject,
  type JsonValue,
  type MessageShape,
  type Registry,
  ScalarType,
  toJson,
} from "@bufbuild/protobuf";

export function gatewayJson<D extends DescMessage>(schema: D, message: MessageShape<D>, registry: Registry): JsonValue {
  const json = toJson(schema, message, { registry, useProtoFieldName: true, alwaysEmitImplicit: true });
  return gogoShape(schema, json, registry);
}

/** Decodes response bytes and writes them as gateway JSON. */
export function gatewayJsonOfBytes(schema: DescMessage, bytes: Uint8Array, registry: Registry): JsonValue {
  return gatewayJson(schema, fromBinary(schema, bytes), registry);
}

/** Walks canonical JSON with its descriptor and applies gogo's nulls, recursing through messages and Any. */
function gogoShape(schema: DescMessage, json: JsonValue, registry: Registry): JsonValue {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
  if (schema.typeName === "google.protobuf.Any") return anyShape(json, registry);
  if (schema.typeName.startsWith("google.protobuf.")) return json; // well-known types have their own JSON
  const obj = json as JsonObject;
  // gogo writes fields in declaration order
  const out: JsonObject = {};
  for (const field of schema.fields) {
    const name = field.name;
    const value = obj[name];
    if (value === undefined) {
      // an unset message field is null; an unset member of a oneof is left out
      if (field.fieldKind === "message" && !field.oneof) out[name] = null;
    } else if (field.fieldKind === "message") out[name] = gogoShape(field.message, value, registry);
    else if (field.fieldKind === "scalar" && field.scalar === ScalarType.BYTES) out[name] = value === "" ? null : value;
    else if (field.fieldKind === "list" && field.listKind === "message" && Array.isArray(value))
      out[name] = value.map((v) => gogoShape(field.message, v, registry));
    else if (field.fieldKind === "map" && field.mapKind === "message" && value && typeof value === "object") {
      const m = value as JsonObject;
      const shaped: JsonObject = {};
      for (const k of Object.keys(m)) shaped[k] = gogoShape(field.message, m[k]!, registry);
      out[name] = shaped;
    } else out[name] = value;
  }
  return out;
}

function anyShape(json: JsonObject, registry: Registry): JsonValue {
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string") return json;
  const inner = registry.getMessage(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  if (!inner || inner.typeName.startsWith("google.protobuf.")) return json;
  const { "@type": t, ...fields } = json;
  return { "@type": t!, ...(gogoShape(inner, fields, registry) as JsonObject) };
}
