// CosmJS amino converters for every DGrid message (SIGN_MODE_LEGACY_AMINO_JSON: Keplr's amino signing,
// Ledger). The field tables below mirror proto/dgrid/*/v1 (names, types and amino annotations; a test
// checks them against proto/gen/descriptors.binpb) and amino-json.ts writes them as the SDK would.
// Use: dgridAminoTypes() (amino-converters.ts), which has these beside every other converter the client ships.
import type { AminoConverter, AminoConverters } from "@cosmjs/stargate";
import {
  MsgRequestInference,
  MsgUpdateParams as MsgUpdateInferenceParams,
} from "../proto/gen/dgrid/inference/v1/tx.ts";
import {
  MsgDelistModel,
  MsgRegisterModel,
  MsgReportConformance,
  MsgServeModel,
  MsgUpdateModelCard,
  MsgUpdateParams as MsgUpdateRegistryParams,
  MsgWithdrawModel,
} from "../proto/gen/dgrid/registry/v1/tx.ts";
import { MsgUpdateParams as MsgUpdateReputationParams } from "../proto/gen/dgrid/reputation/v1/tx.ts";
import { type FieldSpec, type MessageSpec, messageFromAmino, messageToAmino, type ScalarType } from "./amino-json.ts";

/** ts-proto's property name of a proto field (snakeToCamel). */
const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function field(name: string, type: ScalarType | MessageSpec, options: Partial<FieldSpec> = {}): FieldSpec {
  return { name, prop: camel(name), type, ...options };
}

export const msg = (name: string, ...fields: FieldSpec[]): MessageSpec => ({ name, fields });

export const Coin = msg(
  "cosmos.base.v1beta1.Coin",
  field("denom", "string"),
  field("amount", "cosmos.Int", { dontOmitEmpty: true }),
);

const NamedTensor = msg(
  "dgrid.registry.v1.NamedTensor",
  field("name", "string"),
  field("dtype", "string"),
  field("shape", "uint32", { repeated: true }),
  field("data", "bytes"),
);

const InputBlob = msg(
  "dgrid.inference.v1.InputBlob",
  field("name", "string"),
  field("sha256", "bytes"),
  field("size_bytes", "uint64"),
);

const Dim = msg("dgrid.registry.v1.Dim", field("size", "uint32"), field("symbol", "string"));

const TensorSpec = msg(
  "dgrid.registry.v1.TensorSpec",
  field("name", "string"),
  field("dtype", "string"),
  field("shape", Dim, { repeated: true }),
);

const SessionOptions = msg(
  "dgrid.registry.v1.SessionOptions",
  field("graph_optimization_level", "string"),
  field("execution_mode", "string"),
  field("intra_op_num_threads", "uint32"),
);

const policyCase = (name: string, spec: MessageSpec, typeName: string) =>
  field(name, spec, { oneof: { name: "policy", typeName } });

const AgreementPolicy = msg(
  "dgrid.registry.v1.AgreementPolicy",
  policyCase("exact", msg("dgrid.registry.v1.ExactPolicy"), "dgrid/ExactPolicy"),
  policyCase(
    "tolerance",
    msg("dgrid.registry.v1.TolerancePolicy", field("abs", "string"), field("rel", "string")),
    "dgrid/TolerancePolicy",
  ),
  policyCase("argmax", msg("dgrid.registry.v1.ArgmaxPolicy"), "dgrid/ArgmaxPolicy"),
  policyCase("topk", msg("dgrid.registry.v1.TopKPolicy", field("k", "uint32")), "dgrid/TopKPolicy"),
);

const ModelCard = msg(
  "dgrid.registry.v1.ModelCard",
  field("task", "string"),
  field("description", "string"),
  field("license", "string"),
  field("tags", "string", { repeated: true }),
  field("source_uri", "string"),
  field("input_doc", "string"),
  field("output_doc", "string"),
  field("supersedes", "string"),
);

const GoldenVector = msg(
  "dgrid.registry.v1.GoldenVector",
  field("inputs", NamedTensor, { repeated: true }),
  field("outputs", NamedTensor, { repeated: true }),
);

const scalars = (name: string, type: ScalarType, fields: string[]) => msg(name, ...fields.map((f) => field(f, type)));

const RegistryParamsSpec = msg(
  "dgrid.registry.v1.Params",
  field("max_model_bytes", "uint64"),
  field("max_tensor_bytes", "uint64"),
  field("max_golden_vectors", "uint32"),
  field("max_tensors", "uint32"),
  field("max_rank", "uint32"),
  field("max_name_length", "uint32"),
  field("max_golden_bytes", "uint64"),
);

const InferenceParamsSpec = msg(
  "dgrid.inference.v1.Params",
  field("default_redundancy", "uint32"),
  field("max_redundancy", "uint32"),
  field("quorum_ppm", "uint64"),
  field("commit_deadline_blocks", "int64"),
  field("reveal_deadline_blocks", "int64"),
  field("max_input_bytes", "uint64"),
  field("max_output_bytes", "uint64"),
  field("max_input_tensors", "uint32"),
  field("max_vote_extension_bytes", "uint64"),
  field("executor_share_ppm", "uint64"),
  field("slash_fraction_ppm", "uint64"),
  field("slash_min_support_ppm", "uint64"),
  field("max_pending_requests", "uint64"),
  field("max_batch", "uint32"),
  field("blob_threshold_bytes", "uint64"),
  field("blob_max_bytes", "uint64"),
  field("output_hash_threshold_bytes", "uint64"),
  field("max_hashed_output_bytes", "uint64"),
);

