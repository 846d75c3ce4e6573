// dgrid.registry operations: register a model (sometimes one already registered), serve and withdraw
// by validator operators, conformance reports (failed and passed).
import type { Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { TASKS } from "../../../modules/registry/card.ts";
import type { ModelCard } from "../../../proto/gen/dgrid/registry/v1/registry.ts";
import {
  MsgRegisterModel,
  MsgReportConformance,
  MsgServeModel,
  MsgUpdateModelCard,
  MsgWithdrawModel,
} from "../../../proto/gen/dgrid/registry/v1/tx.ts";
import { randomModel } from "../model.ts";
import type { Rng } from "../rng.ts";
import type { OpEnv, Operation, PlannedTx } from "./types.ts";

async function operatorWithModel(env: OpEnv) {
  const vs: Validator[] = await env.view.validators();
  const models = (await env.view.models()).filter((m) => !m.delisted);
  if (vs.length === 0 || models.length === 0) return undefined;
  const v = env.rng.pick(vs);
  const signer = env.byValoper.get(v.operatorAddress);
  if (!signer || env.used.has(signer.address)) return undefined;
  return { v, signer, model: env.rng.pick(models) };
}

/** A valid card: a random task, up to 3 tags from a small set (so discovery scopes overlap). */
function randomCard(rng: Rng): ModelCard {
  const tags = ["vision", "audio", "text", "small", "fast"].filter(() => rng.chance(0.3));
  return {
    task: rng.pick([...TASKS]),
    description: "simulated model",
    license: rng.pick(["MIT", "Apache-2.0", ""]),
    tags: tags.slice(0, 3),
    sourceUri: "",
    inputDoc: "",
    outputDoc: "",
    supersedes: "",
  };
}

const one = (signer: PlannedTx["signer"], typeUrl: string, value: Uint8Array, invalid = false): PlannedTx => ({
  signer,
  msgs: [{ typeUrl, value }],
  invalid,
});

export const registryOps: Operation[] = [
  {
    name: "registry/register-model",
    weight: 3,
    async plan(env) {
      const from = await env.freeAccount();
      if (!from) return undefined;
      const msg = randomModel(env.rng, from.address);
      const models = await env.view.models();
      const again = models.length > 0 && env.rng.chance(0.1);
      if (again) msg.id = env.rng.pick(models).id;
      if (env.rng.chance(0.5)) msg.card = randomCard(env.rng);
      return one(from, "/dgrid.registry.v1.MsgRegisterModel", MsgRegisterModel.encode(msg).finish(), again);
    },
  },
  {
    name: "registry/update-model-card",
    weight: 3,
    async plan(env) {
      const models = (await env.app.registryKeeper.allModels(env.ctx)).filter((m) => !m.delisted);
      if (models.length === 0) return undefined;
      const model = env.rng.pick(models);
      // sometimes signed by another account: refused (only the creator may change a card)
      const stranger = env.rng.chance(0.1);
      const creator = env.byAddress.get(model.creator);
      const signer = stranger ? await env.freeAccount() : creator;
      if (!signer || env.used.has(signer.address) || (stranger && signer.address === model.creator)) return undefined;
      const msg = MsgUpdateModelCard.fromPartial({
        creator: signer.address,
        modelId: model.id,
        card: randomCard(env.rng),
      });
      return one(signer, "/dgrid.registry.v1.MsgUpdateModelCard", MsgUpdateModelCard.encode(msg).finish(), stranger);
    },
  },
  {
    name: "registry/serve-model",
    weight: 15,
    async plan(env) {
      const x = await operatorWithModel(env);
      if (!x) return undefined;
      const msg = MsgServeModel.fromPartial({ validator: x.v.operatorAddress, modelId: x.model.id, provider: "cpu" });
      return one(x.signer, "/dgrid.registry.v1.MsgServeModel", MsgServeModel.encode(msg).finish());
    },
  },
  {
    name: "registry/withdraw-model",
    weight: 3,
    async plan(env) {
      const x = await operatorWithModel(env);
      if (!x) return undefined;
      const msg = MsgWithdrawModel.fromPartial({ validator: x.v.operatorAddress, modelId: x.model.id });
      return one(x.signer, "/dgrid.registry.v1.MsgWithdrawModel", MsgWithdrawModel.encode(msg).finish());
    },
  },
  {
    name: "registry/report-conformance",
    weight: 2,
    async plan(env) {
      const x = await operatorWithModel(env);
      if (!x) return undefined;
      const passed = env.rng.chance(0.5);
      const msg = MsgReportConformance.fromPartial({
        validator: x.v.operatorAddress,
        modelId: x.model.id,
        passed,
        reason: passed ? "" : "simulated golden-vector mismatch",
        provider: "cpu",
      });
      return one(x.signer, "/dgrid.registry.v1.MsgReportConformance", MsgReportConformance.encode(msg).finish());
    },
  },
];
