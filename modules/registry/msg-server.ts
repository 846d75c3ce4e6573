// Registry Msg service: RegisterModel, UpdateModelCard, ServeModel, WithdrawModel, ReportConformance,
// DelistModel, UpdateParams.
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { ErrInvalidAddress, ErrUnauthorized } from "../../chain/errors/errors.ts";
import { valoperToAccount as accountOfValoper, addressFromString } from "../../chain/types/address.ts";
import {
  MsgDelistModel,
  MsgDelistModelResponse,
  MsgRegisterModel,
  MsgRegisterModelResponse,
  MsgReportConformance,
  MsgReportConformanceResponse,
  MsgServeModel,
  MsgServeModelResponse,
  MsgUpdateModelCard,
  MsgUpdateModelCardResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  MsgWithdrawModel,
  MsgWithdrawModelResponse,
} from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { validateCard } from "./card.ts";
import {
  ErrInvalidCard,
  ErrInvalidValidator,
  ErrModelDelisted,
  ErrModelExists,
  ErrNotCreator,
  ErrNotServing,
  ErrUnknownValidator,
} from "./errors.ts";
import * as ev from "./events.ts";
import type { RegistryKeeper } from "./keeper.ts";
import { checkSupersedes, relink } from "./lineage.ts";
import { validateParams } from "./params.ts";
import { validateRegistration, validateReport } from "./validate.ts";

const PKG = "/dgrid.registry.v1.";

/** Longest execution provider name. */
const MAX_PROVIDER_LENGTH = 32;

function providerOf(p: string): string {
  const provider = p === "" ? "cpu" : p;
  if (provider.length > MAX_PROVIDER_LENGTH)
    throw ErrInvalidValidator.wrap(`provider name longer than ${MAX_PROVIDER_LENGTH} characters`);
  return provider;
}

