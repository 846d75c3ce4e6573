// The gRPC query route of a module (`/pkg.Query/Method`) from a request codec, a response codec and
// the method's body: the request bytes that do not decode get InvalidArgument (as grpc-gateway would),
// the body's plain object goes through the response's fromPartial (defaults for the missing fields).
import type { Context } from "./context.ts";
import { invalidArgument } from "./grpc-errors.ts";

export interface RequestCodec<T> {
  decode(b: Uint8Array): T;
}

export interface ResponseCodec<T> {
  encode(m: T): { finish(): Uint8Array };
  fromPartial(o: object): T;
}

export function queryHandler<Req, Res>(
  req: RequestCodec<Req>,
  res: ResponseCodec<Res>,
  fn: (ctx: Context, r: Req) => Promise<object>,
): (ctx: Context, bytes: Uint8Array) => Promise<Uint8Array> {
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
