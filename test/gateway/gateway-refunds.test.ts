// The gateway's answers that charge nothing or give the fee back, on one devnet node whose genesis
// also registers a model the validator serves but whose file no node has (so a request for it is
// assigned, never committed, and refunded as expired at the commit deadline): a refunded call is a
// 502 naming the refund and the payer is out of the tx fee only; under an InferenceAuthorization the
// refunded fee returns to the authorization's limit; an unknown model is a 404; an exceeded or an
// expired authorization is a 402 with the chain's reason and moves no balance.
// Run under `flock /tmp/dgrid-e2e.lock`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { sha256, stringToPath } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { createProtobufRpcClient, QueryClient } from "@cosmjs/stargate";
import { wrapFetchWithPayment } from "@x402/fetch";
import { QueryClientImpl as AuthzQuery } from "cosmjs-types/cosmos/authz/v1beta1/query";
import { MsgGrant } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { DEVNET_MNEMONIC, devnetAddress, devnetWallet } from "../../app/devnet.ts";
import type { RunningGateway } from "../../app/gateway/gateway.ts";
import { nsToTimestamp } from "../../chain/baseapp/time.ts";
import { DGridClient, type SigningDGridClient } from "../../client/index.ts";
import { createDGridX402Client, type DGridX402Options } from "../../client/x402.ts";
import { DEMO_MODEL_PATH, demoModel, sha256Hex } from "../../models/demo.ts";
import { InferenceAuthorization } from "../../proto/gen/dgrid/inference/v1/authz.ts";
import { type DevnetNode, startDevnetNode } from "../support/devnet-node.ts";
import { startTestGateway } from "../support/test-gateway.ts";

const DEMO_ID = sha256Hex(new Uint8Array(readFileSync(DEMO_MODEL_PATH)));
/** the demo model's entry under an id no file has: served on chain, runnable nowhere */
const ABSENT_ID = toHex(sha256(new TextEncoder().encode("gateway test: a model no node has")));
const input = { dtype: "float32", shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => 1 - i / 16) };
const INFERENCE_AUTHZ = "/dgrid.inference.v1.InferenceAuthorization";
const REQUEST_MSG = "/dgrid.inference.v1.MsgRequestInference";

