// CometBFT's event query language (libs/pubsub/query): conditions joined by AND, e.g.
//   tm.event = 'Tx' AND transfer.sender = 'dgrid1...' AND tx.height >= 5
// Operators =, <, <=, >, >=, CONTAINS, EXISTS; operands 'strings', numbers, TIME <rfc3339>, DATE <yyyy-mm-dd>.
// A condition holds when ANY value of its composite key satisfies it; numbers compare numerically
// (exact decimal arithmetic), strings lexically, times by instant.
import type { EventAttributes } from "../events/event-bus.ts";
import { parseRfc3339 } from "../types/time.ts";

export class QuerySyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuerySyntaxError";
  }
}

export type Operator = "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";

export type Operand =
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "time"; value: bigint; text: string }
  | { kind: "date"; value: bigint; text: string };

export interface Condition {
  tag: string;
  op: Operator;
  /** Absent for EXISTS. */
  operand?: Operand;
}

export class Query {
  constructor(readonly conditions: readonly Condition[]) {}

  toString(): string {
    return this.conditions.map(conditionToString).join(" AND ");
  }
}

function conditionToString(c: Condition): string {
  if (c.op === "EXISTS" || !c.operand) return `${c.tag} EXISTS`;
  const o = c.operand;
  const arg =
    o.kind === "string"
      ? `'${o.value}'`
      : o.kind === "number"
        ? o.value
        : `${o.kind === "time" ? "TIME" : "DATE"} ${o.text}`;
  return `${c.tag} ${c.op} ${arg}`;
}

// ---- Lexer ----

type Token =
  | { t: "tag"; v: string; pos: number }
  | { t: "string"; v: string; pos: number }
  | { t: "number"; v: string; pos: number }
  | { t: "op"; v: Operator; pos: number }
  | { t: "kw"; v: "AND" | "TIME" | "DATE"; pos: number }
  | { t: "word"; v: string; pos: number };

const TAG_CHAR = /[A-Za-z0-9._\-/:@+]/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const MAX_QUERY_LENGTH = 512 * 1024;

function lex(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const pos = i;
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new QuerySyntaxError(`unterminated string at position ${pos}`);
      out.push({ t: "string", v: input.slice(i + 1, end), pos });
      i = end + 1;
      continue;
    }
    if (ch === "=") {
      out.push({ t: "op", v: "=", pos });
      i++;
      continue;
    }
    if (ch === "<" || ch === ">") {
      const eq = input[i + 1] === "=";
      out.push({ t: "op", v: (eq ? `${ch}=` : ch) as Operator, pos });
      i += eq ? 2 : 1;
      continue;
    }
    if (TAG_CHAR.test(ch)) {
      let j = i;
      while (j < input.length && TAG_CHAR.test(input[j] as string)) j++;
      const word = input.slice(i, j);
      i = j;
      if (word === "AND" || word === "TIME" || word === "DATE") out.push({ t: "kw", v: word, pos });
      else if (word === "CONTAINS" || word === "EXISTS") out.push({ t: "op", v: word, pos });
      else if (NUMBER.test(word)) out.push({ t: "number", v: word, pos });
      else out.push({ t: "tag", v: word, pos });
      continue;
    }
    throw new QuerySyntaxError(`unexpected character ${JSON.stringify(ch)} at position ${pos}`);
  }
  return out;
}

// ---- Parser ----

