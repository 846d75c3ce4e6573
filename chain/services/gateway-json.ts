// The JSON the Cosmos SDK v0.50 REST (grpc-gateway) server writes, which is not canonical proto3 JSON.
// The SDK's gateway marshals with gogoproto's jsonpb (OrigName, EmitDefaults: server/api/server.go)
// over gogoproto-generated Go structs, so the gogoproto field options decide the output:
//  - every field under its proto name, scalars at their defaults too, 64-bit integers as strings,
//    enums by name (an unknown number as a bare number);
//  - a message field is a Go pointer: unset → null; `(gogoproto.nullable) = false` makes it a Go value,
//    written as its default object (stdtime: Go's zero time "0001-01-01T00:00:00Z"; stdduration: "0s");
//  - bytes: nil (absent/empty) → null, else base64; repeated → [] when empty; maps → {} with sorted keys;
//  - an unset oneof is omitted; Any → {"@type": url, ...fields}, its message resolved from the registry
//    (an unknown type is an error, as the SDK's InterfaceRegistry resolver makes it);
//  - math.Int / math.LegacyDec customtypes are written by their Go MarshalJSON (LegacyDec travels as
//    atoms and is written as "0.500000000000000000").
// Request bodies are parsed as proto3 JSON (fromJson); this file only writes responses.
import {
  create,
  type DescExtension,
  type DescField,
  type DescMessage,
  type DescOneof,
  fromBinary,
  getOption,
  hasOption,
  type JsonValue,
  type Message,
  type Registry,
  ScalarType,
  toJson,
} from "@bufbuild/protobuf";
import { type ReflectList, type ReflectMap, type ReflectMessage, reflect } from "@bufbuild/protobuf/reflect";
import {
  type CustomType,
  customTypeOf,
  formatBytes,
  formatCustom,
  formatDuration,
  formatFloat,
  formatTimestamp,
  GatewayJsonError,
  GO_ZERO_TIME_SECONDS,
} from "./gateway-json-values.ts";

export { GatewayJsonError } from "./gateway-json-values.ts";

export interface GatewayJsonOptions {
  /** resolves Any type URLs and holds the gogoproto extensions (catalog.registry) */
  registry: Registry;
}

/** What the Go struct field of one proto field is, read once per message type. */
interface FieldPlan {
  field: DescField;
  /** false: a Go value (message: default object; customtype: zero), true: a Go pointer (null) */
  nullable: boolean;
  stdtime: boolean;
  stdduration: boolean;
  custom: CustomType | undefined;
}

type MemberPlan = { oneof: undefined; plan: FieldPlan } | { oneof: DescOneof; plans: Map<DescField, FieldPlan> };

const TIMESTAMP = "google.protobuf.Timestamp";
const DURATION = "google.protobuf.Duration";
const ANY = "google.protobuf.Any";
const WRAPPERS = new Set(
  ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map(
    (n) => `google.protobuf.${n}Value`,
  ),
);
// jsonpb hands these to the generic value writer; their proto3 JSON is the same.
const STRUCTS = new Set(["google.protobuf.Struct", "google.protobuf.ListValue", "google.protobuf.Value"]);

/** Writes messages as the SDK gateway does; per-message-type field decisions are cached. */
export class GatewayJsonWriter {
  private readonly registry: Registry;
  private readonly plans = new WeakMap<DescMessage, MemberPlan[]>();
  private readonly ext: {
    nullable?: DescExtension;
    stdtime?: DescExtension;
    stdduration?: DescExtension;
    customtype?: DescExtension;
  };

  constructor(options: GatewayJsonOptions) {
    this.registry = options.registry;
    this.ext = {
      nullable: options.registry.getExtension("gogoproto.nullable"),
      stdtime: options.registry.getExtension("gogoproto.stdtime"),
      stdduration: options.registry.getExtension("gogoproto.stdduration"),
      customtype: options.registry.getExtension("gogoproto.customtype"),
    };
  }

  /** The gateway JSON of a message; throws GatewayJsonError where the SDK's marshaler fails. */
  write(schema: DescMessage, message: Message): JsonValue {
    return this.message(reflect(schema, message, false), undefined);
  }