function accAddress(addr: string, what: string): string {
  try {
    addressFromString(addr);
    return addr;
  } catch (e) {
    throw ErrInvalidAddress.wrap(`invalid ${what} address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The account address (signer) of a valoper address. */
export function valoperToAccount(valoper: string): string {
  try {
    return accountOfValoper(valoper);
  } catch (e) {
    throw ErrInvalidValidator.wrap(`${valoper}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function response(typeUrl: string, value: Uint8Array) {
  return { typeUrl, value };
}

export const MsgRegisterModelType: MsgType<MsgRegisterModel> = {
  typeUrl: `${PKG}MsgRegisterModel`,
  decode: (b) => MsgRegisterModel.decode(b),
  encode: (m) => MsgRegisterModel.encode(m).finish(),
  signers: (m) => [m.creator],
  validateBasic: (m) => {
    accAddress(m.creator, "creator");
    if (m.card) validateCard(m.card, m.id);
  },
};

export const MsgUpdateModelCardType: MsgType<MsgUpdateModelCard> = {
  typeUrl: `${PKG}MsgUpdateModelCard`,
  decode: (b) => MsgUpdateModelCard.decode(b),
  encode: (m) => MsgUpdateModelCard.encode(m).finish(),
  signers: (m) => [m.creator],
  validateBasic: (m) => {
    accAddress(m.creator, "creator");
    if (m.modelId === "") throw ErrInvalidCard.wrap("empty model id");
    if (!m.card) throw ErrInvalidCard.wrap("card is required");
    validateCard(m.card, m.modelId);
  },
};

export const MsgServeModelType: MsgType<MsgServeModel> = {
  typeUrl: `${PKG}MsgServeModel`,
  decode: (b) => MsgServeModel.decode(b),
  encode: (m) => MsgServeModel.encode(m).finish(),
  signers: (m) => [valoperToAccount(m.validator)],
};

export const MsgWithdrawModelType: MsgType<MsgWithdrawModel> = {
  typeUrl: `${PKG}MsgWithdrawModel`,
  decode: (b) => MsgWithdrawModel.decode(b),
  encode: (m) => MsgWithdrawModel.encode(m).finish(),
  signers: (m) => [valoperToAccount(m.validator)],
};

export const MsgReportConformanceType: MsgType<MsgReportConformance> = {
  typeUrl: `${PKG}MsgReportConformance`,
  decode: (b) => MsgReportConformance.decode(b),
  encode: (m) => MsgReportConformance.encode(m).finish(),
  signers: (m) => [valoperToAccount(m.validator)],
  validateBasic: (m) => validateReport(m),
};

export const MsgDelistModelType: MsgType<MsgDelistModel> = {
  typeUrl: `${PKG}MsgDelistModel`,
  decode: (b) => MsgDelistModel.decode(b),
  encode: (m) => MsgDelistModel.encode(m).finish(),
  signers: (m) => [m.authority],
};

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: `${PKG}MsgUpdateParams`,
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

/** Type URL -> ts-proto codec, for a CosmJS Registry (client side). */
export const registryMsgCodecs = {
  [MsgRegisterModelType.typeUrl]: MsgRegisterModel,
  [MsgUpdateModelCardType.typeUrl]: MsgUpdateModelCard,
  [MsgServeModelType.typeUrl]: MsgServeModel,
  [MsgWithdrawModelType.typeUrl]: MsgWithdrawModel,
  [MsgReportConformanceType.typeUrl]: MsgReportConformance,
  [MsgDelistModelType.typeUrl]: MsgDelistModel,
  [MsgUpdateParamsType.typeUrl]: MsgUpdateParams,
};

export function registerMsgServer(cfg: Configurator, k: RegistryKeeper, authority: string): void {
  cfg.registerMsg(MsgRegisterModelType, async (ctx, msg) => {
    accAddress(msg.creator, "creator");
    validateRegistration(msg, await k.getParams(ctx));
    if (await k.getModel(ctx, msg.id)) throw ErrModelExists.wrap(`model ${msg.id}`);
    const model = {
      id: msg.id,
      name: msg.name,
      version: msg.version,
      creator: msg.creator,
      inputs: msg.inputs,
      outputs: msg.outputs,
      sessionOptions: msg.sessionOptions,
      policy: msg.policy,
      pricePerCall: msg.pricePerCall,
      creatorSharePpm: msg.creatorSharePpm,
      goldenVectors: msg.goldenVectors,
      sizeBytes: msg.sizeBytes,
      registeredHeight: BigInt(ctx.height),
      delisted: false,
      card: msg.card,
      supersededBy: "",
    };
    const supersedes = msg.card?.supersedes ?? "";
    if (supersedes !== "") await checkSupersedes(ctx, k, model, supersedes);
    await k.setModel(ctx, model);
    await relink(ctx, k, model.id, "", supersedes);
    ctx.eventManager.emit(ev.modelRegistered(msg.id, msg.creator, msg.name, msg.version));
    if (msg.card) ctx.eventManager.emit(ev.modelCardUpdated(msg.id, msg.card.task, supersedes));
    return response(`${PKG}MsgRegisterModelResponse`, MsgRegisterModelResponse.encode({ id: msg.id }).finish());
  });

  cfg.registerMsg(MsgUpdateModelCardType, async (ctx, msg) => {
    const model = await k.mustGetModel(ctx, msg.modelId);
    if (model.creator !== msg.creator)
      throw ErrNotCreator.wrap(`model ${msg.modelId} was registered by ${model.creator}, not ${msg.creator}`);
    if (model.delisted) throw ErrModelDelisted.wrap(`model ${msg.modelId}`);
    const card = msg.card!;
    const before = model.card?.supersedes ?? "";
    if (card.supersedes !== "" && card.supersedes !== before) await checkSupersedes(ctx, k, model, card.supersedes);
    await k.setModel(ctx, { ...model, card });
    await relink(ctx, k, model.id, before, card.supersedes);
    ctx.eventManager.emit(ev.modelCardUpdated(msg.modelId, card.task, card.supersedes));
    return response(`${PKG}MsgUpdateModelCardResponse`, MsgUpdateModelCardResponse.encode({}).finish());
  });

  cfg.registerMsg(MsgServeModelType, async (ctx, msg) => {
    valoperToAccount(msg.validator);
    const model = await k.mustGetModel(ctx, msg.modelId);
    if (model.delisted) throw ErrModelDelisted.wrap(`model ${msg.modelId}`);
    const provider = providerOf(msg.provider);
    const prev = await k.getServer(ctx, msg.modelId, msg.validator);
    k.setServer(ctx, {
      modelId: msg.modelId,
      validator: msg.validator,
      provider,
      sinceHeight: prev?.sinceHeight ?? BigInt(ctx.height),
    });
    ctx.eventManager.emit(ev.modelServed(msg.modelId, msg.validator, provider));
    // serving means its golden vectors passed: an earlier failure no longer stands
    if (await k.getFailure(ctx, msg.modelId, msg.validator)) {
      k.deleteFailure(ctx, msg.modelId, msg.validator);
      ctx.eventManager.emit(ev.conformancePassed(msg.modelId, msg.validator));
    }
    return response(`${PKG}MsgServeModelResponse`, MsgServeModelResponse.encode({}).finish());
  });

  cfg.registerMsg(MsgWithdrawModelType, async (ctx, msg) => {
    valoperToAccount(msg.validator);
    if (!(await k.getServer(ctx, msg.modelId, msg.validator)))
      throw ErrNotServing.wrap(`${msg.validator} does not serve ${msg.modelId}`);
    k.deleteServer(ctx, msg.modelId, msg.validator);
    ctx.eventManager.emit(ev.modelWithdrawn(msg.modelId, msg.validator));
    return response(`${PKG}MsgWithdrawModelResponse`, MsgWithdrawModelResponse.encode({}).finish());
  });

  cfg.registerMsg(MsgReportConformanceType, async (ctx, msg) => {
    valoperToAccount(msg.validator);
    validateReport(msg);
    if (!(await k.deps.stakingKeeper.validator(ctx, msg.validator)))
      throw ErrUnknownValidator.wrap(`${msg.validator} is not a validator`);
    const model = await k.mustGetModel(ctx, msg.modelId);
    if (model.delisted) throw ErrModelDelisted.wrap(`model ${msg.modelId}`);
    const provider = providerOf(msg.provider);
    const prev = await k.getFailure(ctx, msg.modelId, msg.validator);
    if (msg.passed) {
      if (prev) {
        k.deleteFailure(ctx, msg.modelId, msg.validator);
        ctx.eventManager.emit(ev.conformancePassed(msg.modelId, msg.validator));
      }
    } else {
      k.setFailure(ctx, {
        modelId: msg.modelId,
        validator: msg.validator,
        provider,
        reason: msg.reason,
        height: BigInt(ctx.height),
        reports: (prev?.reports ?? 0n) + 1n,
      });
      ctx.eventManager.emit(ev.conformanceFailed(msg.modelId, msg.validator, provider, msg.reason));
      // a validator whose vectors fail does not serve the model
      if (await k.getServer(ctx, msg.modelId, msg.validator)) {
        k.deleteServer(ctx, msg.modelId, msg.validator);
        ctx.eventManager.emit(ev.modelWithdrawn(msg.modelId, msg.validator));
      }
    }
    return response(`${PKG}MsgReportConformanceResponse`, MsgReportConformanceResponse.encode({}).finish());
  });

  cfg.registerMsg(MsgDelistModelType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrUnauthorized.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    const model = await k.mustGetModel(ctx, msg.modelId);
    if (!model.delisted) {
      await k.setModel(ctx, { ...model, delisted: true });
      ctx.eventManager.emit(ev.modelDelisted(msg.modelId));
    }
    return response(`${PKG}MsgDelistModelResponse`, MsgDelistModelResponse.encode({}).finish());
  });

  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrUnauthorized.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    if (!msg.params) throw ErrInvalidAddress.wrap("params are required");
    validateParams(msg.params);
    k.setParams(ctx, msg.params);
    return response(`${PKG}MsgUpdateParamsResponse`, MsgUpdateParamsResponse.encode({}).finish());
  });
}
