// JSON-RPC requests and URI params through the RPC server's fastify handler (chain/rpc, driven with
// fastify's inject: routing, body parsing, param decoding and the method table, no socket) over the
// in-memory FakeBackend of test/rpc. Inputs: structured JSON-RPC requests (every method, named and
// positional params of every JSON type and edge value, odd ids, batches), mutated request text,
// random text, and GET /method?query with odd values and escapes.
// Crash: an answer that is not a JSON-RPC response (or a clean 4xx text answer of an unknown URI
// route), a 5xx without a JSON-RPC error body, a JS engine error (TypeError, RangeError, ...) out
// of a method handler, or an Internal error (-32603) that no handler threw (bad params must be -32602).
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { EventBus } from "../../../chain/events/event-bus.ts";
import { INTERNAL_ERROR } from "../../../chain/rpc/errors.ts";
import { METHODS, type RpcMethod } from "../../../chain/rpc/methods.ts";
import { RpcServer } from "../../../chain/rpc/server.ts";
import { FakeBackend } from "../../../test/rpc/fake-backend.ts";
import { Counters, describeError, FuzzCrash, type FuzzInstance, type FuzzTarget, isEngineError } from "../target.ts";

type RpcInput = { kind: "post"; body: string } | { kind: "get"; url: string };

const METHOD_NAMES = Object.keys(METHODS).sort();
const PARAM_NAMES = [...new Set(Object.values(METHODS).flatMap((m) => m.params.map((p) => p.name)))].sort();

const edgeNumbers = fc.constantFrom(0, -1, 1, 2, 3, 5, 6, 1e21, -1e21, 2 ** 53, 2 ** 63, 0.5, -0.0, 1e-7, 4294967296);
const edgeStrings = fc.constantFrom(
  "",
  "0",
  "-1",
  "1",
  "3",
  "9223372036854775807",
  "9223372036854775808",
  "18446744073709551616",
  "1e3",
  "0x10",
  " 1",
  "true",
  "null",
  "0x",
  "0xZZ",
  "0xABCDEF",
  "AA==",
  "=",
  "tx.height=3",
  "tm.event='Tx' AND tx.height>1",
  "message.sender='dgrid1sender0'",
  "/store/bank/key",
  "/cosmos.bank.v1beta1.Query/Balance",
  "asc",
  "desc",
  "\u0000",
  "\ud800",
  "'",
  '"',
);
const hexString = fc.uint8Array({ maxLength: 40 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
const b64String = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString("base64"));

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  edgeNumbers,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  edgeStrings,
  hexString,
  b64String,
  fc.string({ maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PARAM_NAMES, "x"), leaf, { maxKeys: 3 }) },
);

const params: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...PARAM_NAMES), value, { maxKeys: 5 }) },
  { weight: 2, arbitrary: fc.array(value, { maxLength: 5 }) },
  { weight: 1, arbitrary: leaf },
);

const id = fc.oneof(
  { weight: 6, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 1.5, true, [], {}, Number.MAX_VALUE) },
);

const request: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    jsonrpc: fc.constantFrom("2.0", "2.0", "2.0", "1.0", 2),
    id,
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...METHOD_NAMES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    ),
    params,
  },
  { requiredKeys: ["jsonrpc", "method"] },
);

const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: request.map((r) => JSON.stringify(r)) },
  {
    weight: 2,
    arbitrary: fc.array(fc.oneof(request, leaf), { minLength: 0, maxLength: 12 }).map((b) => JSON.stringify(b)),
  },
  // mutated request text: a character replaced, cut or inserted
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        request.map((r) => JSON.stringify(r)),
        fc.nat(),
        fc.nat({ max: 8 }),
        fc.string({ unit: "binary", maxLength: 4 }),
      )
      .map(([t, at, cut, ins]) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + ins + t.slice(i + cut);
      }),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
);

/** encodeURIComponent, with lone surrogates (which it refuses) sent as a raw bad escape instead. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80";
  }
}

/** URI query values as CometBFT's URI form takes them, and malformed ones (bad escapes, raw bytes). */
const uriValue: fc.Arbitrary<string> = fc.oneof(
  leaf.map((v) => encode(String(v))),
  leaf.map((v) => encode(JSON.stringify(v) ?? "")),
  hexString,
  fc.constantFrom("%", "%Z", "%ZZ", "%00", "%FF", "%22", "%22%22", "%22abc", "abc%22", "+", "&", "=", "[]", "a=b"),
  fc.string({ maxLength: 16 }).map((s) => s.replace(/[#\s]/g, "")),
);

const getUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...METHOD_NAMES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map(encode) },
    ),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAM_NAMES), fc.constantFrom("x", "", "height[]")), uriValue), {
      maxLength: 5,
    }),
  )
  .map(([m, q]) => `/${m}${q.length > 0 ? "?" : ""}${q.map(([k, v]) => `${k}=${v}`).join("&")}`);

