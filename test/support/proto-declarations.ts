// Checks our Cosmos SDK / CometBFT .proto declarations (proto/, built into proto/gen/descriptors.binpb)
// against cosmjs-types, which is generated from the upstream .proto files: a message with every field
// set (one message per oneof case) is encoded with @bufbuild/protobuf, decoded and re-encoded by
// cosmjs-types and must come back byte for byte (same field numbers, wire types and order) with the same
// scalar values (signed vs unsigned, string vs bytes), and both proto3 JSON forms must have the same key
// paths and leaf values (same field names). The test/proto/sdk-declarations-*.test.ts suites use it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  create,
  type DescField,
  type DescFile,
  type DescMessage,
  equals,
  type FileRegistry,
  fromBinary,
  type JsonValue,
  ScalarType,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { loadServiceCatalog, type ServiceCatalog } from "../../chain/services/catalog.ts";
// cosmjs-types' BinaryWriter with the int64 fix the app uses (negative and large int64 values are written here)
import "../../chain/types/binary-writer.ts";

const require = createRequire(import.meta.url);

export interface Declarations {
  /** proto/gen/descriptors.binpb as built by `npm run proto` */
  descriptorSet: Uint8Array;
  catalog: ServiceCatalog;
  /** every declared file (Any resolution included) */
  registry: FileRegistry;
}

export function loadDeclarations(): Declarations {
  const descriptorSet = readFileSync(new URL("../../proto/gen/descriptors.binpb", import.meta.url));
  const catalog = loadServiceCatalog(descriptorSet);
  return { descriptorSet, catalog, registry: catalog.registry };
}

/** The part of a cosmjs-types (ts-proto) message codec the checks use. */
export interface CosmjsCodec {
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  toJSON(message: unknown): unknown;
}

/** The cosmjs-types module generated from the upstream file of the same name ("cosmos/bank/v1beta1/tx.proto"). */
export function cosmjsModule(fileName: string): Record<string, unknown> {
  return require(`cosmjs-types/${fileName.replace(/\.proto$/, "")}`) as Record<string, unknown>;
}

function isCodec(value: unknown): value is CosmjsCodec {
  const v = value as Partial<CosmjsCodec> | null;
  return typeof v === "object" && v !== null && typeof v.decode === "function" && typeof v.encode === "function";
}

/** cosmjs-types exports a nested message as Outer_Inner. */
function exportName(desc: DescMessage): string {
  return desc.typeName.slice(desc.file.proto.package.length + 1).replaceAll(".", "_");
}

export function declaredFile(registry: FileRegistry, fileName: string): DescFile {
  const file = registry.getFile(fileName);
  assert.ok(file, `${fileName} is in proto/gen/descriptors.binpb`);
  return file;
}

/** Every message of a file, nested ones included. */
export function declaredMessages(file: DescFile): DescMessage[] {
  const out: DescMessage[] = [];
  const walk = (m: DescMessage) => {
    out.push(m);
    m.nestedMessages.forEach(walk);
  };
  file.messages.forEach(walk);
  return out;
}

export interface FillerOptions {
  /** the message packed (filled) into every google.protobuf.Any the filler meets */
  anyContent: string;
}

/** Messages with every field set; values differ per field, so a swapped pair of fields changes the bytes. */
export class DeclarationFiller {
  private n = 0;
  private readonly options: FillerOptions;
  private readonly registry: FileRegistry;

  constructor(options: FillerOptions, dependencies: { registry: FileRegistry }) {
    this.options = options;
    this.registry = dependencies.registry;
  }

  /** One message init per oneof case (variant k sets the k-th case of every oneof); pass to create(). */
  variants(desc: DescMessage): Record<string, unknown>[] {
    const count = Math.max(1, ...desc.oneofs.map((o) => o.fields.length));
    return Array.from({ length: count }, (_, k) => this.message(desc, k, []));
  }

  private message(desc: DescMessage, variant: number, path: string[]): Record<string, unknown> {
    switch (desc.typeName) {
      case "google.protobuf.Any":
        return this.any(path);
      // valid well-known values (toJson rejects negative nanos and out-of-range seconds)
      case "google.protobuf.Timestamp":
        return { seconds: BigInt(1_700_000_000 + this.next()), nanos: this.next() };
      case "google.protobuf.Duration":
        return { seconds: BigInt(this.next()), nanos: this.next() };
      case "google.protobuf.FileDescriptorProto":
        return this.fileDescriptor();
    }
    const init: Record<string, unknown> = {};
    const inner = [...path, desc.typeName];
    for (const field of desc.fields) {
      if (field.oneof) continue;
      const value = this.field(field, inner);
      if (value !== undefined) init[field.localName] = value;
    }
    for (const oneof of desc.oneofs) {
      const field = oneof.fields[variant % oneof.fields.length];
      const value = this.single(field, inner);
      if (value !== undefined) init[oneof.localName] = { case: field.localName, value };
    }
    return init;
  }

