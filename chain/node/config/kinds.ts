// The kinds of value a config key can hold: for each, its TypeBox schema in the TOML files and in the
// JSON form, the conversion to the in-memory NodeConfig value, and how it is written back as TOML.
import { type TSchema, Type } from "typebox";

export interface Kind<V> {
  /** What a valid value looks like, for error messages ("an integer >= 0"). */
  readonly expected: string;
  /** The same for the JSON form, where it differs. */
  readonly expectedJson?: string;
  /** Schema of the value in config.toml / app.toml. */
  readonly toml: TSchema;
  /** Schema of the value in the JSON form (`config.json`, the in-memory shape). */
  readonly json: TSchema;
  /** A TOML value that passed `toml`, as the in-memory value; throws what the schema cannot say. */
  fromToml(value: unknown): V;
  /** A JSON value that passed `json`, as the in-memory value. */
  fromJson(value: unknown): V;
  /** The in-memory value as TOML source text. */
  toToml(value: V): string;
}

/** A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too). */
export function tomlString(s: string): string {
  return JSON.stringify(s).replace(/\x7f/g, "\\u007f");
}

const same = <V>(v: unknown) => v as V;

export const str: Kind<string> = {
  expected: "a string",
  toml: Type.String(),
  json: Type.String(),
  fromToml: same,
  fromJson: same,
  toToml: tomlString,
};

export const bool: Kind<boolean> = {
  expected: "true or false",
  toml: Type.Boolean(),
  json: Type.Boolean(),
  fromToml: same,
  fromJson: same,
  toToml: String,
};

export function int(minimum = 0): Kind<number> {
  return {
    expected: `an integer >= ${minimum}`,
    toml: Type.Integer({ minimum }),
    json: Type.Integer({ minimum }),
    fromToml: same,
    fromJson: same,
    toToml: String,
  };
}

/** An integer the SDK writes quoted in app.toml (`pruning-keep-recent = "0"`): both forms are read. */
export const uintOrDigits: Kind<number> = {
  expected: 'an integer >= 0 (or its digits quoted, "0")',
  expectedJson: "an integer >= 0",
  toml: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: "^[0-9]+$" })]),
  json: Type.Integer({ minimum: 0 }),
  fromToml: (v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new Error(`${v} is too large`);
    return n;
  },
  fromJson: same,
  toToml: String,
};

export function oneOf<const T extends string>(values: readonly T[]): Kind<T> {
  const schema = Type.Union(values.map((v) => Type.Literal(v)));
  return {
    expected: `one of ${values.map((v) => `"${v}"`).join(", ")}`,
    toml: schema,
    json: schema,
    fromToml: same,
    fromJson: same,
    toToml: tomlString,
  };
}

/** A list of strings that each match `pattern` (described as `what`): `["a", "b"]`. */
export function listOf(pattern: string | undefined, what: string): Kind<string[]> {
  const item = pattern === undefined ? Type.String() : Type.String({ pattern });
  return {
    expected: `a list of ${what}`,
    toml: Type.Array(item),
    json: Type.Array(item),
    fromToml: (v) => [...(v as string[])],
    fromJson: (v) => [...(v as string[])],
    toToml: (v) => `[${v.map(tomlString).join(", ")}]`,
  };
}

/** A list of any strings. */
export const list: Kind<string[]> = listOf(undefined, "strings");

const splitList = (v: unknown): string[] =>
  (typeof v === "string" ? v.split(",") : (v as string[])).map((s) => s.trim()).filter((s) => s !== "");

/**
 * Peer addresses ("id@host:port"): one comma-separated string as CometBFT writes it, or a list; held
 * in memory as a list.
 */
export const peers: Kind<string[] | string> = {
  expected: 'a comma-separated string ("id@host:port,...") or a list of strings',
  toml: Type.Union([Type.String(), Type.Array(Type.String())]),
  json: Type.Union([Type.String(), Type.Array(Type.String())]),
  fromToml: splitList,
  fromJson: splitList,
  toToml: (v) => tomlString(splitList(v).join(",")),
};

// Go's time.Duration text (what CometBFT writes: "3s", "500ms", "1m30s"), exact in nanoseconds.
const UNIT_NS: Record<string, bigint> = {
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  µs: 1_000n,
  ns: 1n,
};
const DURATION_PART = /([0-9]+)(?:\.([0-9]+))?(h|ms|m|s|us|µs|ns)/y;
const DURATION_PATTERN = "^(0|([0-9]+(\\.[0-9]+)?(h|ms|m|s|us|µs|ns))+)$";

/** "1m30s" / "500ms" / "0" -> milliseconds; throws unless a whole number of milliseconds. */
export function parseDuration(text: string): number {
  if (text === "0") return 0;
  let ns = 0n;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const m = DURATION_PART.exec(text);
    if (!m) throw new Error(`"${text}" is not a duration`);
    const unit = UNIT_NS[m[3]];
    const frac = m[2] ?? "";
    ns += BigInt(m[1]) * unit + (BigInt(frac || "0") * unit) / 10n ** BigInt(frac.length);
  }
  if (ns % 1_000_000n !== 0n) throw new Error(`"${text}" is not a whole number of milliseconds`);
  const ms = ns / 1_000_000n;
  if (ms > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`"${text}" is too long`);
  return Number(ms);
}

/** Milliseconds as CometBFT would write them: "3s", "900ms". */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A duration: in TOML "3s" / "500ms" (or integer milliseconds), in the JSON form integer milliseconds. */
export const duration: Kind<number> = {
  expected: 'a duration ("3s", "500ms") or integer milliseconds',
  expectedJson: "integer milliseconds",
  toml: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })]),
  json: Type.Integer({ minimum: 0 }),
  fromToml: (v) => (typeof v === "number" ? v : parseDuration(v as string)),
  fromJson: same,
  toToml: (ms) => tomlString(formatDuration(ms)),
};