describe("x402 gateway refunds and refusals on a devnet node", { timeout: 120_000 }, () => {
  let node: DevnetNode;
  let gw: RunningGateway;
  let client: DGridClient;
  let owner: SigningDGridClient;
  let authz: AuthzQuery;
  let user = "";
  let userSigner: DirectSecp256k1HdWallet;
  const agents: { signer: DirectSecp256k1HdWallet; address: string }[] = [];

  before(async () => {
    const creator = await devnetAddress("creator");
    node = await startDevnetNode({ extraModels: [{ ...demoModel(creator), id: ABSENT_ID, name: "absent" }] });
    gw = await startTestGateway(node.rpcUrl);
    client = await DGridClient.connect(node.rpcUrl);
    authz = new AuthzQuery(createProtobufRpcClient(new QueryClient(client.comet)));
    userSigner = await devnetWallet("user");
    user = await devnetAddress("user");
    owner = await DGridClient.connectWithSigner(node.rpcUrl, userSigner);
    // three agents, each with an account for its own tx fees
    for (const i of [11, 12, 13]) {
      const signer = await DirectSecp256k1HdWallet.fromMnemonic(DEVNET_MNEMONIC, {
        prefix: "dgrid",
        hdPaths: [stringToPath(`m/44'/118'/0'/0/${i}`)],
      });
      agents.push({ signer, address: (await signer.getAccounts())[0].address });
    }
    await owner.submit(
      agents.map((a) => ({
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: { fromAddress: user, toAddress: a.address, amount: [{ denom: "udgrid", amount: "1000000" }] },
      })),
    );
  });
  after(async () => {
    owner?.disconnect();
    client?.disconnect();
    await gw?.close();
    await node?.stop();
  });

  const balance = async (a: string) => BigInt((await client.getBalance(a, "udgrid")).amount);
  const url = (model: string) => `${gw.url}/v1/models/${model}/infer`;
  const pay = (signer: DirectSecp256k1HdWallet, model: string, o: Partial<DGridX402Options> = {}) =>
    wrapFetchWithPayment(fetch, createDGridX402Client(signer, { rpcUrl: node.rpcUrl, ...o }))(url(model), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
  const grant = (grantee: string, spendLimit: string, expirationMs?: number) =>
    owner.submit([
      {
        typeUrl: MsgGrant.typeUrl,
        value: MsgGrant.fromPartial({
          granter: user,
          grantee,
          grant: {
            authorization: {
              typeUrl: INFERENCE_AUTHZ,
              value: InferenceAuthorization.encode(
                InferenceAuthorization.fromPartial({ spendLimit: [{ denom: "udgrid", amount: spendLimit }] }),
              ).finish(),
            },
            expiration: expirationMs === undefined ? undefined : nsToTimestamp(BigInt(expirationMs) * 1_000_000n),
          },
        }),
      },
    ]);
  const limitLeft = async (grantee: string) => {
    const { grants } = await authz.Grants({ granter: user, grantee, msgTypeUrl: REQUEST_MSG });
    return InferenceAuthorization.decode(grants[0].authorization?.value ?? new Uint8Array()).spendLimit[0]?.amount;
  };

  it("an unknown model is a 404 before any payment", async () => {
    const before = await balance(user);
    const res = await pay(userSigner, "ef".repeat(32));
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, "unknown_model");
    assert.match(body.message, /not registered/);
    assert.equal(await balance(user), before);
  });

  it("a request the chain refunds is a 502 naming the refund; the payer is out of the tx fee only", async () => {
    const before = await balance(user);
    const res = await pay(userSigner, ABSENT_ID);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(res.status, 502, JSON.stringify(body));
    assert.equal(body.error, "refunded: expired");
    assert.match(body.message, new RegExp(`returned 1000udgrid to ${user}`));
    assert.ok(res.headers.get("PAYMENT-RESPONSE"), "the settlement (tx hash) is still reported");
    assert.equal(before - (await balance(user)), 10_000n);
  });

  it("a refunded request paid under an InferenceAuthorization gives its fee back to the limit", async () => {
    const [agent] = agents;
    await grant(agent.address, "5000");
    const before = [await balance(user), await balance(agent.address)];
    const res = await pay(agent.signer, ABSENT_ID, { granter: user });
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as { error: string }).error, "refunded: expired");
    assert.equal(await limitLeft(agent.address), "5000");
    // the granter got the inference fee back; the agent paid its tx fee
    assert.deepEqual([await balance(user), await balance(agent.address)], [before[0], before[1] - 10_000n]);
    // and the same authorization still pays for a call that runs
    const ok = await pay(agent.signer, DEMO_ID, { granter: user });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(await limitLeft(agent.address), "4000");
  });

  it("an exceeded InferenceAuthorization is a 402 with insufficient_funds and moves nothing", async () => {
    const agent = agents[1];
    await grant(agent.address, "999");
    const before = [await balance(user), await balance(agent.address)];
    const res = await pay(agent.signer, DEMO_ID, { granter: user });
    assert.equal(res.status, 402);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, "insufficient_funds");
    assert.match(body.message, /1000udgrid is more than the spend limit left/);
    assert.deepEqual([await balance(user), await balance(agent.address)], before);
    assert.equal(await limitLeft(agent.address), "999");
  });

  it("an expired InferenceAuthorization is a 402 naming the missing grant and moves nothing", async () => {
    const agent = agents[2];
    const expiry = Date.now() + 3_000;
    await grant(agent.address, "100000", expiry);
    // until a block after the expiry is committed (the chain's time, not this clock)
    for (;;) {
      const t = Date.parse((await client.comet.block()).block.header.time.toISOString());
      if (t > expiry) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const before = [await balance(user), await balance(agent.address)];
    const res = await pay(agent.signer, DEMO_ID, { granter: user });
    assert.equal(res.status, 402);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, "transaction_simulation_failed");
    assert.match(body.message, /grant/);
    assert.deepEqual([await balance(user), await balance(agent.address)], before);
  });
});
