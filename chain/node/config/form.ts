// One written form of the config (config.toml, app.toml or the JSON config.json): its keys, the
// TypeBox schema built from them (unknown keys refused, each key with its default and description),
// the check of a parsed file against it with every problem named by its dotted key, and the
// conversion into NodeConfig.
import { type TSchema, Type } from "typebox";
import { Settings } from "typebox/system";
import { Errors } from "typebox/value";
import { type ConfigFile, type ConfigKey, type Field, fieldEntries } from "./fields.ts";
import { closestKey } from "./suggest.ts";

export interface FormKey {
  /** the dotted key as written in this form ("rpc.max_body_bytes", "rpc.maxBodyBytes") */
  key: string;
  /** the key's path in NodeConfig */
  path: ConfigKey;
  field: Field<unknown>;
}

export interface Form {
  /** "config.toml", "app.toml" or "config.json" */
  name: ConfigFile | "config.json";
  keys: FormKey[];
  /** "a table" (TOML) or "an object" (JSON): what a section must be */
  section: string;
  schemaOf(field: Field<unknown>): TSchema;
  expectedOf(field: Field<unknown>): string;
  convert(field: Field<unknown>, value: unknown): unknown;
}

export function tomlForm(file: ConfigFile): Form {
  const keys = fieldEntries().flatMap(([path, field]) =>
    field.toml?.file === file ? [{ key: field.toml.key, path, field }] : [],
  );
  return {
    name: file,
    keys,
    section: "a table",
    schemaOf: (f) => f.kind.toml,
    expectedOf: (f) => f.kind.expected,
    convert: (f, v) => f.kind.fromToml(v),
  };
}

export function jsonForm(): Form {
  return {
    name: "config.json",
    keys: fieldEntries().map(([path, field]) => ({ key: path, path, field })),
    section: "an object",
    schemaOf: (f) => f.kind.json,
    expectedOf: (f) => f.kind.expectedJson ?? f.kind.expected,
    convert: (f, v) => f.kind.fromJson(v),
  };
}

/** A problem with one key of one file. */
export interface ConfigIssue {
  file: string;
  key: string;
  message: string;
}

/** Thrown by loadConfig: every problem found, each naming its file and key. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `invalid node config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${issues
        .map((i) => `  ${i.file}: ${i.key ? `${i.key}: ` : ""}${i.message}`)
        .join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

interface SchemaNode {
  schema?: TSchema;
  children: Map<string, SchemaNode>;
}

/** The form's schema: nested objects, every key optional, none but the known ones allowed. */
export function formSchema(form: Form): TSchema {
  const root: SchemaNode = { children: new Map() };
  for (const { key, field } of form.keys) {
    let node = root;
    for (const part of key.split(".")) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { children: new Map() }));
      node = child;
    }
    node.schema = { ...form.schemaOf(field), default: field.default, description: field.doc } as TSchema;
  }
  const build = (node: SchemaNode): TSchema =>
    node.schema ??
    Type.Object(Object.fromEntries([...node.children].map(([name, child]) => [name, Type.Optional(build(child))])), {
      additionalProperties: false,
    });
  return build(root);
}

const describe = (v: unknown): string => {
  if (v instanceof Date) return "a date";
  if (Array.isArray(v)) return "a list";
  if (v !== null && typeof v === "object") return "a table";
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const at = (value: unknown, parts: string[]): unknown =>
  parts.reduce<unknown>(
    (v, p) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined),
    value,
  );

/** Every problem of `value` (a parsed file) against the form; `file` names it in the issues. */
export function checkForm(form: Form, schema: TSchema, value: unknown, file: string): ConfigIssue[] {
  const known = form.keys.map((k) => k.key);
  const sections = [...new Set(known.filter((k) => k.includes(".")).map((k) => k.slice(0, k.indexOf("."))))];
  const issues = new Map<string, string>();
  const unknownKey = (key: string) => {
    const near = closestKey(key, [...known, ...sections]);
    issues.set(key, `unknown key${near ? ` (did you mean "${near}"?)` : ""}`);
  };
  const errors = Errors(schema, value);
  for (const e of errors) {
    const parts = e.instancePath
      .split("/")
      .slice(1)
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (e.keyword === "additionalProperties") {
      for (const name of (e.params as { additionalProperties: string[] }).additionalProperties)
        unknownKey([...parts, name].join("."));
      continue;
    }
    if (e.schemaPath.endsWith("/additionalProperties")) {
      unknownKey(parts.join("."));
      continue;
    }
    // the key itself, or the list holding a wrong item
    const owner = form.keys.find((k) => parts.join(".") === k.key || parts.join(".").startsWith(`${k.key}.`));
    const key = owner ? owner.key : parts.join(".");
    if (issues.has(key)) continue;
    const got = describe(at(value, key ? key.split(".") : []));
    issues.set(key, `expected ${owner ? form.expectedOf(owner.field) : form.section}, got ${got}`);
  }
  // TypeBox stops collecting at its maxErrors (8): say so rather than pretend these are all
  if (errors.length >= Settings.Get().maxErrors) issues.set("", "there may be more problems: fix these and run again");
  return [...issues].map(([key, message]) => ({ file, key, message }));
}

/**
 * Sets every key the file gives into `config`, but those in `skip` (already found wrong by
 * checkForm); conversion failures become issues.
 */
export function readForm(form: Form, value: unknown, config: object, file: string, skip: Set<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { key, path, field } of form.keys) {
    const v = at(value, key.split("."));
    if (v === undefined || skip.has(key)) continue;
    try {
      const parts = path.split(".");
      const parent = at(config, parts.slice(0, -1)) as Record<string, unknown>;
      parent[parts[parts.length - 1]] = form.convert(field, v);
    } catch (e) {
      issues.push({ file, key, message: `expected ${form.expectedOf(field)}: ${(e as Error).message}` });
    }
  }
  return issues;
}
