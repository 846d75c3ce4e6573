// Send one inference request to a DGrid node and print what happens to it, then the output.
//
//   npm run example:request                      # against a devnet on http://127.0.0.1:26657
//   DGRID_RPC=http://127.0.0.1:26667 DGRID_MNEMONIC="..." npm run example:request
//
// The default mnemonic is the devnet's and localnet's PUBLIC development account: never send real
// funds to it. In your own project, `npm install @dgrid/client` and copy this file as it is.
import {
  DGRID_DENOM,
  DGridClient,
  type Model,
  RequestStatus,
  resultTensors,
  type Tensor,
  tensorFromArray,
  tensorToArray,
} from "@dgrid/client";

const rpcUrl = process.env.DGRID_RPC || "http://127.0.0.1:26657";
const mnemonic =
  process.env.DGRID_MNEMONIC ||
  "just blush fossil main social sheriff print course finger dawn pair garlic erode senior copy doll token flip win eyebrow joke scene trouble obvious";

type Spec = Model["inputs"][number];

/** An input for `spec`: its dtype and shape (symbolic dimensions such as "batch" set to 1), values 0, 1, 2, ... */
function sampleInput(spec: Spec): Tensor {
  const shape = spec.shape.map((d) => d.size || 1);
  const count = shape.reduce((a, b) => a * b, 1);
  const ramp = Array.from({ length: count }, (_, i) => i);
  switch (spec.dtype) {
    case "float32":
      return tensorFromArray(Float32Array.from(ramp), shape);
    case "float64":
      return tensorFromArray(Float64Array.from(ramp), shape);
    case "int32":
      return tensorFromArray(Int32Array.from(ramp), shape);
    case "int64":
      return tensorFromArray(BigInt64Array.from(ramp, BigInt), shape);
    default:
      throw new Error(`input ${spec.name}: this example builds float32/float64/int32/int64 inputs, not ${spec.dtype}`);
  }
}

const describeShape = (t: { dtype: string; shape: readonly number[] }) => `${t.dtype}[${t.shape.join(", ")}]`;

const client = await DGridClient.fromMnemonic(rpcUrl, mnemonic);
try {
  const balance = await client.getBalance(client.address, DGRID_DENOM);
  console.log(`account ${client.address} on ${await client.getChainId()}: ${balance.amount}${balance.denom}`);

  const { models } = await client.query.registry.models();
  for (const m of models)
    console.log(`model ${m.id} ${m.name} v${m.version}, ${m.pricePerCall?.amount}${m.pricePerCall?.denom} a call`);
  const model = models.find((m) => !m.delisted);
  if (!model) throw new Error(`no models registered on ${rpcUrl}`);

  const inputs = Object.fromEntries(model.inputs.map((spec) => [spec.name, sampleInput(spec)]));
  for (const [name, t] of Object.entries(inputs)) console.log(`input ${name}: ${describeShape(t)}`);

  const { requestId, height, transactionHash } = await client.requestInference(model.id, inputs);
  console.log(`request ${requestId} (tx ${transactionHash} at height ${height})`);

  for await (const update of client.watchRequest(requestId, { timeoutMs: 120_000 })) {
    console.log(`  ${update.state}${update.height === undefined ? "" : ` at height ${update.height}`}`);
    if (update.state === "refunded") throw new Error(`request ${requestId} refunded: ${update.result.reason}`);
    if (update.state === "finalized") {
      if (update.result.status === RequestStatus.REQUEST_STATUS_FAILED)
        throw new Error(`request ${requestId} failed on its input: ${update.result.reason}`);
      for (const [name, t] of Object.entries(resultTensors(update.result)))
        console.log(`output ${name} ${describeShape(t)}: ${Array.from(tensorToArray(t), String).join(", ")}`);
    }
  }
} finally {
  client.disconnect();
}