  private message(r: ReflectMessage, typeUrl: string | undefined): JsonValue {
    const wkt = this.wellKnown(r);
    if (wkt !== undefined) {
      // jsonpb marshalAny: a well-known type (an Any too) inside an Any is {"@type": url, "value": <its JSON>}
      return typeUrl === undefined ? wkt : { "@type": typeUrl, value: wkt };
    }
    const out: Record<string, JsonValue> = typeUrl === undefined ? {} : { "@type": typeUrl };
    for (const member of this.plan(r.desc)) {
      if (member.oneof === undefined) {
        out[member.plan.field.name] = this.field(r, member.plan);
        continue;
      }
      const selected = r.oneofCase(member.oneof);
      const plan = selected && member.plans.get(selected);
      if (plan) out[plan.field.name] = this.field(r, plan);
    }
    return out;
  }

  /** Timestamp, Duration, Any, wrappers and Struct types, or undefined for ordinary messages. */
  private wellKnown(r: ReflectMessage): JsonValue | undefined {
    const name = r.desc.typeName;
    if (!name.startsWith("google.protobuf.")) return undefined;
    if (name === TIMESTAMP || name === DURATION) {
      const m = r.message as unknown as { seconds: bigint; nanos: number };
      return name === TIMESTAMP
        ? formatTimestamp(m.seconds, m.nanos, false)
        : formatDuration(m.seconds, m.nanos, false);
    }
    if (name === ANY) return this.any(r.message as unknown as { typeUrl: string; value: Uint8Array });
    if (WRAPPERS.has(name)) return this.scalar(r.desc.fields[0], r.get(r.desc.fields[0]), false, undefined);
    if (STRUCTS.has(name)) return toJson(r.desc, r.message);
    return undefined;
  }

  private any(any: { typeUrl: string; value: Uint8Array }): JsonValue {
    const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
    const schema = typeName === "" ? undefined : this.registry.getMessage(typeName);
    if (!schema) throw new GatewayJsonError(`unable to resolve type URL ${any.typeUrl}`);
    let inner: Message;
    try {
      inner = fromBinary(schema, any.value);
    } catch (err) {
      throw new GatewayJsonError(`cannot decode ${any.typeUrl}: ${(err as Error).message}`);
    }
    return this.message(reflect(schema, inner, false), any.typeUrl);
  }

  private field(r: ReflectMessage, plan: FieldPlan): JsonValue {
    const { field } = plan;
    switch (field.fieldKind) {
      case "list":
        return this.list(r.get(field) as ReflectList, plan);
      case "map":
        return this.map(r.get(field) as ReflectMap, plan);
      case "message":
        if (!r.isSet(field)) return plan.nullable ? null : this.zeroMessage(field.message, plan);
        return this.messageValue(r.get(field) as ReflectMessage, plan);
      case "enum":
        return enumJson(field.enum.values, r.get(field) as number);
      case "scalar":
        return this.scalar(field, r.get(field), plan.nullable, plan.custom);
    }
  }

  /** A set message field; stdtime/stdduration fields pass through Go time types and their range checks. */
  private messageValue(value: ReflectMessage, plan: FieldPlan): JsonValue {
    if (plan.stdtime && value.desc.typeName === TIMESTAMP) {
      const m = value.message as unknown as { seconds: bigint; nanos: number };
      return formatTimestamp(m.seconds, m.nanos, true);
    }
    if (plan.stdduration && value.desc.typeName === DURATION) {
      const m = value.message as unknown as { seconds: bigint; nanos: number };
      return formatDuration(m.seconds, m.nanos, true);
    }
    return this.message(value, undefined);
  }

  /** The Go zero value of a non-nullable message field. */
  private zeroMessage(schema: DescMessage, plan: FieldPlan): JsonValue {
    if (plan.stdtime && schema.typeName === TIMESTAMP) return formatTimestamp(GO_ZERO_TIME_SECONDS, 0, true);
    if (plan.stdduration && schema.typeName === DURATION) return "0s";
    return this.message(reflect(schema, create(schema), false), undefined);
  }

