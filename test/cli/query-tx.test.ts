import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet, makeSignBytes } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryAllBalancesRequest, QueryAllBalancesResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { type FakeNode, startFakeNode } from "./fake-node.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

const CHAIN = "fake-chain-1";
const BOB = toBech32("dgrid", new Uint8Array(20).fill(9));

describe("query / status / tx against a fake node", () => {
  let node: FakeNode;
  let alice: string;
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];

  before(async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" });
    alice = (await wallet.getAccounts())[0].address;
    node = await startFakeNode(CHAIN, (path, data, height) => {
      if (path === "/cosmos.bank.v1beta1.Query/AllBalances") {
        const req = QueryAllBalancesRequest.decode(data);
        const amount = req.address === alice ? String(1000 + (height ?? 0)) : "0";
        const balances = amount === "0" ? [] : [{ denom: "udgrid", amount }];
        return { value: QueryAllBalancesResponse.encode({ balances, resolveDenom: false } as any).finish() };
      }
      if (path === "/cosmos.auth.v1beta1.Query/Account") {
        const req = QueryAccountRequest.decode(data);
        if (req.address !== alice) return { code: 22, log: `account ${req.address} not found: key not found` };
        const acc = BaseAccount.fromPartial({ address: alice, accountNumber: 3n, sequence: 5n });
        return {
          value: QueryAccountResponse.encode({
            account: { typeUrl: "/cosmos.auth.v1beta1.BaseAccount", value: BaseAccount.encode(acc).finish() },
          }).finish(),
        };
      }
      return { code: 6, log: `unknown query path ${path}` };
    });
    const r = await cli(["keys", "add", "alice", "--recover", ...ring], { stdin: KNOWN_MNEMONIC });
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await node?.close();
  });

  it("status prints the node's JSON", async () => {
    const r = await cli(["status", "--node", node.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).node_info.network, CHAIN);
  });

  it("query bank balances, latest and at a height, text and json", async () => {
    let r = await cli(["query", "bank", "balances", alice, "--node", node.url, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).balances, [{ denom: "udgrid", amount: "1000" }]);
    r = await cli([
      "q",
      "bank",
      "balances",
      alice,
      "--node",
      node.url.replace("http://", "tcp://"),
      "--height",
      "7",
      "-o",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).balances, [{ denom: "udgrid", amount: "1007" }]);
    assert.equal(node.calls.at(-1)!.params.height, "7");
    r = await cli(["query", "bank", "balances", alice, "--node", node.url]);
    assert.match(r.stdout, /denom: udgrid/);
    assert.match(r.stdout, /amount: "?1000/);
  });

  it("query auth account decodes the BaseAccount; a missing account is a clear error", async () => {
    let r = await cli(["query", "auth", "account", alice, "--node", node.url, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const acc = JSON.parse(r.stdout).account;
    assert.equal(acc["@type"], "/cosmos.auth.v1beta1.BaseAccount");
    assert.equal(acc.account_number, "3");
    assert.equal(acc.sequence, "5");
    r = await cli(["query", "auth", "account", BOB, "--node", node.url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not found/);
  });

  it("tx bank send signs for the node's chain id and account, and broadcasts (sync)", async () => {
    const r = await cli([
      "tx",
      "bank",
      "send",
      "alice",
      BOB,
      "1234udgrid",
      "--chain-id",
      CHAIN,
      "--node",
      node.url,
      "--fees",
      "5000udgrid",
      "--gas",
      "150000",
      "--memo",
      "hi",
      "-y",
      "-o",
      "json",
      ...ring,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(node.broadcast.length, 1);
    const raw = TxRaw.decode(node.broadcast[0]);
    assert.equal(out.txhash, Buffer.from(sha256(node.broadcast[0])).toString("hex").toUpperCase());
    assert.equal(out.code, 0);
    const body = TxBody.decode(raw.bodyBytes);
    assert.equal(body.memo, "hi");
    assert.equal(body.messages[0].typeUrl, "/cosmos.bank.v1beta1.MsgSend");
    const send = MsgSend.decode(body.messages[0].value);
    assert.deepEqual(send, { fromAddress: alice, toAddress: BOB, amount: [{ denom: "udgrid", amount: "1234" }] });
    const auth = AuthInfo.decode(raw.authInfoBytes);
    assert.equal(auth.fee!.gasLimit, 150000n);
    assert.deepEqual(auth.fee!.amount, [{ denom: "udgrid", amount: "5000" }]);
    assert.equal(auth.signerInfos[0].sequence, 5n);
    // The signature verifies over the SignDoc with the node's chain id and account number 3.
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(KNOWN_MNEMONIC, { prefix: "dgrid" });
    const pubkey = (await wallet.getAccounts())[0].pubkey;
    const signBytes = makeSignBytes({
      bodyBytes: raw.bodyBytes,
      authInfoBytes: raw.authInfoBytes,
      chainId: CHAIN,
      accountNumber: 3n,
    });
    const sig = Secp256k1Signature.fromFixedLength(raw.signatures[0]);
    assert.ok(await Secp256k1.verifySignature(sig, sha256(signBytes), pubkey));
  });

  it("tx bank send with gas prices computes the fee from the gas limit", async () => {
    const r = await cli([
      "tx",
      "bank",
      "send",
      "alice",
      BOB,
      "1udgrid",
      "--node",
      node.url,
      "--gas-prices",
      "0.5udgrid",
      "-y",
      ...ring,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const auth = AuthInfo.decode(TxRaw.decode(node.broadcast.at(-1)!).authInfoBytes);
    assert.equal(auth.fee!.gasLimit, 200000n);
    assert.deepEqual(auth.fee!.amount, [{ denom: "udgrid", amount: "100000" }]);
  });

  it("tx bank send refuses a wrong chain id, bad inputs and a missing key without broadcasting", async () => {
    const before = node.broadcast.length;
    const base = ["tx", "bank", "send", "alice", BOB, "1udgrid", "--node", node.url, "-y", ...ring];
    const cases: [string[], RegExp][] = [
      [[...base, "--chain-id", "other-chain"], /does not match the node's chain id fake-chain-1/],
      [
        ["tx", "bank", "send", "alice", "dgrid1notanaddress", "1udgrid", "--node", node.url, "-y", ...ring],
        /invalid address/,
      ],
      [["tx", "bank", "send", "alice", BOB, "1.5udgrid", "--node", node.url, "-y", ...ring], /invalid coins/],
      [["tx", "bank", "send", "nobody", BOB, "1udgrid", "--node", node.url, "-y", ...ring], /key "nobody" not found/],
      [[...base, "--fees", "1udgrid", "--gas-prices", "0.1udgrid"], /both --fees and --gas-prices/],
      [[...base, "--gas", "lots"], /invalid gas/],
      [[...base, "--broadcast-mode", "async"], /invalid|Allowed choices/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
    const declined = await cli(base, { stdin: "n\n" });
    assert.equal(declined.code, 0, "sanity: -y given, so no prompt");
    const prompt = await cli(
      base.filter((a) => a !== "-y"),
      { stdin: "n\n" },
    );
    assert.equal(prompt.code, 1);
    assert.match(prompt.stderr, /aborted/);
    assert.equal(node.broadcast.length, before + 1, "only the confirmed send was broadcast");
  });

  it("tx bank send --broadcast-mode block waits for the block; query tx finds it", async () => {
    const r = await cli([
      "tx",
      "bank",
      "send",
      "alice",
      BOB,
      "2udgrid",
      "--node",
      node.url,
      "--broadcast-mode",
      "block",
      "-y",
      "-o",
      "json",
      ...ring,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.height, "43");
    assert.equal(out.code, 0);
    assert.equal(out.gas_used, "70000");
    assert.equal(
      out.txhash,
      Buffer.from(sha256(node.broadcast.at(-1)!))
        .toString("hex")
        .toUpperCase(),
    );

    const q = await cli(["query", "tx", out.txhash, "--node", node.url, "-o", "json"]);
    assert.equal(q.code, 0, q.stderr);
    const tx = JSON.parse(q.stdout);
    assert.equal(tx.txhash, out.txhash);
    assert.equal(tx.height, "43");
    assert.equal(tx.tx.body.messages[0]["@type"], "/cosmos.bank.v1beta1.MsgSend");
    assert.equal(tx.tx.body.messages[0].to_address, BOB);
    assert.equal(tx.events[0].type, "transfer");

    const missing = await cli(["query", "tx", "AB".repeat(32), "--node", node.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
    const bad = await cli(["query", "tx", "xyz", "--node", node.url]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid tx hash/);
  });

  it("a tx the node rejects prints its code and log and exits 1", async () => {
    node.rejectNext = {
      code: 13,
      codespace: "sdk",
      log: "insufficient fees; got: 1udgrid required: 500udgrid: insufficient fee",
    };
    const r = await cli([
      "tx",
      "bank",
      "send",
      "alice",
      BOB,
      "1udgrid",
      "--fees",
      "1udgrid",
      "--node",
      node.url,
      "-y",
      "-o",
      "json",
      ...ring,
    ]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 13);
    assert.equal(out.codespace, "sdk");
    assert.match(out.txhash, /^[0-9A-F]{64}$/);
    assert.match(
      r.stderr,
      /transaction refused by the node \(CheckTx\) with code 13 \(codespace sdk\): insufficient fees.*raise --fees/,
    );
  });

  it("an unreachable node is a clear error", async () => {
    const r = await cli(["query", "bank", "balances", alice, "--node", "http://127.0.0.1:1"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot connect to node http:\/\/127\.0\.0\.1:1/);
    const s = await cli(["status", "--node", "http://127.0.0.1:1"]);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /cannot connect/);
  });
});
