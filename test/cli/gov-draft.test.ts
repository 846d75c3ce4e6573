// `dgrid tx gov draft-proposal` against a real DGridApp behind the fake RPC: every module's draft
// (current params, gov authority, minimum deposit) submits as it is and becomes a proposal; --set
// changes one field and leaves the others; a proposal that can never pass (no messages, no metadata)
// is refused at CheckTx with gov's code 11 and costs nothing.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { QueryProposalRequest, QueryProposalResponse } from "cosmjs-types/cosmos/gov/v1/query";
import { PARAM_MODULES } from "../../app/cli/gov-draft.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { block, genesis, initApp, newApp } from "../app/helpers.ts";
import { type AppNode, startAppNode } from "./app-node.ts";
import { cli, KNOWN_MNEMONIC, tempHome } from "./helpers.ts";

describe("tx gov draft-proposal against the in-process app", () => {
  let app: AppNode;
  let dgrid: ReturnType<typeof newApp>;
  const home = tempHome();
  const ring = ["--home", home, "--keyring-backend", "test"];
  let nextId = 1n;

  before(async () => {
    const r = await cli(["keys", "add", "alice", "--recover", ...ring, "-o", "json"], { stdin: KNOWN_MNEMONIC });
    assert.equal(r.code, 0, r.stderr);
    const alice = JSON.parse(r.stdout).address as string;
    dgrid = newApp();
    await initApp(dgrid, genesis([{ address: alice, coins: [{ denom: "udgrid", amount: "100000000000" }] }]));
    await block(dgrid, 1, []);
    app = await startAppNode(dgrid);
  });
  after(async () => app?.node.close());

  const draft = (args: string[]) => cli(["tx", "gov", "draft-proposal", ...args, "--node", app.node.url]);
  const submit = (file: string, extra: string[] = []) =>
    cli(["tx", "gov", "submit-proposal", file, "--from", "alice", "--node", app.node.url, "-y", ...extra, ...ring]);

  async function proposal(id: bigint) {
    const r = await dgrid.query({
      path: "/cosmos.gov.v1.Query/Proposal",
      data: QueryProposalRequest.encode({ proposalId: id }).finish(),
      height: 0n,
      prove: false,
    });
    assert.equal(r.code, 0, r.log);
    return QueryProposalResponse.decode(r.value).proposal!;
  }

  it("every module's draft submits as written and becomes a proposal with the gov authority", async () => {
    for (const [module, src] of Object.entries(PARAM_MODULES)) {
      const file = join(home, `${module}.json`);
      const d = await draft(["--module", module, "--output-file", file, "-o", "json"]);
      assert.equal(d.code, 0, `${module}: ${d.stderr}`);
      const out = JSON.parse(d.stdout);
      assert.equal(out.authority, moduleAddress("gov"));
      assert.equal(out.deposit, "10000000udgrid", "the chain's min_deposit");
      const json = JSON.parse(readFileSync(file, "utf8"));
      assert.equal(json.messages[0]["@type"], src.msgType);
      assert.equal(json.messages[0].authority, moduleAddress("gov"));
      const s = await submit(file);
      assert.equal(s.code, 0, `${module}: ${s.stderr}`);
      const res = await app.deliver();
      assert.equal(res.txResults[0].code, 0, `${module}: ${res.txResults[0].log}`);
      const p = await proposal(nextId++);
      assert.equal(p.messages[0].typeUrl, src.msgType, module);
    }
  });

  it("--set changes the named params only; the text output says what changes", async () => {
    const file = join(home, "gov-period.json");
    const d = await draft(["--module", "gov", "--set", "voting_period=120s", "--output-file", file]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /wrote .*gov-period\.json: a change of the gov params/);
    assert.match(d.stdout, /changes: +voting_period "172800s" -> "120s"/);
    assert.match(d.stdout, /submit it: +dgrid tx gov submit-proposal/);
    const params = JSON.parse(readFileSync(file, "utf8")).messages[0].params;
    assert.equal(params.voting_period, "120s");
    assert.equal(params.max_deposit_period, "172800s", "the others keep their current values");
    const bad = await draft(["--module", "gov", "--set", "voting=1s", "--output-file", file]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--set voting: the gov params have no such field \(min_deposit, /);
    const text = await draft(["--type", "text", "--output-file", file]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /a text proposal carries no messages: give --metadata/);
  });

  it("a proposal with neither messages nor metadata is refused at CheckTx (gov code 11), costing nothing", async () => {
    const file = join(home, "empty.json");
    writeFileSync(
      file,
      JSON.stringify({ title: "nothing", summary: "no messages, no metadata", deposit: "10000000udgrid" }),
    );
    const before = app.node.broadcast.length;
    // a fixed gas limit: --gas auto would already stop at the simulation
    const r = await submit(file, ["--gas", "300000", "-o", "json"]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.code, out.codespace, out.height], [11, "gov", "0"]);
    assert.match(
      r.stderr,
      /refused by the node \(CheckTx\) with code 11 \(codespace gov\): either metadata or Msgs length must be non-nil/,
    );
    assert.equal(app.node.broadcast.length, before, "it never entered the mempool");
  });
});