  private field(field: DescField, path: string[]): unknown {
    if (field.fieldKind === "map") throw new Error(`${field.parent.typeName}.${field.name}: maps are not filled`);
    if (field.fieldKind !== "list") return this.single(field, path);
    const item = () =>
      field.listKind === "scalar"
        ? this.scalar(field.scalar)
        : field.listKind === "enum"
          ? this.enumValue(field.enum.values.map((v) => v.number))
          : this.nested(field.message, path);
    const items = [item(), item()].filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }

  private single(field: DescField, path: string[]): unknown {
    switch (field.fieldKind) {
      case "scalar":
        return this.scalar(field.scalar);
      case "enum":
        return this.enumValue(field.enum.values.map((v) => v.number));
      case "message":
        return this.nested(field.message, path);
      default:
        throw new Error(`unexpected field kind of ${field.name}`);
    }
  }

  /** Recursive types (ModeInfo.Multi, SignatureDescriptor.Data.Multi) stop at their second level. */
  private nested(desc: DescMessage, path: string[]): Record<string, unknown> | undefined {
    if (path.filter((t) => t === desc.typeName).length >= 2) return undefined;
    return this.message(desc, this.n, path);
  }

  private enumValue(numbers: number[]): number {
    const nonZero = numbers.filter((v) => v !== 0);
    return nonZero[this.next() % nonZero.length];
  }

  /**
   * Signed integers are negative and unsigned ones have their top bit set, so a signed/unsigned mix-up
   * (same varint bytes) shows in the decoded values; 64-bit ones use both 32-bit words.
   */
  private scalar(type: ScalarType): unknown {
    const n = this.next();
    switch (type) {
      case ScalarType.STRING:
        return `s${n}`;
      case ScalarType.BYTES:
        return new Uint8Array([n & 0xff, (n >> 8) & 0xff, 0xfe]);
      case ScalarType.BOOL:
        return true;
      case ScalarType.INT32:
      case ScalarType.SINT32:
      case ScalarType.SFIXED32:
        return -n;
      case ScalarType.UINT32:
      case ScalarType.FIXED32:
        return 2 ** 31 + n;
      case ScalarType.INT64:
      case ScalarType.SINT64:
      case ScalarType.SFIXED64:
        return -(2n ** 32n + BigInt(n));
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return 2n ** 63n + BigInt(n);
      default:
        return n + 0.5;
    }
  }

  private any(path: string[]): Record<string, unknown> {
    const content = this.registry.getMessage(this.options.anyContent);
    assert.ok(content, `${this.options.anyContent} is declared`);
    const init = this.message(content, this.n, [...path, "google.protobuf.Any"]);
    return { typeUrl: `/${content.typeName}`, value: toBinary(content, create(content, init)) };
  }

  /**
   * A small proto3 file with one repeated field. descriptor.proto is proto2 and cosmjs-types' codec for
   * it is lossy (it drops LABEL_OPTIONAL, its first enum value, as if it were a default).
   */
  private fileDescriptor(): Record<string, unknown> {
    const n = this.next();
    return {
      name: `f${n}.proto`,
      package: `p${n}`,
      dependency: ["google/protobuf/any.proto"],
      messageType: [{ name: `M${n}`, field: [{ name: "a_b", number: 1, label: 3, type: 9, jsonName: "aB" }] }],
      syntax: "proto3",
    };
  }

  private next(): number {
    this.n += 1;
    return this.n;
  }
}

// Any ({"@type"...} vs {typeUrl, value}), Timestamp (a string each, formatted differently), Duration
// ("1.5s" vs {seconds, nanos}) and descriptors differ in shape: only their keys are compared.
const LEAF_TYPES = new Set([
  "google.protobuf.Any",
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FileDescriptorProto",
]);

/**
 * The key paths of a JSON value, with the value of every scalar leaf ("authInfo.fee.gasLimit=\"…\"").
 * It descends only into the messages both sides write as plain objects.
 */