const ReputationParamsSpec = msg(
  "dgrid.reputation.v1.Params",
  ...[
    "initial_score_ppm",
    "increase_ppm",
    "dissent_decrease_ppm",
    "missing_decrease_ppm",
    "floor_ppm",
    "neutral_score_ppm",
    "recovery_ppm",
  ].map((name) => field(name, "uint64")),
  field("recovery_interval_blocks", "int64"),
  field("score_sample_interval_blocks", "int64"),
);

const updateParams = (pkg: string, params: MessageSpec) =>
  msg(`${pkg}.MsgUpdateParams`, field("authority", "string"), field("params", params, { dontOmitEmpty: true }));

/** One DGrid Msg: its type URL, amino name, field table and ts-proto codec. */
export interface DGridAminoMsg {
  typeUrl: string;
  aminoType: string;
  spec: MessageSpec;
  codec: { fromPartial(object: any): any; encode(message: any): { finish(): Uint8Array } };
}

export const entry = (aminoType: string, spec: MessageSpec, codec: DGridAminoMsg["codec"]): DGridAminoMsg => ({
  typeUrl: `/${spec.name}`,
  aminoType,
  spec,
  codec,
});

/** Every DGrid Msg with its (amino.name). */
export const dgridAminoMsgs: readonly DGridAminoMsg[] = [
  entry(
    "dgrid/MsgRequestInference",
    msg(
      "dgrid.inference.v1.MsgRequestInference",
      field("requester", "string"),
      field("model_id", "string"),
      field("inputs", NamedTensor, { repeated: true }),
      field("max_fee", Coin),
      field("redundancy", "uint32"),
      field(
        "items",
        msg(
          "dgrid.inference.v1.InferenceItem",
          field("inputs", NamedTensor, { repeated: true }),
          field("blobs", InputBlob, { repeated: true }),
        ),
        { repeated: true },
      ),
      field("input_blobs", InputBlob, { repeated: true }),
    ),
    MsgRequestInference,
  ),
  entry(
    "dgrid/x/inference/MsgUpdateParams",
    updateParams("dgrid.inference.v1", InferenceParamsSpec),
    MsgUpdateInferenceParams,
  ),
  entry(
    "dgrid/MsgRegisterModel",
    msg(
      "dgrid.registry.v1.MsgRegisterModel",
      field("creator", "string"),
      field("id", "string"),
      field("name", "string"),
      field("version", "string"),
      field("inputs", TensorSpec, { repeated: true }),
      field("outputs", TensorSpec, { repeated: true }),
      field("session_options", SessionOptions),
      field("policy", AgreementPolicy),
      field("price_per_call", Coin, { dontOmitEmpty: true }),
      field("creator_share_ppm", "uint64"),
      field("golden_vectors", GoldenVector, { repeated: true }),
      field("size_bytes", "uint64"),
      field("card", ModelCard),
    ),
    MsgRegisterModel,
  ),
  entry(
    "dgrid/MsgUpdateModelCard",
    msg(
      "dgrid.registry.v1.MsgUpdateModelCard",
      field("creator", "string"),
      field("model_id", "string"),
      field("card", ModelCard, { dontOmitEmpty: true }),
    ),
    MsgUpdateModelCard,
  ),
  entry(
    "dgrid/MsgServeModel",
    scalars("dgrid.registry.v1.MsgServeModel", "string", ["validator", "model_id", "provider"]),
    MsgServeModel,
  ),
  entry(
    "dgrid/MsgWithdrawModel",
    scalars("dgrid.registry.v1.MsgWithdrawModel", "string", ["validator", "model_id"]),
    MsgWithdrawModel,
  ),
  entry(
    "dgrid/MsgReportConformance",
    msg(
      "dgrid.registry.v1.MsgReportConformance",
      field("validator", "string"),
      field("model_id", "string"),
      field("passed", "bool"),
      field("reason", "string"),
      field("provider", "string"),
    ),
    MsgReportConformance,
  ),
  entry(
    "dgrid/MsgDelistModel",
    scalars("dgrid.registry.v1.MsgDelistModel", "string", ["authority", "model_id"]),
    MsgDelistModel,
  ),
  entry(
    "dgrid/x/registry/MsgUpdateParams",
    updateParams("dgrid.registry.v1", RegistryParamsSpec),
    MsgUpdateRegistryParams,
  ),
  entry(
    "dgrid/x/reputation/MsgUpdateParams",
    updateParams("dgrid.reputation.v1", ReputationParamsSpec),
    MsgUpdateReputationParams,
  ),
];

export function converter(m: DGridAminoMsg): AminoConverter {
  return {
    aminoType: m.aminoType,
    toAmino: (value: unknown) => messageToAmino(m.spec, value),
    // fromPartial gives the ts-proto shape (nested messages included) that the registry encodes
    fromAmino: (value: unknown) => m.codec.fromPartial(messageFromAmino(m.spec, value)),
  };
}

/** typeUrl -> CosmJS amino converter, for every DGrid Msg. */
export const dgridAminoConverters: AminoConverters = Object.fromEntries(
  dgridAminoMsgs.map((m) => [m.typeUrl, converter(m)]),
);
