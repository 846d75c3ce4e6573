// dgrid.registry operations: register a model (sometimes one already registered), serve and withdraw
// by validator operators, conformance reports (failed and passed).
import type { Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import {
  MsgRegisterModel,
  MsgReportConformance,
  MsgServeModel,
  MsgWithdrawModel,
} from "../../../proto/gen/dgrid/registry/v1/tx.ts";
import { randomModel } from "../model.ts";
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
      return one(from, "/dgrid.registry.v1.MsgRegisterModel", MsgRegisterModel.encode(msg).finish(), again);
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
