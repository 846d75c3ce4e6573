// A four-validator chain for the inference tests (on harness.ts): the fake "sum-max" model served by
// every validator, a funded requester (alice), the model's creator, signed request txs and queries.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { encodePubkey, makeAuthInfoBytes, makeSignDoc, type Registry } from "@cosmjs/proto-signing";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { namedFromTensors } from "../../chain/tensor/canonical.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { dgridMsgTypes } from "../../client/dgrid-types.ts";
import { dgridRegistry } from "../../client/index.ts";
import { defaultParams as inferenceDefaults } from "../../modules/inference/params.ts";
import { defaultParams as reputationDefaults } from "../../modules/reputation/params.ts";
import { GenesisState as InferenceGenesis } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  QueryRequestRequest,
  QueryRequestResponse,
  QueryResultRequest,
  QueryResultResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";
import type { AgreementPolicy, NamedTensor } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { GenesisState as RegistryGenesis } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { QueryReputationRequest, QueryReputationResponse } from "../../proto/gen/dgrid/reputation/v1/query.ts";
import {
  type Reputation,
  GenesisState as ReputationGenesis,
  type Params as ReputationParams,
} from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import { genesis, type TestKey, testKey } from "../app/helpers.ts";
import { type Behaviour, fakeValidator, initNet, modelOutputs, type Net, newNet, step } from "./harness.ts";

export const registry = dgridRegistry(dgridMsgTypes);
export const MODEL_ID = createHash("sha256").update("test model").digest("hex");
export const PRICE = 1000n;
/** the fee of every tx signed here */
export const TX_FEE = 10_000n;
export const INPUT = [1, 2, 3, 4, 0.5, -1, 7, 2];

export function f32(values: number[], shape: number[]) {
  return { dtype: "float32" as const, shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}

function modelGenesis(operators: string[], creator: string, policy: AgreementPolicy = { exact: {} }) {
  const x = f32([1, 2, 3, 4], [1, 4]);
  const y = modelOutputs({ x });
  return snakeKeys(
    RegistryGenesis.toJSON({
      params: undefined,
      models: [
        {
          id: MODEL_ID,
          name: "sum-max",
          version: "1",
          creator,
          inputs: [
            {
              name: "x",
              dtype: "float32",
              shape: [
                { size: 0, symbol: "batch" },
                { size: 4, symbol: "" },
              ],
            },
          ],
          outputs: [
            {
              name: "y",
              dtype: "float32",
              shape: [
                { size: 0, symbol: "batch" },
                { size: 2, symbol: "" },
              ],
            },
          ],
          sessionOptions: { graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: 1 },
          policy,
          pricePerCall: { denom: "udgrid", amount: PRICE.toString() },
          creatorSharePpm: 100_000n,
          goldenVectors: [{ inputs: namedFromTensors({ x }), outputs: namedFromTensors(y) }],
          sizeBytes: 1234n,
          registeredHeight: 0n,
          delisted: false,
          card: undefined,
          supersededBy: "",
        },
      ],
      servers: operators.map((v) => ({ modelId: MODEL_ID, validator: v, provider: "cpu", sinceHeight: 0n })),
      conformanceFailures: [],
      modelStats: [],
      creatorEarnings: [],
    }),
  );
}

export interface Setup {
  net: Net;
  alice: TestKey;
  creator: TestKey;
  seq: bigint;
}

export interface SetupOptions {
  reputation?: { params?: Partial<ReputationParams>; reputations?: Reputation[] };
  /** alice's udgrid */
  funds?: bigint;
  /** the test model's agreement policy (default exact) */
  policy?: AgreementPolicy;
}

export async function setup(
  behaviours: Behaviour[],
  params: Partial<ReturnType<typeof inferenceDefaults>> = {},
  options: SetupOptions = {},
): Promise<Setup> {
  const vals = ["v0", "v1", "v2", "v3"].map((n) => fakeValidator(n));
  const net = newNet(vals, behaviours);
  const alice = await testKey("alice");
  const creator = await testKey("creator");
  const state: Record<string, unknown> = genesis([
    { address: alice.address, coins: [{ denom: "udgrid", amount: String(options.funds ?? 100_000_000n) }] },
    { address: creator.address, coins: [{ denom: "udgrid", amount: "1" }] },
  ]);
  state.registry = modelGenesis(
    vals.map((v) => v.operator),
    creator.address,
    options.policy,
  );
  state.inference = snakeKeys(
    InferenceGenesis.toJSON({
      params: { ...inferenceDefaults(), ...params },
      nextRequestId: 1n,
      requests: [],
      results: [],
    }),
  );
  if (options.reputation) {
    state.reputation = snakeKeys(
      ReputationGenesis.toJSON({
        params: { ...reputationDefaults(), ...options.reputation.params },
        reputations: options.reputation.reputations ?? [],
        validatorStats: [],
      }),
    );
  }
  await initNet(net, state);
  return { net, alice, creator, seq: 0n };
}

export function requestMsg(
  s: Setup,
  inputs: number[],
  redundancy: number,
  over: { inputs?: NamedTensor[]; maxFee?: string } = {},
) {
  return {
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    value: {
      requester: s.alice.address,
      modelId: MODEL_ID,
      inputs: over.inputs ?? namedFromTensors({ x: f32(inputs, [inputs.length / 4, 4]) }),
      maxFee: { denom: "udgrid", amount: over.maxFee ?? "100000" },
      redundancy,
    },
  };
}

export async function requestTx(s: Setup, inputs: number[], redundancy: number): Promise<Uint8Array> {
  return signed(s, [requestMsg(s, inputs, redundancy)]);
}

/** alice's tx with these messages at her next sequence. */
export async function signed(s: Setup, msgs: { typeUrl: string; value: unknown }[]): Promise<Uint8Array> {
  const tx = await signWithRegistry(s.alice, msgs, s.seq, registry);
  s.seq++;
  return tx;
}

export async function signWithRegistry(
  key: TestKey,
  msgs: { typeUrl: string; value: unknown }[],
  sequence: bigint,
  reg: Registry,
): Promise<Uint8Array> {
  // app/helpers' signTx encodes with the default registry; this one knows the dgrid messages
  const bodyBytes = reg.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: msgs, memo: "" } });
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(key.pubkey)), sequence }],
    [{ denom: "udgrid", amount: TX_FEE.toString() }],
    400_000,
    undefined,
    undefined,
  );
  const doc = makeSignDoc(bodyBytes, authInfoBytes, "dgrid-inference-test", 0);
  const { signature } = await key.wallet.signDirect(key.address, doc);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature.signature)] }).finish();
}

