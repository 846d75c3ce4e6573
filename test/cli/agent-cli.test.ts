// `dgrid agent create|grant|show` against a real DGridApp behind the fake RPC (the demo model served by
// one stand-in validator): the owner creates an agent in one tx; the agent, holding no udgrid, signs a
// MsgExec of a MsgRequestInference with fee granter = owner and it is accepted (the owner pays both
// fees); the agent's MsgSend with that fee granter is refused by the allowance (feegrant 7); `show`
// prints the decreased limits. Bad input fails before a key is made or a tx sent; a failed grant tx
// keeps the key and `agent grant` then does it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { DEMO_MODEL_PATH, demoModel } from "../../models/demo.ts";
import { GenesisState as RegistryGenesis } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { genesis } from "../app/helpers.ts";
import { FakeStakingKeeper, fakeValidator } from "../inference/harness.ts";
import { type AppNode, startGenesisAppNode } from "./app-node.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

const DEMO_ID = createHash("sha256").update(readFileSync(DEMO_MODEL_PATH)).digest("hex");
const udgrid = (amount: string | number | bigint) => [{ denom: "udgrid", amount: String(amount) }];

describe("agent CLI against the in-process app", () => {
  let app: AppNode;
  let alice: string;
  let bot: string;
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];
  const node = () => ["--node", app.node.url];
  const run = (args: string[]) =>
    cli([...args, ...(args[0] === "keys" ? [] : node()), ...(args[0] === "query" ? [] : ring)]);
  const json = async (args: string[]) => {
    const r = await run([...args, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const deliverOk = async (n = 1) => {
    const res = await app.deliver();
    assert.equal(res.txResults.length, n);
    for (const t of res.txResults) assert.equal(t.code, 0, t.log);
  };
  const balance = async (address: string) =>
    BigInt(
      (await json(["query", "bank", "balances", address])).balances.find((c: any) => c.denom === "udgrid")?.amount ??
        "0",
    );
  const limits = ["--spend-limit", "10000udgrid", "--max-fee-per-request", "3000udgrid", "--models", DEMO_ID];

  before(async () => {
    const r = await cli(["keys", "add", "alice", "--recover", ...ring, "-o", "json"], { stdin: KNOWN_MNEMONIC });
    assert.equal(r.code, 0, r.stderr);
    alice = JSON.parse(r.stdout).address;
    const validator = fakeValidator("val");
    const state: Record<string, unknown> = genesis([{ address: alice, coins: udgrid(1_000_000_000) }]);
    state.registry = snakeKeys(
      RegistryGenesis.toJSON({
        params: undefined,
        models: [demoModel(alice)],
        servers: [{ modelId: DEMO_ID, validator: validator.operator, provider: "cpu", sinceHeight: 0n }],
        conformanceFailures: [],
        modelStats: [],
        creatorEarnings: [],
      }),
    );
    app = (await startGenesisAppNode(state, { stakingKeeper: new FakeStakingKeeper([validator]) })).node;
  });
  after(async () => {
    await app?.node.close();
  });

  it("create makes the key and grants both limits in one tx; the agent holds nothing", async () => {
    const out = await json([
      "agent",
      "create",
      "bot",
      "--owner",
      "alice",
      ...limits,
      "--period",
      "24h",
      "--period-limit",
      "6000udgrid",
      "--fee-allowance",
      "50000udgrid",
      "--fees",
      "10000udgrid",
      "-y",
    ]);
    bot = out.address;
    assert.match(bot, /^dgrid1/);
    assert.equal(out.mnemonic.split(" ").length, 24);
    assert.equal(out.owner, alice);
    assert.deepEqual(out.may_spend.inference.models, DEMO_ID);
    assert.equal(out.may_spend.fee_allowance.spend_limit, "50000udgrid");
    assert.equal(out.may_spend.expiration, "never");
    assert.ok(out.next_steps.some((s: string) => s.includes(`--fee-granter ${alice}`)));
    assert.equal((await json(["keys", "show", "bot"])).address, bot);
    // one tx, two messages, both accepted in the block
    const tx = app.node.broadcast.at(-1)!;
    await deliverOk();
    assert.ok(tx);
    const shown = await json(["query", "tx", out.tx.txhash]);
    assert.deepEqual(
      shown.tx.body.messages.map((m: any) => m["@type"]),
      ["/cosmos.authz.v1beta1.MsgGrant", "/cosmos.feegrant.v1beta1.MsgGrantAllowance"],
    );
    assert.equal(await balance(bot), 0n);
    const allowance = (await json(["query", "feegrant", "grant", alice, bot])).allowance.allowance;
    assert.deepEqual(allowance.allowed_messages, ["/cosmos.authz.v1beta1.MsgExec"]);
    assert.deepEqual(allowance.allowance.spend_limit, udgrid(50000));
  });

  it("the agent (0 udgrid) runs MsgExec(MsgRequestInference) with fee granter = owner; a MsgSend is refused (feegrant 7)", async () => {
    const file = join(home, "request.json");
    const data = Buffer.from(new Float32Array(16).fill(0.5).buffer).toString("base64");
    const request = {
      "@type": "/dgrid.inference.v1.MsgRequestInference",
      requester: alice,
      model_id: DEMO_ID,
      inputs: [{ name: "input", dtype: "float32", shape: [1, 16], data }],
      max_fee: { denom: "udgrid", amount: "3000" },
    };
    writeFileSync(file, JSON.stringify({ messages: [request] }));
    const aliceBefore = await balance(alice);
    const r = await run([
      "tx",
      "authz",
      "exec",
      file,
      "--from",
      "bot",
      "--fee-granter",
      alice,
      "--gas",
      "400000",
      "--fees",
      "10000udgrid",
      "-y",
    ]);
    assert.equal(r.code, 0, r.stderr);
    await deliverOk();
    assert.equal(await balance(bot), 0n, "the agent still holds nothing");
    const spent = aliceBefore - (await balance(alice));
    // the tx fee, and the inference fee: the model's price 1000udgrid x its one serving executor
    assert.equal(spent, 11000n);

    const send = await run([
      "tx",
      "bank",
      "send",
      "bot",
      alice,
      "1udgrid",
      "--fee-granter",
      alice,
      "--fees",
      "10000udgrid",
      "-y",
    ]);
    assert.equal(send.code, 1);
    assert.match(send.stderr, /code 7 \(codespace feegrant\).*message not allowed/);

    const shown = await json(["agent", "show", "bot", "--owner", "alice"]);
    const inferenceFee = spent - 10000n;
    assert.equal(shown.agent, bot);
    assert.deepEqual(shown.inference.spend_limit, udgrid(10000n - inferenceFee));
    assert.deepEqual(shown.inference.period_can_spend, udgrid(6000n - inferenceFee));
    assert.deepEqual(shown.inference.allowed_models, [DEMO_ID]);
    assert.equal(shown.inference.expiration, "never");
    assert.deepEqual(shown.fee_allowance.spend_limit, udgrid(40000));
    assert.deepEqual(shown.fee_allowance.allowed_messages, ["/cosmos.authz.v1beta1.MsgExec"]);
    const text = await run(["agent", "show", bot, "--owner", alice]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /fee_allowance:\n\s+allowed_messages:/);
  });

  it("refuses an existing name, an unknown owner and malformed coins before making a key or sending", async () => {
    const sent = app.node.broadcast.length;
    const create = (name: string, owner: string, more: string[]) =>
      run(["agent", "create", name, "--owner", owner, ...more, "--fees", "10000udgrid", "-y"]);
    const exists = await create("bot", "alice", limits);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /key "bot" already exists/);
    const noOwner = await create("bot2", "nobody", limits);
    assert.match(noOwner.stderr, /key "nobody" not found/);
    const badCoins = await create("bot2", "alice", ["--spend-limit", "10000"]);
    assert.match(badCoins.stderr, /invalid coins "10000"/);
    const otherDenom = await create("bot2", "alice", ["--spend-limit", "5stake"]);
    assert.match(otherDenom.stderr, /--spend-limit must be an amount of udgrid/);
    const noLimit = await create("bot2", "alice", []);
    assert.match(noLimit.stderr, /--spend-limit is required/);
    assert.equal((await run(["keys", "show", "bot2"])).code, 1, "no key was made");
    assert.equal(app.node.broadcast.length, sent, "nothing was sent");
  });

  it("a failed grant tx keeps the key; agent grant then grants it, and replaces limits and allowance", async () => {
    // an owner who cannot pay the tx fee: CheckTx refuses the tx (sdk 5)
    const poor = await json(["keys", "add", "poor"]);
    const fund = await run(["tx", "bank", "send", "alice", poor.address, "100udgrid", "--fees", "10000udgrid", "-y"]);
    assert.equal(fund.code, 0, fund.stderr);
    await deliverOk();
    const failedJson = await run([
      "agent",
      "create",
      "bot4",
      "--owner",
      "poor",
      ...limits,
      "--fees",
      "10000udgrid",
      "-y",
      "-o",
      "json",
    ]);
    assert.equal(failedJson.code, 1);
    const kept = JSON.parse(failedJson.stdout);
    assert.equal(kept.mnemonic.split(" ").length, 24, "-o json prints the kept key's mnemonic too");
    assert.equal(kept.tx.code, 5);
    const failed = await run(["agent", "create", "bot3", "--owner", "poor", ...limits, "--fees", "10000udgrid", "-y"]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /\*\*Important\*\*/, "the mnemonic was printed");
    assert.match(failed.stderr, /the grant transaction failed with code 5 \(codespace sdk\): .*insufficient funds/);
    assert.match(
      failed.stderr,
      /the agent's key "bot3" \(dgrid1\w+\) was kept: retry the grants with dgrid agent grant bot3/,
    );
    const bot3 = (await json(["keys", "show", "bot3"])).address;

    const granted = await json([
      "agent",
      "grant",
      "bot3",
      "--owner",
      "alice",
      ...limits,
      "--fees",
      "10000udgrid",
      "-y",
    ]);
    assert.equal(granted.agent, bot3);
    await deliverOk();
    assert.deepEqual((await json(["agent", "show", bot3, "--owner", alice])).inference.spend_limit, udgrid(10000));

    // new limits for bot: the grant is replaced, the allowance revoked and granted again in the same tx
    await json([
      "agent",
      "grant",
      "bot",
      "--owner",
      "alice",
      "--spend-limit",
      "20000udgrid",
      "--fee-allowance",
      "30000udgrid",
      "--fees",
      "10000udgrid",
      "-y",
    ]);
    await deliverOk();
    const shown = await json(["agent", "show", "bot", "--owner", "alice"]);
    assert.deepEqual(shown.inference.spend_limit, udgrid(20000));
    assert.equal(shown.inference.period, null);
    assert.deepEqual(shown.fee_allowance.spend_limit, udgrid(30000));
  });
});
