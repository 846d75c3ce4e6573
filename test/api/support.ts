// An ApiServer over the committed descriptors with a scripted dispatcher, for the REST tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { ApiServer, type ApiServerOptions } from "../../chain/api/server.ts";
import { loadServiceCatalog, type ServiceCatalog } from "../../chain/services/catalog.ts";
import type { CallContext, CallResult } from "../../chain/services/dispatcher.ts";

export const repoRoot = join(import.meta.dirname, "..", "..");
export const descriptorBytes = () => readFileSync(join(repoRoot, "proto", "gen", "descriptors.binpb"));
export const testCatalog = (): ServiceCatalog => loadServiceCatalog(descriptorBytes());

export interface Call {
  path: string;
  request: Uint8Array;
  ctx: CallContext;
}

/** Answers by gRPC path; records every call. */
export class ScriptedDispatcher {
  readonly calls: Call[] = [];
  answers = new Map<string, (req: Uint8Array, ctx: CallContext) => CallResult | Promise<CallResult>>();

  async callWithHeight(path: string, request: Uint8Array, ctx: CallContext): Promise<CallResult> {
    this.calls.push({ path, request, ctx });
    const answer = this.answers.get(path);
    if (!answer) return { value: new Uint8Array(), height: 7n };
    return answer(request, ctx);
  }
}

export async function startApi(
  options: Partial<ApiServerOptions> = {},
): Promise<{ server: ApiServer; dispatcher: ScriptedDispatcher; catalog: ServiceCatalog }> {
  const catalog = testCatalog();
  const dispatcher = new ScriptedDispatcher();
  const server = new ApiServer(
    { address: "tcp://127.0.0.1:0", ...options },
    { catalog, dispatcher, logger: pino({ level: "silent" }) },
  );
  await server.start();
  return { server, dispatcher, catalog };
}