export async function query<T>(
  s: Setup,
  path: string,
  data: Uint8Array,
  dec: { decode(b: Uint8Array): T },
): Promise<T> {
  const r = await s.net.nodes[0].app.query({ path, data, height: 0n, prove: false });
  assert.equal(r.code, 0, r.log);
  return dec.decode(r.value);
}

export async function balance(s: Setup, address: string): Promise<bigint> {
  const r = await query(
    s,
    "/cosmos.bank.v1beta1.Query/Balance",
    QueryBalanceRequest.encode({ address, denom: "udgrid" }).finish(),
    QueryBalanceResponse,
  );
  return BigInt(r.balance?.amount ?? "0");
}

export async function result(s: Setup, id: bigint) {
  const r = await s.net.nodes[0].app.query({
    path: "/dgrid.inference.v1.Query/Result",
    data: QueryResultRequest.encode({ id }).finish(),
    height: 0n,
    prove: false,
  });
  return r.code === 0 ? QueryResultResponse.decode(r.value).result : undefined;
}

export async function request(s: Setup, id: bigint) {
  return (
    await query(
      s,
      "/dgrid.inference.v1.Query/Request",
      QueryRequestRequest.encode({ id }).finish(),
      QueryRequestResponse,
    )
  ).request!;
}

export async function reputationOf(s: Setup, validator: string): Promise<Reputation> {
  return (
    await query(
      s,
      "/dgrid.reputation.v1.Query/Reputation",
      QueryReputationRequest.encode({ validator }).finish(),
      QueryReputationResponse,
    )
  ).reputation!;
}

export async function score(s: Setup, validator: string): Promise<bigint> {
  return (await reputationOf(s, validator)).scorePpm;
}

export async function runUntilSettled(s: Setup, id: bigint, maxBlocks = 30) {
  for (let i = 0; i < maxBlocks; i++) {
    const r = await result(s, id);
    if (r) return r;
    await step(s.net);
  }
  assert.fail(`request ${id} not settled in ${maxBlocks} blocks`);
}
