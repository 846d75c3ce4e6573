// Fetching a registered model from peers by hash: GET <peer>/models/<id> from each peer in turn,
// streamed into the store with the expected sha256 and the size limit. A peer that answers with
// other bytes, too many bytes, an HTTP error or nothing at all is skipped; if no peer has it, the
// result is ErrModelUnavailable with every peer's reason. Bytes that hash right but do not load are
// the registered model itself, so that error (ErrInvalidModel) is final.
import type { Logger } from "pino";
import { CodedError } from "../../chain/errors/errors.ts";
import { ErrInvalidModel, ErrModelExternalData, ErrModelTooLarge, ErrModelUnavailable } from "../errors.ts";
import { checkModelId, type ModelStore } from "./model-store.ts";

export interface FetchModelOptions {
  /** per-peer limit for the whole download in ms (default 10 minutes) */
  timeoutMs?: number;
  /** fetch implementation (default: global fetch) */
  fetch?: typeof fetch;
}

export async function fetchModel(
  id: string,
  peerBaseUrls: string[],
  deps: { store: ModelStore; logger: Logger },
  options: FetchModelOptions = {},
): Promise<{ id: string; peer?: string; size: number }> {
  checkModelId(id);
  const logger = deps.logger.child({ module: "model-fetch", model: id });
  const size = await deps.store.size(id);
  if (size !== undefined) return { id, size };
  const doFetch = options.fetch ?? fetch;
  const reasons: string[] = [];
  for (const base of peerBaseUrls) {
    const url = `${base.replace(/\/+$/, "")}/models/${id}`;
    const signal = AbortSignal.timeout(options.timeoutMs ?? 600_000);
    try {
      const res = await doFetch(url, { signal });
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      const declared = Number(res.headers.get("content-length"));
      if (Number.isFinite(declared) && declared > deps.store.maxModelBytes) {
        await res.body.cancel();
        throw ErrModelTooLarge.wrap(`peer declares ${declared} bytes`);
      }
      const stored = await deps.store.put(res.body as unknown as AsyncIterable<Uint8Array>, { expectedId: id });
      logger.info({ peer: base, size: stored.size }, "model fetched from peer");
      return { id, peer: base, size: stored.size };
    } catch (e) {
      if (e instanceof CodedError && (ErrInvalidModel.is(e) || ErrModelExternalData.is(e))) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      logger.warn({ peer: base, reason }, "model fetch from peer failed");
      reasons.push(`${base}: ${reason}`);
    }
  }
  throw ErrModelUnavailable.wrap(`${id} (${reasons.length ? reasons.join("; ") : "no peers"})`);
}
