// ABCI Query routing as baseapp: gRPC paths ("/cosmos.bank.v1beta1.Query/Balance") through the query
// router on the state at the requested height (0 = latest), "/cosmos.tx.v1beta1.Service/Simulate",
// "/store/<name>/key" raw reads with ICS-23 proofs, and "app/version".
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { RequestQuery, ResponseQuery } from "cosmjs-types/tendermint/abci/types";
import { CodedError, ErrInvalidRequest, ErrTxDecode } from "../errors/errors.ts";
import type { CacheMultiStore, MultiStore, StoreQueryResult } from "../store/types.ts";
import type { BlockInfo } from "./context.ts";
import { runTx, type TxRunner } from "./run-tx.ts";

export const SIMULATE_PATH = "/cosmos.tx.v1beta1.Service/Simulate";

export interface QueryBackend extends TxRunner {
  readonly store: {
    query(storeName: string, key: Uint8Array, version: number, prove: boolean): Promise<StoreQueryResult>;
  };
  lastHeight(): number;
  stateAt(height: number): Promise<MultiStore>;
  simulationState(): { state: CacheMultiStore; block: BlockInfo };
  unknownPath(path: string): Error;
}

const APP_VERSION_VALUE = new TextEncoder().encode("0.1.0");

function ok(value: Uint8Array, height: number, extra: Partial<ResponseQuery> = {}): ResponseQuery {
  return {
    code: 0,
    log: "",
    info: "",
    index: 0n,
    key: new Uint8Array(),
    value,
    proofOps: undefined,
    height: BigInt(height),
    codespace: "",
    ...extra,
  };
}

function resolveHeight(b: QueryBackend, h: bigint): number {
  if (h < 0n) throw ErrInvalidRequest.wrap("cannot query with height < 0; please provide a valid height");
  return h === 0n ? b.lastHeight() : Number(h);
}

export async function queryApp(b: QueryBackend, req: RequestQuery): Promise<ResponseQuery> {
  const path = req.path;
  if (path === SIMULATE_PATH) return simulate(b, req.data);

  const handler = b.router.query(path);
  if (handler) {
    const height = resolveHeight(b, req.height);
    if (req.prove && height <= 1) {
      throw ErrInvalidRequest.wrap("cannot query with proof when height <= 1; please provide a valid height");
    }
    const ms = await b.stateAt(height);
    const ctx = b.newContext(ms, { height, timeMs: 0, chainId: "" }, "query");
    return ok(await handler(ctx, req.data), height);
  }

  const parts = path.replace(/^\//, "").split("/");
  if (parts[0] === "app") {
    if (parts[1] === "version") return ok(APP_VERSION_VALUE, b.lastHeight());
    if (parts[1] === "simulate") return simulate(b, req.data);
  }
  if (parts[0] === "store" && parts.length >= 3 && parts[2] === "key") {
    const height = resolveHeight(b, req.height);
    if (height > b.lastHeight())
      throw ErrInvalidRequest.wrap("cannot query with height in the future; please provide a valid height");
    const r = await b.store.query(parts[1], req.data, height, req.prove);
    return ok(r.value ?? new Uint8Array(), r.height, {
      key: req.data,
      proofOps: r.proofOps ? { ops: r.proofOps.map((o) => ({ type: o.type, key: o.key, data: o.data })) } : undefined,
    });
  }
  throw b.unknownPath(path);
}

async function simulate(b: QueryBackend, data: Uint8Array): Promise<ResponseQuery> {
  let txBytes: Uint8Array;
  try {
    const req = SimulateRequest.decode(data);
    if (req.txBytes.length > 0) txBytes = req.txBytes;
    else if (req.tx) {
      txBytes = TxRaw.encode({
        bodyBytes: TxBody.encode(req.tx.body ?? TxBody.fromPartial({})).finish(),
        authInfoBytes: AuthInfo.encode(req.tx.authInfo ?? AuthInfo.fromPartial({})).finish(),
        signatures: req.tx.signatures,
      }).finish();
    } else throw ErrInvalidRequest.wrap("empty txBytes is not allowed");
  } catch (e) {
    if (e instanceof CodedError) throw e;
    throw ErrTxDecode.wrap(`invalid simulate request: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { state, block } = b.simulationState();
  const sim = { ...block, height: block.height + 1 };
  const r = await runTx(b, "simulate", txBytes, state, sim);
  if (r.code !== 0) {
    return {
      ...ok(new Uint8Array(), b.lastHeight()),
      code: r.code,
      codespace: r.codespace,
      log: `${r.log} With gas wanted: '${r.gasWanted}' and gas used: '${r.gasUsed}' `,
    };
  }
  const resp = SimulateResponse.encode({
    gasInfo: { gasWanted: r.gasWanted, gasUsed: r.gasUsed },
    result: { data: r.data, log: r.log, events: r.events, msgResponses: r.msgResponses },
  }).finish();
  return ok(resp, b.lastHeight());
}