  private list(list: ReflectList, plan: FieldPlan): JsonValue[] {
    const { field } = plan;
    if (field.fieldKind !== "list") return [];
    const out: JsonValue[] = [];
    for (const item of list) {
      if (field.listKind === "message") out.push(this.messageValue(item as ReflectMessage, plan));
      else if (field.listKind === "enum") out.push(enumJson(field.enum.values, item as number));
      // each element of a repeated bytes field is a non-nil []byte once decoded: empty is ""
      else if (field.scalar === ScalarType.BYTES && plan.custom === undefined)
        out.push(formatBytes(item as Uint8Array) ?? "");
      else out.push(this.scalar(field, item, false, plan.custom));
    }
    return out;
  }

  private map(map: ReflectMap, plan: FieldPlan): Record<string, JsonValue> {
    const { field } = plan;
    if (field.fieldKind !== "map") return {};
    const entries = [...map.entries()].sort(([a], [b]) => compareKeys(a, b));
    const out: Record<string, JsonValue> = {};
    for (const [key, value] of entries) {
      const k = String(key);
      if (field.mapKind === "message") out[k] = this.message(value as ReflectMessage, undefined);
      else if (field.mapKind === "enum") out[k] = enumJson(field.enum.values, value as number);
      else if (field.scalar === ScalarType.BYTES) out[k] = formatBytes(value as Uint8Array) ?? "";
      else out[k] = this.scalar(field, value, false, undefined);
    }
    return out;
  }

  private scalar(
    field: { scalar: ScalarType | undefined },
    value: unknown,
    nullable: boolean,
    custom: CustomType | undefined,
  ): JsonValue {
    if (custom !== undefined && (field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES)) {
      return formatCustom(custom, value as string | Uint8Array, nullable);
    }
    switch (field.scalar) {
      case ScalarType.INT64:
      case ScalarType.UINT64:
      case ScalarType.SINT64:
      case ScalarType.FIXED64:
      case ScalarType.SFIXED64:
        return String(value);
      case ScalarType.DOUBLE:
        return formatFloat(value as number, false);
      case ScalarType.FLOAT:
        return formatFloat(value as number, true);
      case ScalarType.BYTES:
        return formatBytes(value as Uint8Array);
      default:
        return value as JsonValue;
    }
  }

  private plan(desc: DescMessage): MemberPlan[] {
    let plan = this.plans.get(desc);
    if (plan === undefined) {
      plan = desc.members.map((m): MemberPlan => {
        if (m.kind === "field") return { oneof: undefined, plan: this.fieldPlan(m) };
        return { oneof: m, plans: new Map(m.fields.map((f) => [f, this.fieldPlan(f)])) };
      });
      this.plans.set(desc, plan);
    }
    return plan;
  }

  private fieldPlan(field: DescField): FieldPlan {
    const goType = this.option(field, this.ext.customtype);
    return {
      field,
      nullable: this.option(field, this.ext.nullable) !== false,
      stdtime: this.option(field, this.ext.stdtime) === true,
      stdduration: this.option(field, this.ext.stdduration) === true,
      custom: typeof goType === "string" ? customTypeOf(goType) : undefined,
    };
  }

  private option(field: DescField, ext: DescExtension | undefined): unknown {
    return ext !== undefined && hasOption(field, ext) ? getOption(field, ext) : undefined;
  }
}

/** An enum by its value name; a number the enum does not declare stays a bare number (jsonpb). */
function enumJson(values: readonly { number: number; name: string }[], n: number): JsonValue {
  for (const v of values) if (v.number === n) return v.name;
  return n;
}

/** Go sorts map keys numerically for integer kinds, false before true, strings by bytes. */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === "boolean" ? Number(a) : BigInt(a as number | bigint);
  const y = typeof b === "boolean" ? Number(b) : BigInt(b as number | bigint);
  return x < y ? -1 : x > y ? 1 : 0;
}

// One writer per registry, so the per-type plans are built once (a memo; it holds no other state).
const writers = new WeakMap<Registry, GatewayJsonWriter>();

/** `message` as the Cosmos SDK v0.50 REST gateway writes it (see the rules at the top of this file). */
export function toGatewayJson(schema: DescMessage, message: Message, options: GatewayJsonOptions): JsonValue {
  let writer = writers.get(options.registry);
  if (writer === undefined) {
    writer = new GatewayJsonWriter(options);
    writers.set(options.registry, writer);
  }
  return writer.write(schema, message);
}
