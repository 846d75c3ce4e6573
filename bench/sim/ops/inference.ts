// dgrid.inference operations: requests for served models with random inputs (the executors answer
// them through vote extensions; the deadlines refund what they do not settle), with a fee cap that is
// sometimes too low, an unknown model, or a redundancy over the limit.
import { namedFromTensors } from "../../../chain/tensor/canonical.ts";
import { MsgRequestInference } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import { randomInput } from "../model.ts";
import type { OpEnv, Operation } from "./types.ts";

/** a request message from `requester` for a model in state (or, rarely, an unknown one) */
export async function requestMsg(
  env: OpEnv,
  requester: string,
): Promise<{ msg: MsgRequestInference; invalid: boolean } | undefined> {
  const models = await env.view.models();
  if (models.length === 0) return undefined;
  const model = env.rng.pick(models);
  const params = await env.view.inferenceParams();
  const redundancy = env.rng.chance(0.5) ? 0 : env.rng.range(1, params.maxRedundancy + (env.rng.chance(0.05) ? 3 : 0));
  const k = BigInt(redundancy === 0 ? params.defaultRedundancy : redundancy);
  const price = BigInt(model.pricePerCall?.amount ?? "0");
  const cheap = env.rng.chance(0.05);
  const unknown = env.rng.chance(0.03);
  const msg = MsgRequestInference.fromPartial({
    requester,
    modelId: unknown ? Buffer.from(env.rng.bytes(32)).toString("hex") : model.id,
    inputs: namedFromTensors({ x: randomInput(env.rng) }),
    maxFee: { denom: "udgrid", amount: (cheap ? price * k - 1n : price * k + env.rng.bigint(1000n)).toString() },
    redundancy,
  });
  return { msg, invalid: cheap || unknown || redundancy > params.maxRedundancy || model.delisted };
}

export const inferenceOps: Operation[] = [
  {
    name: "inference/request",
    weight: 60,
    async plan(env) {
      const from = await env.freeAccount();
      if (!from) return undefined;
      const r = await requestMsg(env, from.address);
      if (!r) return undefined;
      return {
        signer: from,
        msgs: [
          { typeUrl: "/dgrid.inference.v1.MsgRequestInference", value: MsgRequestInference.encode(r.msg).finish() },
        ],
        invalid: r.invalid,
      };
    },
  },
];
