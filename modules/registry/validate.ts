// Stateful checks of a model registration against the params (pure given the params), and the
// shape of a conformance report.

import { validateCoins } from "../../chain/baseapp/coins.ts";
import { policyFromProto } from "../../chain/tensor/agreement.ts";
import { checkSpecs, matchSpecs } from "../../chain/tensor/spec.ts";
import type { MsgRegisterModel, MsgReportConformance } from "../../proto/gen/dgrid/registry/v1/tx.ts";
import { validateCard } from "./card.ts";
import { ErrInvalidModel, ErrInvalidReport } from "./errors.ts";
import type { RegistryParams } from "./params.ts";

const HEX64 = /^[0-9a-f]{64}$/;
const OPT_LEVELS = ["disabled", "basic", "extended", "all"];
const EXEC_MODES = ["sequential", "parallel"];

function fail(e: unknown): never {
  throw ErrInvalidModel.wrap(e instanceof Error ? e.message : String(e));
}

/** Throws ErrInvalidModel with the reason (ErrInvalidCard for the card's fields). */
export function validateRegistration(m: MsgRegisterModel, p: RegistryParams): void {
  if (!HEX64.test(m.id)) fail("id must be the lowercase hex sha256 of the ONNX file");
  if (m.name === "" || m.name.length > p.maxNameLength) fail(`name must have 1..${p.maxNameLength} characters`);
  if (m.version === "" || m.version.length > p.maxNameLength)
    fail(`version must have 1..${p.maxNameLength} characters`);
  if (m.sizeBytes <= 0n) fail("size_bytes must be positive");
  if (m.sizeBytes > p.maxModelBytes) fail(`model file of ${m.sizeBytes} bytes is over the limit of ${p.maxModelBytes}`);
  const limits = { maxTensors: p.maxTensors, maxRank: p.maxRank, maxNameLength: p.maxNameLength };
  try {
    checkSpecs(m.inputs, "inputs", limits);
    checkSpecs(m.outputs, "outputs", limits);
    policyFromProto(m.policy);
  } catch (e) {
    fail(e);
  }
  const so = m.sessionOptions;
  if (!so) fail("session_options are required");
  if (!OPT_LEVELS.includes(so.graphOptimizationLevel))
    fail(`graph_optimization_level must be one of ${OPT_LEVELS.join(", ")}`);
  if (!EXEC_MODES.includes(so.executionMode)) fail(`execution_mode must be one of ${EXEC_MODES.join(", ")}`);
  if (so.intraOpNumThreads > 1024) fail("intra_op_num_threads above 1024");
  if (!m.pricePerCall) fail("price_per_call is required");
  try {
    if (!/^\d{1,78}$/.test(m.pricePerCall.amount)) throw new Error(`invalid price amount "${m.pricePerCall.amount}"`);
    validateCoins(
      [{ denom: m.pricePerCall.denom, amount: BigInt(m.pricePerCall.amount) }].filter((c) => c.amount > 0n),
    );
    if (m.pricePerCall.denom === "") throw new Error("price denom is required");
  } catch (e) {
    fail(e);
  }
  if (m.creatorSharePpm > 1_000_000n) fail("creator_share_ppm must be at most 1000000");
  if (m.goldenVectors.length < 1) fail("at least one golden vector is required");
  if (m.goldenVectors.length > p.maxGoldenVectors) fail(`more than ${p.maxGoldenVectors} golden vectors`);
  let total = 0n;
  m.goldenVectors.forEach((g, i) => {
    try {
      for (const t of [...g.inputs, ...g.outputs]) {
        if (BigInt(t.data.length) > p.maxTensorBytes)
          throw new Error(`tensor ${t.name} of ${t.data.length} bytes is over the limit of ${p.maxTensorBytes}`);
      }
      total += BigInt(matchSpecs(m.inputs, g.inputs, `golden_vectors[${i}].inputs`));
      total += BigInt(matchSpecs(m.outputs, g.outputs, `golden_vectors[${i}].outputs`));
    } catch (e) {
      fail(e);
    }
  });
  if (total > p.maxGoldenBytes) fail(`golden vectors of ${total} bytes are over the limit of ${p.maxGoldenBytes}`);
  if (m.card) validateCard(m.card, m.id);
}

/** Longest failure reason a report may carry (bytes of UTF-8): the record stays small. */
export const MAX_REASON_BYTES = 256;

/** A failure carries its reason (1..MAX_REASON_BYTES bytes); a pass carries none. */
export function validateReport(m: MsgReportConformance): void {
  const bytes = new TextEncoder().encode(m.reason).length;
  if (m.passed && bytes > 0) throw ErrInvalidReport.wrap("a passing report carries no reason");
  if (!m.passed && bytes === 0) throw ErrInvalidReport.wrap("a failing report needs a reason");
  if (bytes > MAX_REASON_BYTES) throw ErrInvalidReport.wrap(`reason longer than ${MAX_REASON_BYTES} bytes`);
  if (m.modelId === "") throw ErrInvalidReport.wrap("empty model id");
}
