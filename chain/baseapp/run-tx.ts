// baseapp.runTx: decode, ValidateBasic, ante on its own branch (kept if it passes), messages on a
// second branch (kept only if all succeed). CheckTx runs the ante only. Results as SDK v0.50:
// data = TxMsgData{msg_responses}, events = ante events + per-message events with msg_index.
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import type { Event as AbciEvent } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import { abciInfo, CodedError, ErrTxDecode, ErrUnknownRequest } from "../errors/errors.ts";
import type { CacheMultiStore, GasMeter, MultiStore } from "../store/types.ts";
import type { AnteHandler } from "./ante-handler.ts";
import type { BlockInfo, Context, ExecMode } from "./context.ts";
import { newEvent, type SdkEvent, toAbciEvents, withAttribute } from "./events.ts";
import { type MsgResponse, moduleNameFromTypeUrl, type Router } from "./module.ts";
import { BasicGasMeter, InfiniteGasMeter } from "./store-deps.ts";
import { type DecodedTx, decodeTx, validateBasicMsgs } from "./tx.ts";

export interface TxRunner {
  readonly router: Router;
  readonly anteHandler: AnteHandler;
  readonly logger: Logger;
  /** app.toml index-events: the "type.key" attributes marked for indexing (empty: all) */
  readonly indexEvents?: ReadonlySet<string>;
  newContext(ms: MultiStore, block: BlockInfo, mode: ExecMode, txBytes?: Uint8Array): Context;
}

export interface TxResult {
  code: number;
  codespace: string;
  log: string;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AbciEvent[];
  data: Uint8Array;
  msgResponses: MsgResponse[];
  tx?: DecodedTx;
}

function failure(err: unknown, gasWanted: bigint, gasUsed: bigint, events: AbciEvent[], logger: Logger): TxResult {
  const info = abciInfo(err);
  if (!(err instanceof CodedError)) logger.error({ err }, "tx execution failed with an unexpected error");
  return {
    code: info.code,
    codespace: info.codespace,
    log: info.log,
    gasWanted,
    gasUsed,
    events,
    data: new Uint8Array(),
    msgResponses: [],
  };
}

/** message event {action, sender, module} first, then the handler's events; all tagged msg_index. */
function messageEvents(typeUrl: string, signer: string | undefined, emitted: SdkEvent[], index: number): SdkEvent[] {
  const attrs: [string, string][] = [["action", typeUrl]];
  if (signer) attrs.push(["sender", signer]);
  const hasModule = emitted.some((e) => e.attributes.some((a) => a.key === "module"));
  const mod = moduleNameFromTypeUrl(typeUrl);
  if (!hasModule && mod !== "") attrs.push(["module", mod]);
  return withAttribute([newEvent("message", attrs), ...emitted], "msg_index", String(index));
}

export async function runTx(
  app: TxRunner,
  mode: ExecMode,
  txBytes: Uint8Array,
  state: CacheMultiStore,
  block: BlockInfo,
  /** `txBytes` already decoded by the caller (CheckTx pre-verification) */
  decoded?: DecodedTx,
): Promise<TxResult> {
  let tx: DecodedTx;
  try {
    tx = decoded && decoded.bytes === txBytes ? decoded : decodeTx(txBytes, app.router);
  } catch (e) {
    return failure(e, 0n, 0n, [], app.logger);
  }
  const gasWanted = tx.authInfo.fee?.gasLimit ?? 0n;
  // SetUpContextDecorator: the tx gas meter (infinite when simulating or at genesis)
  const meter: GasMeter =
    mode === "simulate" || block.height === 0 || gasWanted > BigInt(Number.MAX_SAFE_INTEGER)
      ? new InfiniteGasMeter()
      : new BasicGasMeter(Number(gasWanted));
  const used = () => BigInt(meter.consumed());

  const base = app.newContext(state, block, mode, txBytes);
  let anteEvents: AbciEvent[] = [];
  try {
    validateBasicMsgs(tx);
    const anteBranch = state.branch();
    const anteCtx = base.with({ multiStore: anteBranch, gasMeter: meter });
    await app.anteHandler(anteCtx, tx);
    anteBranch.write();
    anteEvents = toAbciEvents(anteCtx.eventManager.events(), app.indexEvents);
  } catch (e) {
    return failure(e, gasWanted, used(), [], app.logger);
  }
  if (mode === "check" || mode === "recheck") {
    return {
      code: 0,
      codespace: "",
      log: "",
      gasWanted,
      gasUsed: used(),
      events: anteEvents,
      data: new Uint8Array(),
      msgResponses: [],
      tx,
    };
  }

  const msgBranch = state.branch();
  const responses: MsgResponse[] = [];
  const msgEvents: SdkEvent[] = [];
  try {
    for (let i = 0; i < tx.msgs.length; i++) {
      const m = tx.msgs[i];
      const reg = app.router.msg(m.typeUrl);
      if (!reg) throw new Error(`no handler for ${m.typeUrl}`); // decodeTx already resolved it
      const ctx = base.with({ multiStore: msgBranch, gasMeter: meter });
      responses.push(await reg.handler(ctx, m.msg));
      msgEvents.push(...messageEvents(m.typeUrl, m.type.signers(m.msg)[0], ctx.eventManager.events(), i));
    }
  } catch (e) {
    return failure(e, gasWanted, used(), anteEvents, app.logger);
  }
  msgBranch.write();
  const data = TxMsgData.encode({ data: [], msgResponses: responses }).finish();
  return {
    code: 0,
    codespace: "",
    log: "",
    gasWanted,
    gasUsed: used(),
    events: [...anteEvents, ...toAbciEvents(msgEvents, app.indexEvents)],
    data,
    msgResponses: responses,
    tx,
  };
}

/**
 * Runs one message given as an Any through the msg router, as the SDK's MsgServiceRouter handler
 * does (decode, ValidateBasic, handler): governance executes proposal messages with it.
 */
export async function executeAnyMsg(
  router: Pick<Router, "msg">,
  ctx: Context,
  any: { typeUrl: string; value: Uint8Array },
): Promise<MsgResponse> {
  const reg = router.msg(any.typeUrl);
  if (!reg) throw ErrUnknownRequest.wrap(`unrecognized message type: ${any.typeUrl}`);
  let msg: unknown;
  try {
    msg = reg.type.decode(any.value);
  } catch (e) {
    throw ErrTxDecode.wrap(`decode ${any.typeUrl}: ${e instanceof Error ? e.message : String(e)}`);
  }
  reg.type.validateBasic?.(msg);
  return reg.handler(ctx, msg);
}
