// A Msg inside a Msg (a MsgExec's msgs, a gov v1 proposal's messages) in legacy amino JSON: the Any
// becomes {type: the inner Msg's amino name, value: its amino JSON}, converted by the converter of
// its own type (SDK v0.50 aminojson). The converters are CosmJS's defaults and every one the client
// ships (amino-converters.ts: a MsgExec of a MsgGrant, ...); they are gathered on first use, as some
// of those files use this one.
import { Registry } from "@cosmjs/proto-signing";
import {
  type AminoConverter,
  type AminoConverters,
  createDefaultAminoConverters,
  defaultRegistryTypes,
} from "@cosmjs/stargate";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { clientAminoConverters } from "./amino-converters.ts";
import { type AminoAny, aminoAny } from "./amino-json.ts";
import { dgridMsgTypes } from "./dgrid-types.ts";

let inner: { registry: Registry; byType: Map<string, AminoConverter>; converters: AminoConverters } | undefined;
function types() {
  if (!inner) {
    const converters: AminoConverters = { ...createDefaultAminoConverters(), ...clientAminoConverters() };
    // amino name -> the converter, with the type URL in place of its amino name
    const byType = new Map<string, AminoConverter>();
    for (const [typeUrl, c] of Object.entries(converters)) if (c) byType.set(c.aminoType, { ...c, aminoType: typeUrl });
    inner = { registry: new Registry([...defaultRegistryTypes, ...dgridMsgTypes]), byType, converters };
  }
  return inner;
}

/** The amino {type, value} of a packed Msg; throws (naming `path`) when its type has no amino form. */
export function msgAnyToAmino(any: Any, path: string): AminoAny {
  const { registry, converters } = types();
  const c = Object.hasOwn(converters, any.typeUrl) ? converters[any.typeUrl] : undefined;
  if (!c) throw new Error(`amino JSON: ${path}: ${any.typeUrl} has no amino form`);
  return { type: c.aminoType, value: c.toAmino(registry.decode(any)) };
}

/** The packed Msg of an amino {type, value}; throws (naming `path`) for an unknown amino name. */
export function msgAnyFromAmino(json: unknown, path: string): Any {
  const { registry, byType } = types();
  const j = aminoAny(json, path);
  const c = byType.get(j.type);
  if (!c) throw new Error(`amino JSON: ${path}: unknown type ${j.type}`);
  return registry.encodeAsAny({ typeUrl: c.aminoType, value: c.fromAmino(j.value) });
}

/**
 * A repeated Msg field (a MsgExec's msgs, a proposal's messages) in amino JSON: each Any converted,
 * the field left out when empty (repeated Any without dont_omitempty). `name` names it in errors.
 */
export function msgListToAmino(anys: readonly Any[], name: string): AminoAny[] | undefined {
  return anys.length > 0 ? anys.map((any, i) => msgAnyToAmino(any, `${name}[${i}]`)) : undefined;
}

/** The packed Msgs of a repeated Msg field in amino JSON (absent: none); throws for a non-array. */
export function msgListFromAmino(json: unknown, name: string): Any[] {
  const list = json ?? [];
  if (!Array.isArray(list)) throw new Error(`amino JSON: ${name}: expected an array`);
  return list.map((j, i) => msgAnyFromAmino(j, `${name}[${i}]`));
}
