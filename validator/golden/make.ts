// Golden files from a model and input sets: the outputs of a run with the pinned session options on
// the CPU, as a node's executor runs a registered model. Without a policy, the model is calibrated on
// the same inputs first and the file records the policy calibration suggests.
import { createHash } from "node:crypto";
import type { AgreementPolicy } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { PinnedSessionOptions, Tensor } from "../executor/types.ts";
import { type Calibration, calibrate } from "./calibrate.ts";
import { type GoldenFileJson, goldenFileJson } from "./format.ts";
import { parsePolicy } from "./policy-text.ts";
import { pinnedSetting, runAll, runtimeInfo } from "./runner.ts";

export interface MadeGolden {
  file: GoldenFileJson;
  /** present when the policy came from calibration */
  calibration?: Calibration;
}

export async function makeGolden(
  bytes: Uint8Array,
  inputSets: Record<string, Tensor>[],
  options: { sessionOptions: PinnedSessionOptions; policy?: AgreementPolicy; providers?: string[] },
): Promise<MadeGolden> {
  if (inputSets.length === 0) throw new Error("a golden file needs at least one input set");
  let policy = options.policy;
  let calibration: Calibration | undefined;
  if (!policy) {
    calibration = await calibrate(bytes, inputSets, { pinned: options.sessionOptions, providers: options.providers });
    if (!calibration.suggested.policy) throw new Error(`no policy fits this model: ${calibration.suggested.reason}`);
    policy = parsePolicy(calibration.suggested.policy);
  }
  const setting = pinnedSetting(options.sessionOptions);
  const outputs = await runAll(bytes, setting, inputSets);
  const file = goldenFileJson({
    modelId: createHash("sha256").update(bytes).digest("hex"),
    policy,
    sessionOptions: options.sessionOptions,
    provider: setting.provider,
    ...runtimeInfo(),
    vectors: inputSets.map((inputs, i) => ({ inputs, outputs: outputs[i] })),
  });
  return { file, calibration };
}
