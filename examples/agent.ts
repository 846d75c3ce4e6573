// An AI agent buys one inference through a DGrid x402 gateway, paid from its owner's account within the
// limits `dgrid agent create` granted it: wrapFetchWithDGridPayment (@x402/fetch underneath) answers the
// gateway's `402 Payment Required` by signing a MsgExec of a MsgRequestInference of the agent's own
// input, after checking that the terms are for that model and input (the owner pays the inference fee
// through the agent's InferenceAuthorization, and the tx fee through its fee allowance), and retries
// with it. The agent never holds udgrid.
//
//   npm run example:agent -- AGENT_FILE      # the JSON `dgrid agent create ... -o json` wrote
//   DGRID_RPC=http://127.0.0.1:26667 DGRID_GATEWAY=http://127.0.0.1:8402 npm run example:agent -- AGENT_FILE
//
// In your own project, `npm install @dgrid/client` and copy this file as it is.
import { readFileSync } from "node:fs";
import { DGridClient, type TensorJson, tensorFromJson, tensorValues, walletFromMnemonic } from "@dgrid/client";
import { wrapFetchWithDGridPayment } from "@dgrid/client/x402";

const rpcUrl = process.env.DGRID_RPC || "http://127.0.0.1:26657";
const gateway = process.env.DGRID_GATEWAY || "http://127.0.0.1:8402";
/** the demo MLP of the devnet and localnet genesis: float32 input [1, 16] -> output [1, 4] */
const modelId = process.env.DGRID_MODEL || "390b5ac2db15c4eb6831a42646feac6dd284d7a5f1a5a6d0635b6cae7ecb0cd7";

const file = process.argv[2];
if (!file) throw new Error("usage: npm run example:agent -- AGENT_FILE (the output of dgrid agent create -o json)");
const agent = JSON.parse(readFileSync(file, "utf8")) as { address: string; mnemonic: string; owner: string };

const signer = await walletFromMnemonic(agent.mnemonic);
const pay = wrapFetchWithDGridPayment(fetch, signer, { rpcUrl, granter: agent.owner, feeGranter: agent.owner });

const input = { dtype: "float32", shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i / 4 - 2) };
console.log(`agent ${agent.address} (owner ${agent.owner}) calls model ${modelId} through ${gateway}`);
const res = await pay(`${gateway}/v1/models/${modelId}/infer`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(input),
});
const body = (await res.json()) as {
  error?: string;
  message?: string;
  requestId: string;
  txHash: string;
  height: number;
  outputs: Record<string, TensorJson>;
  receipt: { outputHash: string; agreeing: string[] };
};
if (!res.ok) {
  console.error(`refused: ${res.status} ${body.error}: ${body.message}`);
  process.exit(1);
}
console.log(`request ${body.requestId} (tx ${body.txHash} at height ${body.height})`);
for (const [name, t] of Object.entries(body.outputs))
  console.log(`output ${name}: ${JSON.stringify(tensorValues(tensorFromJson(t)))}`);

// the receipt against the chain's own record of the result (not the gateway's word)
const client = await DGridClient.connect(rpcUrl);
try {
  const stored = await client.query.inference.result(BigInt(body.requestId));
  const hash = Buffer.from(stored.outputHash).toString("hex");
  if (hash !== body.receipt.outputHash)
    throw new Error(`receipt output hash ${body.receipt.outputHash} != chain's ${hash}`);
  console.log(`receipt checked against the chain: output hash ${hash}, agreed by ${body.receipt.agreeing.join(", ")}`);
} finally {
  client.disconnect();
}
