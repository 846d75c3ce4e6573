// AI agents end to end on a 2-validator localnet (redundancy 2), following the README's "Agents"
// section literally (its `sh` blocks, changing only the home, the node's RPC and the gateway's port,
// as the section says a user may): the owner (the development account, recovered from its mnemonic)
// runs `dgrid agent create` with a 10000udgrid inference limit and a fee allowance for an agent key that
// holds no udgrid; `dgrid gateway` runs as a process; examples/agent.ts makes the first paid call.
// Then, through @x402/fetch's wrapFetchWithPayment and createDGridX402Client as the agent:
// - a call the chain refunds (a model the genesis says both validators serve, whose file no node has:
//   expired at the commit deadline) is a 502, and the authorization gets its fee back;
// - calls until the limit is used up, every output equal to a direct onnxruntime run of the model under
//   its agreement policy; the next call is refused with the chain's reason and moves no balance;
// - the owner's balance fell by exactly the settled payouts (creator, executors, community pool, from
//   the request_finalized events) plus the tx fees its fee allowance paid; the agent still holds none;
// - a replayed PAYMENT-SIGNATURE is refused; a revoked grant is refused from the block of the revoke;
//   a grant made with a short --expiration (by another owner, validator 1's operator, so that it runs
//   beside the README's commands) is refused once the chain's time passes it.
// Run under `flock /tmp/dgrid-e2e.lock`.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { QueryClient } from "@cosmjs/stargate";
import { decodePaymentResponseHeader } from "@x402/core/http";
import { wrapFetchWithPayment } from "@x402/fetch";
import { QueryGrantsRequest, QueryGrantsResponse } from "cosmjs-types/cosmos/authz/v1beta1/query";
import { AllowedMsgAllowance, BasicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { QueryAllowanceRequest, QueryAllowanceResponse } from "cosmjs-types/cosmos/feegrant/v1beta1/query";
import ort from "onnxruntime-node";
import { agentGrantMsgs } from "../../app/cli/agent-impl.ts";
import { DEVNET_MNEMONIC, devnetAccountAddress, devnetAddress, devnetWallet } from "../../app/devnet.ts";
import { genesisPath } from "../../chain/node/config.ts";
import { agrees, policyFromProto } from "../../chain/tensor/agreement.ts";
import { type TensorJson, tensorFromJson } from "../../chain/tensor/json.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { DGridClient, walletFromMnemonic } from "../../client/index.ts";
import { createDGridX402Client } from "../../client/x402.ts";
import { DEMO_MODEL_PATH, demoModel } from "../../models/demo.ts";
import { InferenceAuthorization } from "../../proto/gen/dgrid/inference/v1/authz.ts";
import { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import type { Tensor } from "../../validator/executor/types.ts";
import { createTestLocalnet, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { valoperOf } from "../support/localnet-staking.ts";
import { PINNED, sha256Hex } from "../support/models.ts";
import { dgrid, dgridBin, freePort } from "../support/node-process.ts";
import { type BashRun, readmeSection, runBash, shellCommands } from "../support/readme.ts";
import { testTempDir } from "../support/temp-dir.ts";

const DEMO = new Uint8Array(readFileSync(DEMO_MODEL_PATH));
const DEMO_ID = sha256Hex(DEMO);
/** the demo model's entry under an id no file has: served on chain, runnable nowhere */
const ABSENT_ID = toHex(sha256(new TextEncoder().encode("agents e2e: a model no node has")));
const REQUEST_MSG = "/dgrid.inference.v1.MsgRequestInference";
/** what the README tells a user to change */
const README_HOME = "~/.dgrid-agents";
const README_RPC = "http://127.0.0.1:26657";
const README_LADDR = "tcp://127.0.0.1:8402";
/** the gateway's default payment tx fee: 400000 gas at 0.025udgrid */
const TX_FEE = 10_000n;

type AgentFile = { name: string; address: string; mnemonic: string; owner: string };
type GatewayBody = {
  error?: string;
  message?: string;
  requestId: string;
  txHash: string;
  outputs: Record<string, TensorJson>;
  receipt: { height: number; outputHash: string };
};

/** Registers `model` in every home's genesis as served by both validators (before the nodes start). */
function addServedModel(net: TestLocalnet, model: Model): void {
  const servers = net.nodes
    .filter((n) => n.validator)
    .map((n) => ({ model_id: model.id, validator: valoperOf(n), provider: "cpu", since_height: "0" }));
  for (const n of net.nodes) {
    const doc = JSON.parse(readFileSync(genesisPath(n.home), "utf8"));
    const registry = doc.app_state.registry;
    (registry.models ??= []).push(snakeKeys(Model.toJSON(model)));
    (registry.servers ??= []).push(...servers);
    writeFileSync(genesisPath(n.home), JSON.stringify(doc, null, 2));
  }
}

/** The demo model run by onnxruntime-node here, with the pinned session options it is registered with. */
async function directRun(inputs: { name: string; dtype: string; shape: number[]; data: Uint8Array }[]) {
  const session = await ort.InferenceSession.create(DEMO, { ...PINNED, executionProviders: ["cpu"] });
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of inputs) feeds[t.name] = new ort.Tensor("float32", new Float32Array(t.data.slice().buffer), t.shape);
  const out = await session.run(feeds);
  const res: Record<string, Tensor> = {};
  for (const k of session.outputNames) {
    const d = out[k].data as Float32Array;
    res[k] = { dtype: "float32", shape: [...out[k].dims], data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
  }
  await session.release();
  return res;
}

const amountOf = (coin: string) => (coin === "" ? 0n : BigInt(/^(\d+)udgrid$/.exec(coin)![1]));

describe("AI agents on a localnet: the README's agent, x402 gateway and limits", { timeout: 420_000 }, () => {
  let net: TestLocalnet;
  let rpcUrl = "";
  let client: DGridClient;
  let qc: QueryClient;
  let gateway: BashRun | undefined;
  let gatewayUrl = "";
  let home = "";
  let env: NodeJS.ProcessEnv;
  let owner = "";
  let agent: AgentFile;
  /** revoked in its test */
  let agent2: AgentFile;
  /** its grants, from validator 1's operator, expire during the run */
  let agent3: AgentFile;
  let agent3Created: Promise<AgentFile>;
  let agent3Expiry = 0;
  let ownerBefore = 0n;
  /** finalized requests paid by the owner since ownerBefore, and the paid txs (each one TX_FEE) */
  const finalized: { id: string; height: number }[] = [];
  let paidTxs = 0;
  /** a paid call's PAYMENT-SIGNATURE and the input it paid for */
  let replayable = { header: "", data: [] as number[] };

  const balance = async (a: string) => BigInt((await client.getBalance(a, "udgrid")).amount);
  /** the agent's inference limit left from the owner at `height` (latest when absent); null: no grant */
  const limitLeft = async (grantee: string, height?: number, granter = owner): Promise<bigint | null> => {
    let value: Uint8Array;
    try {
      ({ value } = await qc.queryAbci(
        "/cosmos.authz.v1beta1.Query/Grants",
        QueryGrantsRequest.encode({ granter, grantee, msgTypeUrl: REQUEST_MSG }).finish(),
        height,
      ));
    } catch (e) {
      if (/no authorization found|not found/i.test(String(e))) return null;
      throw e;
    }
    const [g] = QueryGrantsResponse.decode(value).grants;
    if (!g) return null;
    const a = InferenceAuthorization.decode(g.authorization!.value);
    return BigInt(a.spendLimit.find((c) => c.denom === "udgrid")?.amount ?? "0");
  };
  /** the owner's fee allowance left for the agent (AllowedMsgAllowance over a BasicAllowance) */
  const feeAllowanceLeft = async (grantee: string): Promise<bigint> => {
    const { value } = await qc.queryAbci(
      "/cosmos.feegrant.v1beta1.Query/Allowance",
      QueryAllowanceRequest.encode({ granter: owner, grantee }).finish(),
    );
    const allowed = AllowedMsgAllowance.decode(QueryAllowanceResponse.decode(value).allowance!.allowance!.value);
    const basic = BasicAllowance.decode(allowed.allowance!.value);
    return BigInt(basic.spendLimit.find((c) => c.denom === "udgrid")?.amount ?? "0");
  };
  const cli = async (args: string[]) =>
    JSON.parse(
      (await dgrid([...args, "--home", home, "--keyring-backend", "test", "--node", rpcUrl, "-o", "json"])).stdout,
    );
  /** a paid call as `who` through wrapFetchWithPayment; the PAYMENT-SIGNATURE it sent is kept */
  const call = async (who: AgentFile, model: string, data: number[]) => {
    let sent = "";
    const pay = wrapFetchWithPayment(
      async (input, init) => {
        const r = new Request(input, init);
        sent = r.headers.get("PAYMENT-SIGNATURE") ?? sent;
        return fetch(r);
      },
      createDGridX402Client(await walletFromMnemonic(who.mnemonic), {
        rpcUrl,
        granter: who.owner,
        feeGranter: who.owner,
      }),
    );
    const res = await pay(`${gatewayUrl}/v1/models/${model}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dtype: "float32", shape: [1, 16], data }),
    });
    return { res, body: (await res.json()) as GatewayBody, sent };
  };
  /** the request's inputs as the chain stored them, run here, agree with `outputs` under the model's policy */
  const assertDirectRun = async (requestId: string, outputs: Record<string, Tensor>) => {
    const req = await client.query.inference.request(BigInt(requestId));
    const { model } = await client.query.registry.model(DEMO_ID);
    const expected = await directRun(req.inputs);
    assert.ok(agrees(policyFromProto(model.policy!), expected, outputs), `request ${requestId}: outputs disagree`);
  };
  /** balances of the owner and the agents: a refused call moves none */
  const balances = async () =>
    Promise.all([owner, agent.address, agent2.address, agent3.owner, agent3.address].map(balance));

  before(async () => {
    net = await createTestLocalnet({ validators: 2, params: { inference: { default_redundancy: 2 } } });
    addServedModel(net, { ...demoModel(await devnetAddress("creator")), id: ABSENT_ID, name: "absent" });
    net.start(0);
    net.start(1);
    await waitAllHeight(net.nodes, 3, 120_000);
    rpcUrl = net.nodes[0].rpcUrl;
    client = await DGridClient.connect(rpcUrl);
    qc = new QueryClient(client.comet);
    owner = await devnetAccountAddress();
    // both validators check the demo model's golden vectors, then serve it
    for (;;) {
      const { servers } = await client.query.registry.modelServers(DEMO_ID);
      if (servers.length === 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // an agent whose grants expire during the run: `agent create --expiration` by another owner (validator
    // 1's operator, whose node sent its last tx, MsgServeModel, above), so it runs beside the README's
    // commands; the CLI must start, sign and get into a block before the expiry (seconds; 75 s leaves
    // room for a loaded machine, and the last test waits out what is left of it)
    agent3Expiry = Math.floor(Date.now() / 1000) + 75;
    agent3Created = dgrid([
      ...["agent", "create", "agent3", "--owner", "validator", "--spend-limit", "10000udgrid"],
      ...["--expiration", `${agent3Expiry}`, "-y", "--home", net.nodes[1].home, "--keyring-backend", "test"],
      ...["--node", rpcUrl, "-o", "json"],
    ]).then((r) => ({ name: "agent3", ...JSON.parse(r.stdout) }));
    agent3Created.catch(() => {}); // awaited in the first test
  });
  after(async () => {
    await gateway?.stop();
    client?.disconnect();
    await net?.cleanup();
  });

  it("the README's commands: the owner creates the agent, the gateway runs, examples/agent.ts pays a call", async () => {
    const { text, blocks } = readmeSection("Agents");
    assert.equal(blocks.length, 3, "create the agent, run the gateway, call it");
    assert.ok(blocks[0].includes(DEVNET_MNEMONIC), "the owner is the development account npm start funds");
    assert.match(text, /`~\/\.dgrid-agents` below: any folder will do, replace it\s+everywhere/);
    for (const name of ["DGRID_NODE", "DGRID_RPC", "DGRID_GATEWAY"])
      assert.ok(text.includes(name), `the README documents ${name}`);
    home = testTempDir("dgrid-agents-");
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    const sub = (s: string) =>
      s
        .replaceAll(README_HOME, home)
        .replaceAll(README_RPC, rpcUrl)
        .replaceAll(README_LADDR, `tcp://127.0.0.1:${port}`);
    env = {
      ...process.env,
      DGRID_BIN: dgridBin,
      DGRID_HOME: "",
      DGRID_NODE: rpcUrl,
      DGRID_RPC: rpcUrl,
      DGRID_GATEWAY: gatewayUrl,
    };

    const [gatewayLine] = shellCommands(blocks[1]);
    assert.match(gatewayLine, /^npx dgrid gateway --node /);
    gateway = runBash(sub(gatewayLine), env, { detached: true });
    const running = gateway;

    // 1. the owner's key, the agent and its limits in one tx, what is left
    const create = shellCommands(blocks[0]).find((c) => c.startsWith("npx dgrid agent create"))!;
    assert.match(create, /--spend-limit 10000udgrid/);
    assert.match(create, /--fee-allowance \d+udgrid/);
    const setup = runBash(sub(blocks[0]), env);
    assert.equal(await setup.done, 0, setup.output());
    agent = JSON.parse(readFileSync(join(home, "my-agent.json"), "utf8"));
    assert.equal(agent.owner, owner, "the owner is the development account");
    assert.match(agent.mnemonic, /^(\w+ ){23}\w+$/);
    assert.equal(await balance(agent.address), 0n, "the agent holds no udgrid");
    assert.match(
      setup.output(),
      /inference:[\s\S]*?spend_limit:\s+- denom: udgrid\s+amount: "?10000"?$/m,
      "agent show: the limit",
    );
    assert.equal(await limitLeft(agent.address), 10_000n);

    // a second agent, its grants signed in process with the messages `agent create` sends (for the
    // revoke below)
    const ownerClient = await DGridClient.connectWithSigner(rpcUrl, await devnetWallet("user"));
    const wallet2 = await DirectSecp256k1HdWallet.generate(24, { prefix: "dgrid" });
    const [account2] = await wallet2.getAccounts();
    agent2 = { name: "agent2", address: account2.address, mnemonic: wallet2.mnemonic, owner };
    await ownerClient.submit(agentGrantMsgs(agent2.address, { spendLimit: "10000udgrid" })(owner, false));
    ownerClient.disconnect();
    assert.equal(await limitLeft(agent2.address), 10_000n);

    // 2. the gateway (started with step 1: it needs only the node), until Ctrl-C
    for (let i = 0; ; i++) {
      if (running.child.exitCode !== null) assert.fail(`the gateway exited:\n${running.output()}`);
      if (
        await fetch(`${gatewayUrl}/supported`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      assert.ok(i < 120, `the gateway did not answer:\n${running.output()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    agent3 = await agent3Created;
    assert.equal(agent3.owner, net.nodes[1].operatorAddress);
    assert.equal(await limitLeft(agent3.address, undefined, agent3.owner), 10_000n);
    ownerBefore = await balance(owner);

    // 3. the agent's first call, through the example
    const example = runBash(sub(blocks[2]), env);
    const code = await example.done;
    const out = example.output();
    assert.equal(code, 0, `${out}\n--- gateway:\n${running.output().slice(-3000)}`);
    const id = /request (\d+) \(tx [0-9A-F]+ at height \d+\)/.exec(out)?.[1];
    assert.ok(id, out);
    assert.match(out, /receipt checked against the chain/);
    const printed = JSON.parse(/output output: (\[.*\])/.exec(out)![1]) as number[];
    const data = new Uint8Array(Float32Array.from(printed).buffer);
    await assertDirectRun(id, { output: { dtype: "float32", shape: [1, 4], data } });
    const result = await client.query.inference.result(BigInt(id));
    finalized.push({ id, height: Number(result.height) });
    paidTxs++;
    assert.equal(await limitLeft(agent.address), 8_000n, "2 executors x 1000udgrid");
  });

  it("a request the chain refunds is a 502 and gives the authorization its fee back", async () => {
    const left = await limitLeft(agent.address);
    const { res, body } = await call(agent, ABSENT_ID, Array(16).fill(0.5));
    assert.equal(res.status, 502, JSON.stringify(body));
    assert.equal(body.error, "refunded: expired");
    paidTxs++;
    const settled = decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE") ?? "");
    const included = Number((settled.extra as { height: number }).height);
    assert.equal(await limitLeft(agent.address, included), left! - 2_000n, "spent at inclusion");
    assert.equal(await limitLeft(agent.address), left, "given back at the refund");
  });

  it("calls until the limit is used up, each output a direct onnxruntime run's; the next is refused, moving nothing", async () => {
    let left = (await limitLeft(agent.address)) ?? 0n;
    let i = 0;
    for (; left > 0n; i++) {
      const data = Array.from({ length: 16 }, (_, k) => Math.sin(k + i));
      const { res, body, sent } = await call(agent, DEMO_ID, data);
      assert.equal(res.status, 200, JSON.stringify(body));
      replayable = { header: sent, data };
      paidTxs++;
      const outputs = Object.fromEntries(Object.entries(body.outputs).map(([k, t]) => [k, tensorFromJson(t)]));
      await assertDirectRun(body.requestId, outputs);
      finalized.push({ id: body.requestId, height: body.receipt.height });
      const now = (await limitLeft(agent.address)) ?? 0n;
      assert.equal(now, left - 2_000n);
      left = now;
    }
    assert.equal(i, 4, "8000udgrid left at 2000udgrid a call");
    assert.equal(await limitLeft(agent.address), null, "a used-up grant is deleted");

    const before = await balances();
    const { res, body } = await call(agent, DEMO_ID, Array(16).fill(1));
    assert.equal(res.status, 402);
    assert.equal(body.error, "transaction_simulation_failed", body.message);
    assert.match(body.message ?? "", /authorization not found|no authorization|grant/i);
    assert.deepEqual(await balances(), before, "a refused call moves nothing");
  });

  it("the owner paid exactly what the chain settled plus the tx fees; the agent holds nothing", async () => {
    let settled = 0n;
    for (const f of finalized) {
      const events = (await client.comet.blockResults(f.height)).finalizeBlockEvents
        .filter((e) => e.type === "request_finalized")
        .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
      const ev = events.find((e) => e.request_id === f.id);
      assert.ok(ev, `request_finalized of ${f.id} at ${f.height}`);
      const paid = amountOf(ev.creator_paid) + amountOf(ev.executors_paid) + amountOf(ev.community_paid);
      assert.equal(paid, 2_000n, `request ${f.id}: the whole fee paid out`);
      settled += paid;
    }
    assert.equal(paidTxs, 6, "the example's call, the refunded one and four more");
    assert.equal(ownerBefore - (await balance(owner)), settled + BigInt(paidTxs) * TX_FEE);
    assert.equal(await balance(agent.address), 0n);
    assert.equal(await feeAllowanceLeft(agent.address), 100_000n - BigInt(paidTxs) * TX_FEE);
  });

  it("refuses a replayed PAYMENT-SIGNATURE", async () => {
    assert.ok(replayable.header);
    const before = await balances();
    const res = await fetch(`${gatewayUrl}/v1/models/${DEMO_ID}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json", "PAYMENT-SIGNATURE": replayable.header },
      body: JSON.stringify({ dtype: "float32", shape: [1, 16], data: replayable.data }),
    });
    assert.equal(res.status, 402);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, "payment_already_used", body.message);
    assert.deepEqual(await balances(), before);
  });

  it("a revoked grant is refused from the block of the revoke", async () => {
    const ok = await call(agent2, DEMO_ID, Array(16).fill(0.25));
    assert.equal(ok.res.status, 200, JSON.stringify(ok.body));
    const revoke = await cli([
      "tx",
      "authz",
      "revoke",
      agent2.address,
      REQUEST_MSG,
      "--from",
      "owner",
      "-y",
      "-b",
      "block",
    ]);
    assert.equal(revoke.code, 0, JSON.stringify(revoke));
    const h = Number(revoke.height);
    assert.equal(await limitLeft(agent2.address, h - 1), 8_000n, "granted until the block before");
    assert.equal(await limitLeft(agent2.address, h), null, "gone in the revoke's block");
    const before = await balances();
    const { res, body } = await call(agent2, DEMO_ID, Array(16).fill(0.25));
    assert.equal(res.status, 402);
    assert.equal(body.error, "transaction_simulation_failed", body.message);
    assert.match(body.message ?? "", /authorization not found|no authorization|grant/i);
    assert.deepEqual(await balances(), before);
  });

  it("an expired grant is refused", async () => {
    // until a block after the expiry is committed (the chain's time, not this clock)
    for (;;) {
      const t = (await client.comet.block()).block.header.time.getTime();
      if (t > agent3Expiry * 1000) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const before = await balances();
    const { res, body } = await call(agent3, DEMO_ID, Array(16).fill(0.75));
    assert.equal(res.status, 402);
    assert.equal(body.error, "transaction_simulation_failed", body.message);
    assert.match(body.message ?? "", /expired|grant|authorization/i);
    assert.deepEqual(await balances(), before);
  });
});
