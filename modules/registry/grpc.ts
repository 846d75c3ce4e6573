// Shared by the dgrid modules' query servers: a gRPC handler from ts-proto request/response codecs,
// and proto-JSON helpers (genesis JSON in the SDK's snake_case field names).
import type { Context } from "../../chain/app/context.ts";
import { invalidArgument } from "../../chain/app/grpc-errors.ts";
import type { QueryHandler } from "../../chain/app/module.ts";

interface Dec<T> {
  decode(b: Uint8Array): T;
}
interface Enc<T> {
  encode(m: T): { finish(): Uint8Array };
  fromPartial(o: any): T;
}

export function grpcHandler<Req, Res>(
  req: Dec<Req>,
  res: Enc<Res>,
  fn: (ctx: Context, r: Req) => Promise<object>,
): QueryHandler {
  return async (ctx, bytes) => {
    let r: Req;
    try {
      r = req.decode(bytes);
    } catch (e) {
      throw invalidArgument(`invalid request: ${e instanceof Error ? e.message : String(e)}`);
    }
    return res.encode(res.fromPartial(await fn(ctx, r))).finish();
  };
}

/** camelCase keys (ts-proto toJSON) to snake_case, recursively (the SDK's genesis JSON). */
export function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = snakeKeys(x);
    return out;
  }
  return v;
}
