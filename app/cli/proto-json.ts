// Proto JSON for commands that handle messages of any type (authz grants and exec): the registry of
// every DGrid and SDK proto (proto/gen/descriptors.binpb), read once when first needed, to turn
// `{"@type": ..., ...}` JSON into an Any and a response into the JSON the SDK's CLI prints.
import { readFileSync } from "node:fs";
import {
  type DescMessage,
  type FileRegistry,
  fromBinary,
  fromJson,
  type JsonValue,
  toBinary,
} from "@bufbuild/protobuf";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { loadServiceCatalog } from "../../chain/services/catalog.ts";
import { toGatewayJson } from "../../chain/services/gateway-json.ts";
import { DESCRIPTORS_PATH } from "../descriptors.ts";
import { CliError } from "./context.ts";

let cached: FileRegistry | undefined;

/** The registry of every proto the chain knows (loaded on first use). */
export function protoRegistry(): FileRegistry {
  cached ??= loadServiceCatalog(readFileSync(DESCRIPTORS_PATH)).registry;
  return cached;
}

function messageType(name: string): DescMessage {
  const desc = protoRegistry().getMessage(name);
  if (!desc) throw new CliError(`unknown message type "${name}"`);
  return desc;
}

/** `{"@type": "/pkg.Msg", ...fields}` (proto JSON, snake_case or camelCase) -> an Any. */
export function anyFromJson(json: unknown, what: string): Any {
  const obj = json as Record<string, unknown> | null;
  const typeUrl = obj && typeof obj === "object" && !Array.isArray(obj) ? obj["@type"] : undefined;
  if (typeof typeUrl !== "string" || !typeUrl.startsWith("/"))
    throw new CliError(`${what} must be a JSON object with "@type": "/<proto message name>"`);
  const { "@type": _, ...fields } = obj as Record<string, unknown>;
  const desc = messageType(typeUrl.slice(1));
  try {
    const msg = fromJson(desc, fields as JsonValue, { registry: protoRegistry() });
    cosmosAnyUrls(msg);
    return { typeUrl, value: toBinary(desc, msg) };
  } catch (e) {
    throw new CliError(`invalid ${what} (${typeUrl}): ${(e as Error).message}`);
  }
}

/**
 * Rewrites the Anys nested in a parsed message (packed ones included) from protobuf-es's
 * "type.googleapis.com/pkg.Msg" to the Cosmos form "/pkg.Msg": the chain resolves only the latter
 * (e.g. the allowance inside an AllowedMsgAllowance).
 */
function cosmosAnyUrls(value: unknown): void {
  if (Array.isArray(value)) for (const v of value) cosmosAnyUrls(v);
  else if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    const o = value as Record<string, unknown>;
    if (o.$typeName === "google.protobuf.Any" && typeof o.typeUrl === "string" && o.value instanceof Uint8Array) {
      const name = o.typeUrl.slice(o.typeUrl.lastIndexOf("/") + 1);
      const desc = protoRegistry().getMessage(name);
      if (desc) {
        const inner = fromBinary(desc, o.value);
        cosmosAnyUrls(inner);
        o.value = toBinary(desc, inner);
      }
      o.typeUrl = `/${name}`;
      return;
    }
    for (const v of Object.values(o)) cosmosAnyUrls(v);
  }
}

/** Response bytes of message type `name` as the SDK prints them (snake_case, defaults, Any expanded). */
export function sdkJson(name: string, bytes: Uint8Array): JsonValue {
  const desc = messageType(name);
  return toGatewayJson(desc, fromBinary(desc, bytes), { registry: protoRegistry() });
}
