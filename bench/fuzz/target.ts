// What a fuzz target is: an input generator (fast-check arbitrary) and a driver that pushes one
// input through the real production code path. The driver returns when the code accepted the input
// or refused it the way the surface promises (a registered error code, a JSON-RPC error object, a
// clean 4xx); anything else is a crash, reported by throwing FuzzCrash (or any other exception).
import type fc from "fast-check";
import { CodedError, RegisteredError } from "../../chain/errors/errors.ts";

export interface FuzzInstance<T> {
  /** Resolves when `input` was accepted or cleanly refused; throws when it found a crash. */
  run(input: T): Promise<void>;
  /** Counters worth printing (accepted, refused, ...). */
  stats(): Record<string, number>;
  close(): Promise<void>;
}

export interface FuzzTarget<T> {
  name: string;
  /** one line: the surface and what counts as a crash */
  description: string;
  arbitrary(): fc.Arbitrary<T>;
  /** Builds the in-process system under test (an app, a server, a sandbox). */
  open(): Promise<FuzzInstance<T>>;
  /** A JSON form of an input, for the counterexample file. */
  toJson(input: T): unknown;
}

/** An input the code under test mishandled: it threw, crashed or answered outside its contract. */
export class FuzzCrash extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FuzzCrash";
  }
}

/** JS engine errors: a bug's signature, never a deliberate refusal (those are Error or a registered code). */
const ENGINE_ERRORS: readonly (new (...args: any[]) => Error)[] = [
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
];

/** protobuf readers (cosmjs-types, ts-proto, protobufjs) refuse truncated input with a RangeError */
const PROTOBUF_REFUSAL = /^(premature EOF|index out of range|invalid wire type|illegal tag|invalid varint)/;

export function isEngineError(e: unknown): boolean {
  if (e instanceof RangeError && PROTOBUF_REFUSAL.test(e.message)) return false;
  return ENGINE_ERRORS.some((c) => e instanceof c);
}

/** A refusal by registered error (CodedError / RegisteredError). */
export function isRegistered(e: unknown): boolean {
  return e instanceof CodedError || e instanceof RegisteredError;
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `non-Error thrown: ${String(e)}`;
}

/** Counts named outcomes. */
export class Counters {
  private readonly values = new Map<string, number>();
  add(name: string, n = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + n);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