/** Parses a query; throws QuerySyntaxError with the position of the problem. */
export function parseQuery(input: string): Query {
  if (typeof input !== "string") throw new QuerySyntaxError("query must be a string");
  if (input.length > MAX_QUERY_LENGTH) throw new QuerySyntaxError("query is too long");
  const toks = lex(input);
  if (toks.length === 0) throw new QuerySyntaxError("query is empty");
  const conditions: Condition[] = [];
  let i = 0;
  const describe = (t: Token | undefined) => (t ? `${JSON.stringify(t.v)} at position ${t.pos}` : "end of query");
  for (;;) {
    const tag = toks[i++];
    if (!tag || (tag.t !== "tag" && tag.t !== "number"))
      throw new QuerySyntaxError(`expected a tag, got ${describe(tag)}`);
    const op = toks[i++];
    if (op?.t !== "op") throw new QuerySyntaxError(`expected an operator after ${tag.v}, got ${describe(op)}`);
    if (op.v === "EXISTS") {
      conditions.push({ tag: tag.v, op: "EXISTS" });
    } else {
      const arg = toks[i++];
      let operand: Operand;
      if (arg?.t === "string") operand = { kind: "string", value: arg.v };
      else if (arg?.t === "number") operand = { kind: "number", value: arg.v };
      else if (arg?.t === "kw" && (arg.v === "TIME" || arg.v === "DATE")) {
        const lit = toks[i++];
        if (!lit || (lit.t !== "tag" && lit.t !== "number")) {
          throw new QuerySyntaxError(`expected a ${arg.v.toLowerCase()} after ${arg.v}, got ${describe(lit)}`);
        }
        operand = arg.v === "TIME" ? timeOperand(lit.v, lit.pos) : dateOperand(lit.v, lit.pos);
      } else throw new QuerySyntaxError(`expected an operand after ${tag.v} ${op.v}, got ${describe(arg)}`);
      if (op.v === "CONTAINS" && operand.kind !== "string") {
        throw new QuerySyntaxError(`CONTAINS needs a string operand (${tag.v})`);
      }
      conditions.push({ tag: tag.v, op: op.v, operand });
    }
    const next = toks[i++];
    if (!next) break;
    if (next.t !== "kw" || next.v !== "AND") throw new QuerySyntaxError(`expected AND, got ${describe(next)}`);
  }
  return new Query(conditions);
}

function timeOperand(text: string, pos: number): Operand {
  const ns = parseTimeNs(text);
  if (ns === undefined) throw new QuerySyntaxError(`invalid TIME ${JSON.stringify(text)} at position ${pos}`);
  return { kind: "time", value: ns, text };
}

function dateOperand(text: string, pos: number): Operand {
  const ns = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseTimeNs(`${text}T00:00:00Z`) : undefined;
  if (ns === undefined) throw new QuerySyntaxError(`invalid DATE ${JSON.stringify(text)} at position ${pos}`);
  return { kind: "date", value: ns, text };
}

function parseTimeNs(text: string): bigint | undefined {
  const t = parseRfc3339(text) ?? (/^\d{4}-\d{2}-\d{2}$/.test(text) ? parseRfc3339(`${text}T00:00:00Z`) : undefined);
  return t ? t.seconds * 1_000_000_000n + BigInt(t.nanos) : undefined;
}

// ---- Matching ----

/** Exact comparison of two decimal strings (-1, 0, 1). */
export function compareDecimal(a: string, b: string): number {
  const [ai, af = ""] = a.split(".") as [string, string?];
  const [bi, bf = ""] = b.split(".") as [string, string?];
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai.replace("-", "") + af.padEnd(scale, "0")) * (ai.startsWith("-") ? -1n : 1n);
  const y = BigInt(bi.replace("-", "") + bf.padEnd(scale, "0")) * (bi.startsWith("-") ? -1n : 1n);
  return x === y ? 0 : x < y ? -1 : 1;
}

function holds(op: Operator, cmp: number): boolean {
  switch (op) {
    case "=":
      return cmp === 0;
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    default:
      return false;
  }
}

export function matchValue(c: Condition, value: string): boolean {
  const o = c.operand;
  if (c.op === "EXISTS") return true;
  if (!o) return false;
  switch (o.kind) {
    case "string":
      if (c.op === "CONTAINS") return value.includes(o.value);
      return holds(c.op, value === o.value ? 0 : value < o.value ? -1 : 1);
    case "number":
      if (!NUMBER.test(value)) return false;
      return holds(c.op, compareDecimal(value, o.value));
    case "time":
    case "date": {
      const ns = parseTimeNs(value);
      if (ns === undefined) return false;
      return holds(c.op, ns === o.value ? 0 : ns < o.value ? -1 : 1);
    }
  }
}

export function matchCondition(c: Condition, attributes: EventAttributes): boolean {
  const values = attributes.get(c.tag);
  if (!values || values.length === 0) return false;
  return values.some((v) => matchValue(c, v));
}

/** True when every condition holds for the attribute map. */
export function matchQuery(query: Query, attributes: EventAttributes): boolean {
  return query.conditions.every((c) => matchCondition(c, attributes));
}