export function jsonLeaves(
  desc: DescMessage,
  json: unknown,
  ignore: Record<string, string[]> = {},
  prefix = "",
  out = new Set<string>(),
): Set<string> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return out;
  const byJsonName = new Map(desc.fields.map((f) => [f.jsonName, f]));
  const ignored = ignore[desc.typeName] ?? [];
  for (const [key, value] of Object.entries(json)) {
    if (ignored.includes(key)) continue;
    const path = `${prefix}${key}`;
    out.add(path);
    const field = byJsonName.get(key);
    if (field?.message && LEAF_TYPES.has(field.message.typeName)) continue;
    (Array.isArray(value) ? value : [value]).forEach((item, i) => {
      const at = Array.isArray(value) ? `${path}[${i}]` : path;
      if (field?.message) jsonLeaves(field.message, item, ignore, `${at}.`, out);
      else out.add(`${at}=${JSON.stringify(item)}`);
    });
  }
  return out;
}

export interface CosmjsCheckOptions {
  /**
   * the file declares only the upstream messages we use (e.g. the CometBFT subset): each one must exist
   * in cosmjs-types, but not every cosmjs-types message needs a declaration
   */
  subset?: boolean;
  /** type name → JSON keys cosmjs-types may write that our declaration does not have */
  cosmjsOnlyJsonKeys?: Record<string, string[]>;
  /** messages whose re-encoded bytes need only decode to the same message (not the same bytes) */
  sameMessageOnly?: ReadonlySet<string>;
}

/**
 * Asserts that the file declares exactly the messages of its cosmjs-types module (or some of them, with
 * `subset`) and that each of them,
 * filled in every oneof variant, matches cosmjs-types in bytes, decoded values and JSON. Returns the
 * number of messages checked.
 */
export function assertFileMatchesCosmjs(
  fileName: string,
  options: CosmjsCheckOptions,
  dependencies: { registry: FileRegistry; filler: DeclarationFiller },
): number {
  const { registry, filler } = dependencies;
  const module = cosmjsModule(fileName);
  const messages = declaredMessages(declaredFile(registry, fileName));
  const upstream = Object.keys(module).filter((k) => isCodec(module[k]));
  const declared = messages.map(exportName).sort();
  const expected = options.subset ? declared.filter((name) => upstream.includes(name)) : upstream.sort();
  assert.deepEqual(declared, expected, `${fileName}: the same messages as upstream`);
  for (const desc of messages) {
    const codec = module[exportName(desc)];
    assert.ok(isCodec(codec), `cosmjs-types has ${desc.typeName}`);
    for (const init of filler.variants(desc)) {
      const message = create(desc, init);
      const bytes = toBinary(desc, message);
      if (desc.fields.length > 0) assert.ok(bytes.length > 0, `${desc.typeName} encodes its fields`);
      const decoded = codec.decode(bytes) as Record<string, unknown>;
      const reencoded = codec.encode(decoded).finish();
      if (options.sameMessageOnly?.has(desc.typeName)) {
        assert.ok(
          equals(desc, fromBinary(desc, reencoded), message),
          `${desc.typeName}: cosmjs-types keeps the message`,
        );
      } else {
        assert.deepEqual(reencoded, bytes, `${desc.typeName}: cosmjs-types re-encodes the same bytes`);
      }
      for (const field of desc.fields) {
        if (field.oneof || field.message) continue; // messages are checked as their own type
        const ours = (message as Record<string, unknown>)[field.localName];
        assert.deepEqual(decoded[field.localName], ours, `${desc.typeName}.${field.name} decodes to the same value`);
      }
      const ours = jsonLeaves(desc, toJson(desc, message, { registry, alwaysEmitImplicit: true }) as JsonValue);
      const theirs = jsonLeaves(desc, codec.toJSON(decoded), options.cosmjsOnlyJsonKeys);
      assert.deepEqual([...ours].sort(), [...theirs].sort(), `${desc.typeName}: JSON names and values`);
    }
  }
  return messages.length;
}

/**
 * Asserts that every enum of the file has the value names and numbers of its cosmjs-types export
 * (ts-proto adds UNRECOGNIZED = -1). Returns the type names of the enums checked.
 */
export function assertEnumsMatchCosmjs(fileName: string, dependencies: { registry: FileRegistry }): string[] {
  const file = declaredFile(dependencies.registry, fileName);
  const module = cosmjsModule(fileName);
  for (const desc of file.enums) {
    const theirs = Object.entries((module[desc.name] ?? {}) as Record<string, unknown>).filter(
      ([key, value]) => typeof value === "number" && key !== "UNRECOGNIZED",
    );
    assert.deepEqual(
      desc.values.map((v) => [v.name, v.number]),
      theirs,
      desc.typeName,
    );
  }
  return file.enums.map((e) => e.typeName);
}