function isRpcResponse(x: unknown): boolean {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const r = x as Record<string, unknown>;
  if (r.jsonrpc !== "2.0" || !("id" in r)) return false;
  if ("error" in r) {
    const e = r.error as Record<string, unknown> | null;
    return (
      typeof e === "object" &&
      e !== null &&
      typeof e.code === "number" &&
      typeof e.message === "string" &&
      !("result" in r)
    );
  }
  return "result" in r;
}

function internalErrors(x: unknown): number {
  const list = Array.isArray(x) ? x : [x];
  return list.filter((r) => (r as { error?: { code?: number } })?.error?.code === INTERNAL_ERROR).length;
}

export const rpcTarget: FuzzTarget<RpcInput> = {
  name: "rpc",
  description: "JSON-RPC POST bodies and GET URI params -> RPC server: a JSON-RPC response (or a clean 4xx) every time",
  arbitrary() {
    return fc.oneof(
      { weight: 3, arbitrary: body.map((b): RpcInput => ({ kind: "post", body: b })) },
      { weight: 2, arbitrary: getUrl.map((url): RpcInput => ({ kind: "get", url })) },
    );
  },
  async open(): Promise<FuzzInstance<RpcInput>> {
    const bus = new EventBus();
    const logger = pino({ level: "silent" });
    const server = new RpcServer(
      // broadcast_tx_commit waits for a block the fake backend never makes: its timeout path, quickly
      { laddr: "tcp://127.0.0.1:0", maxRequestBatchSize: 10, timeoutBroadcastTxCommitMs: 2 },
      { backend: new FakeBackend(5, bus), eventBus: bus, logger },
    );
    // every handler is wrapped to see what it throws: the answer only carries the message
    const thrown: unknown[] = [];
    const originals = new Map<RpcMethod, RpcMethod["handler"]>();
    for (const m of Object.values(METHODS)) {
      const h = m.handler;
      if (!h) continue;
      originals.set(m, h);
      m.handler = async (ctx, p) => {
        try {
          return await h(ctx, p);
        } catch (e) {
          thrown.push(e);
          throw e;
        }
      };
    }
    const app = (server as unknown as { app: FastifyInstance }).app;
    await app.ready();
    const counters = new Counters();
    return {
      async run(input) {
        thrown.length = 0;
        const res =
          input.kind === "post"
            ? await app.inject({
                method: "POST",
                url: "/",
                payload: input.body,
                headers: { "content-type": "application/json" },
              })
            : await app.inject({ method: "GET", url: input.url });
        const engine = thrown.find(isEngineError);
        if (engine) throw new FuzzCrash(`a method handler threw ${describeError(engine)}`, { cause: engine });
        const text = res.body;
        counters.add(`${input.kind} ${res.statusCode}`);
        if (input.kind === "get" && res.statusCode === 404 && /^text\/plain/.test(String(res.headers["content-type"])))
          return;
        // the root route lists the endpoints ("/", and paths that normalize to it such as "/.")
        const endpointList =
          input.kind === "post" ? input.body.trim() === "" : text.startsWith("<html><body><br>Available endpoints");
        if (endpointList && res.statusCode === 200 && /^text\/html/.test(String(res.headers["content-type"]))) return;
        if (input.kind === "post" && res.statusCode === 200 && text === "") return; // a batch of notifications
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new FuzzCrash(`answer ${res.statusCode} is not JSON: ${text.slice(0, 200)}`);
        }
        const ok = Array.isArray(parsed) ? parsed.length > 0 && parsed.every(isRpcResponse) : isRpcResponse(parsed);
        if (!ok) throw new FuzzCrash(`answer ${res.statusCode} is not a JSON-RPC response: ${text.slice(0, 200)}`);
        if (res.statusCode >= 500 && !text.includes('"error"'))
          throw new FuzzCrash(`answer ${res.statusCode} without an error: ${text.slice(0, 200)}`);
        const internal = internalErrors(parsed);
        if (internal > thrown.length)
          throw new FuzzCrash(
            `Internal error (-32603) not thrown by a handler (param decoding?): ${text.slice(0, 300)}`,
          );
      },
      stats: () => counters.toJSON(),
      async close() {
        for (const [m, h] of originals) m.handler = h;
        await server.close();
      },
    };
  },
  toJson: (input) => input,
};
