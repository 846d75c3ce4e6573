// The explorer (explorer/, served by node 0 of a 2-validator localnet at /ui with api.explorer on) in
// headless Chromium, every page against one localnet: governance (a proposal with a vote, its tally
// as the REST tally query gives it), blocks (the RPC's block ids and tx counts) and a block's txs, a
// transaction page (the REST GetTx's messages), the validators page (staking, RPC validator set,
// slashing signing infos, reputation and its validator stats), the models page (the demo model,
// carded in genesis, found by its task; the cards and the model page's card and stats as
// DiscoverModels and the REST model query give them), the "try it" form sending a request with the
// dev key that the page follows to "finalized" while the live-requests page shows it pending, and a
// validator's page with its jobs and reputation chart. Screenshots of the model and the validator
// page go to a temp dir (paths printed). Any console error, page error or HTTP error fails the test.
// Without chromium the test is skipped, unless CI is set (as browser-example.test.ts).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { toBech32 } from "@cosmjs/encoding";
import { type Browser, launch, type Page } from "puppeteer-core";
import { devnetWallet } from "../../app/devnet.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import {
  DGridClient,
  RequestStatus,
  resultTensors,
  type SigningDGridClient,
  tensorToArray,
} from "../../client/index.ts";
import { DEMO_MODEL_CARD } from "../../models/demo.ts";
import { MsgUpdateParams as InferenceMsgUpdateParams } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import { chromium, chromiumSkip } from "../support/chromium.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { valoperOf, waitFor as waitUntil } from "../support/localnet-staking.ts";

const skip = chromiumSkip;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return (await res.json()) as T;
}

/**
 * Reads the page and the node until both say the same (the page refreshes every few seconds and the
 * chain moves on: a counter may change between the two reads), then asserts it: a page that never
 * shows what the node answers fails with the last difference.
 */
async function assertShowsEventually<T>(what: string, shown: () => Promise<T>, answered: () => Promise<T>) {
  let last: [T, T] | undefined;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const [s, a] = [await shown(), await answered()];
    last = [s, a];
    try {
      assert.deepEqual(s, a);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  assert.deepEqual(last![0], last![1], `${what}: the page shows what the node answers`);
}

const DELEGATED = "2000000";
/**
 * waitForFunction polls on a timer: puppeteer's default polls on animation frames, which a page in a
 * background tab (the live-requests tab while the model tab is in front) does not get, so a condition
 * not already true at the first check was never checked again.
 */
const POLL_MS = 200;

describe("the explorer at /ui in headless Chromium", { skip, timeout: 480_000 }, () => {
  let net: TestLocalnet | undefined;
  let node: RunningNode;
  let browser: Browser | undefined;
  let reader: DGridClient | undefined;
  let user: SigningDGridClient | undefined;
  let modelId = "";
  let proposalId = "";
  let txHash = "";
  let txHeight = 0;
  const shots = mkdtempSync(join(tmpdir(), "dgrid-explorer-"));
  const pageLog: string[] = [];

  before(async () => {
    if (!chromium) throw new Error("CI is set and no chromium binary is on PATH (.ci/run installs Debian's chromium)");
    net = await createTestLocalnet({ validators: 2, timeoutCommitMs: 400 });
    net.start(0);
    net.start(1);
    node = net.nodes[0];
    // generous: on a loaded machine the first blocks of a fresh localnet can take minutes
    await waitAllHeight(net.nodes, 2, 180_000);
    reader = await DGridClient.connect(node.rpcUrl);
    modelId = (await reader.query.registry.models()).models[0].id;
    // a gov proposal (the inference params as they are) in the tx that also delegates the user's
    // stake, then the user's yes vote: the tally has a yes count
    user = await DGridClient.connectWithSigner(node.rpcUrl, await devnetWallet("user"));
    const params = await reader.query.inference.params();
    const keplrAccount = (await (await devnetWallet("creator")).getAccounts())[0].address;
    const submitted = await user.submit([
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: {
          fromAddress: user.address,
          toAddress: keplrAccount,
          amount: [{ denom: "udgrid", amount: "10000000" }],
        },
      },
      {
        typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
        value: {
          delegatorAddress: user.address,
          validatorAddress: valoperOf(node),
          amount: { denom: "udgrid", amount: DELEGATED },
        },
      },
      {
        typeUrl: "/cosmos.gov.v1.MsgSubmitProposal",
        value: {
          messages: [
            {
              typeUrl: "/dgrid.inference.v1.MsgUpdateParams",
              value: InferenceMsgUpdateParams.encode({ authority: moduleAddress("gov"), params }).finish(),
            },
          ],
          initialDeposit: [{ denom: "udgrid", amount: "10000000" }],
          proposer: user.address,
          metadata: "",
          title: "keep the inference params",
          summary: "explorer e2e",
        },
      },
    ]);
    txHash = submitted.transactionHash;
    txHeight = submitted.height;
    proposalId =
      submitted.events.find((e) => e.type === "submit_proposal")?.attributes.find((a) => a.key === "proposal_id")
        ?.value ?? "";
    assert.ok(proposalId, "the proposal's id");
    await user.submit([
      {
        typeUrl: "/cosmos.gov.v1.MsgVote",
        value: { proposalId: BigInt(proposalId), voter: user.address, option: 1, metadata: "" },
      },
    ]);
    // the try-it form signs with the same (dev) account: this client sends nothing more
    user.disconnect();
    browser = await launch({ executablePath: chromium, args: ["--no-sandbox", "--headless=new", "--disable-gpu"] });
  });
  after(async () => {
    user?.disconnect();
    reader?.disconnect();
    await browser?.close();
    await net?.cleanup();
  });

  async function open(hash: string, setup?: (page: Page) => Promise<void>): Promise<Page> {
    const page = await browser!.newPage();
    await setup?.(page);
    page.on("console", (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => pageLog.push(`pageerror: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    page.on("response", (r) => {
      if (r.status() >= 400) pageLog.push(`http ${r.status()}: ${r.url()}`);
    });
    page.on("requestfailed", (r) => pageLog.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(`${node.apiUrl}/ui/${hash}`, { waitUntil: "load" });
    return page;
  }

  async function waitFor(page: Page, selector: string, what: string, timeoutMs = 30_000): Promise<void> {
    try {
      await page.waitForSelector(selector, { timeout: timeoutMs });
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}\n${pageLog.join("\n")}`);
    }
  }

  /** No console error, page error, HTTP error or failed request (an aborted one excepted) so far. */
  function assertNoErrors(): void {
    const errors = pageLog.filter(
      (l) =>
        l.startsWith("console.error") ||
        l.startsWith("pageerror") ||
        l.startsWith("http ") ||
        (l.startsWith("requestfailed") && !l.includes("net::ERR_ABORTED")),
    );
    assert.deepEqual(errors, [], pageLog.join("\n"));
  }

  it("governance: the proposal with the tally the REST tally query gives", async () => {
    const page = await open("#/proposals");
    await waitFor(page, `#proposals .proposal[data-id="${proposalId}"] [data-option="yes"]`, "the proposal");
    await assertShowsEventually(
      "tally",
      () =>
        page.$$eval(`#proposals .proposal[data-id="${proposalId}"] [data-option]`, (bars) =>
          Object.fromEntries(bars.map((b) => [b.getAttribute("data-option"), b.getAttribute("data-count")])),
        ),
      async () => {
        const { proposal } = await getJson<{
          proposal: { status: string; final_tally_result: Record<string, string> };
        }>(`${node.apiUrl}/cosmos/gov/v1/proposals/${proposalId}`);
        const t =
          proposal.status === "PROPOSAL_STATUS_VOTING_PERIOD"
            ? (
                await getJson<{ tally: Record<string, string> }>(
                  `${node.apiUrl}/cosmos/gov/v1/proposals/${proposalId}/tally`,
                )
              ).tally
            : proposal.final_tally_result;
        return { yes: t.yes_count, no: t.no_count, veto: t.no_with_veto_count, abstain: t.abstain_count };
      },
    );
    const yes = await page.$eval(`#proposals .proposal[data-id="${proposalId}"] [data-option="yes"]`, (b) =>
      b.getAttribute("data-count"),
    );
    assert.equal(yes, DELEGATED, "the user's delegation voted yes");
    await page.close();
    assertNoErrors();
  });

  it("blocks, a block's txs and a transaction: what the RPC and the REST GetTx answer", async () => {
    const page = await open("#/blocks");
    await waitFor(page, "#blocks tr[data-height]", "the blocks table");
    const rows = await page.$$eval("#blocks tr[data-height]", (trs) =>
      trs.map((tr) => ({
        height: tr.getAttribute("data-height")!,
        hash: tr.getAttribute("data-hash")!,
        txs: tr.querySelector('[data-field="txs"]')!.textContent!,
      })),
    );
    assert.ok(rows.length >= 2, "blocks listed");
    const heights = rows.map((r) => Number(r.height));
    const chain = await getJson<{
      result: { block_metas: { header: { height: string }; block_id: { hash: string }; num_txs: string }[] };
    }>(`${node.rpcUrl}/blockchain?minHeight=${Math.min(...heights)}&maxHeight=${Math.max(...heights)}`);
    assert.deepEqual(
      rows,
      chain.result.block_metas.map((m) => ({ height: m.header.height, hash: m.block_id.hash, txs: m.num_txs })),
    );

    await page.goto(`${node.apiUrl}/ui/#/block/${txHeight}`, { waitUntil: "load" });
    await waitFor(page, "#block-txs tr[data-hash]", "the block's txs");
    const listed = await page.$$eval("#block-txs tr[data-hash]", (trs) =>
      trs.map((tr) => tr.getAttribute("data-hash")),
    );
    const search = await getJson<{ result: { txs: { hash: string }[] } }>(
      `${node.rpcUrl}/tx_search?query=${encodeURIComponent(`"tx.height=${txHeight}"`)}`,
    );
    assert.deepEqual(
      listed,
      search.result.txs.map((t) => t.hash),
    );
    assert.ok(listed.includes(txHash.toUpperCase()));

    await page.click(`#block-txs tr[data-hash="${txHash.toUpperCase()}"] a`);
    await waitFor(page, "#tx-messages", "the tx page's messages");
    const fields = await page.$$eval("dd[data-field]", (dds) =>
      Object.fromEntries(dds.map((d) => [d.getAttribute("data-field"), d.textContent])),
    );
    const getTx = await getJson<{ tx: { body: { messages: { "@type": string }[] } }; tx_response: { code: number } }>(
      `${node.apiUrl}/cosmos/tx/v1beta1/txs/${txHash}`,
    );
    assert.equal(fields.height, String(txHeight));
    assert.equal(fields.result, "ok");
    assert.equal(fields.messages, getTx.tx.body.messages.map((m) => m["@type"]).join(", "));
    assert.deepEqual(
      JSON.parse((await page.$eval("#tx-messages", (p) => p.textContent)) ?? ""),
      getTx.tx.body.messages,
    );
    await page.close();
    assertNoErrors();
  });

  it("finds the demo model by its task; the cards, its card and its stats are what the node answers", async () => {
    const page = await open("#/models");
    await waitFor(page, "#task-filter", "the models page");
    await page.select("#task-filter", "detection");
    await waitFor(page, "#no-models", "no detection model");
    await page.select("#task-filter", DEMO_MODEL_CARD.task);
    await waitFor(page, `#model-cards .card[data-model="${modelId}"]`, "the demo model's card");
    const cards = await page.$$eval("#model-cards .card", (as) =>
      as.map((a) => ({
        id: a.getAttribute("data-model"),
        price: a.querySelector('[data-field="price"]')?.textContent,
        finalized: a.querySelector('[data-field="finalized"]')?.textContent,
      })),
    );
    const discovered = await reader!.query.registry.discoverModels({ task: DEMO_MODEL_CARD.task });
    assert.deepEqual(
      cards,
      discovered.models.map(({ model: m, stats }) => ({
        id: m!.id,
        price: `${m!.pricePerCall!.amount}${m!.pricePerCall!.denom}`,
        finalized: String(stats?.requestsFinalized ?? 0n),
      })),
    );

    await page.click(`#model-cards .card[data-model="${modelId}"]`);
    await waitFor(page, 'dd[data-field="license"]', "the model page");
    const shown = await page.$$eval("dd[data-field]", (dds) =>
      Object.fromEntries(dds.map((d) => [d.getAttribute("data-field"), d.textContent])),
    );
    const rest = await getJson<{
      model: {
        card: { task: string; license: string; tags: string[]; description: string };
        price_per_call: { amount: string; denom: string };
      };
      stats: { requests_finalized: string; agreement_ppm: string } | null;
    }>(`${node.apiUrl}/dgrid/registry/v1/models/${modelId}`);
    assert.equal(shown.task, rest.model.card.task);
    assert.equal(shown.license, rest.model.card.license);
    assert.equal(shown.tags, rest.model.card.tags.join(", "));
    assert.equal(shown["price per call"], `${rest.model.price_per_call.amount}${rest.model.price_per_call.denom}`);
    assert.equal(await page.$eval("p.desc", (p) => p.textContent), rest.model.card.description);
    assert.deepEqual([shown.task, shown.license], [DEMO_MODEL_CARD.task, DEMO_MODEL_CARD.license], "the genesis card");
    assert.equal(shown.finalized, rest.stats?.requests_finalized ?? undefined);
    await page.close();
    assertNoErrors();
  });

  it("try it: a request with the dev key, pending on the live page, followed to its result", async (t) => {
    // both validators serve the demo model (after their golden-vector check) before the page asks
    const servers = async () => (await reader!.query.registry.modelServers(modelId)).servers.length;
    await waitUntil("both validators serve the demo model", async () => (await servers()) === 2, 60_000);
    // the live page records every (request, phase) it shows
    const live = await open("#/requests");
    await waitFor(live, "section h1", "the live requests page");
    await live.evaluate(`(() => {
      const seen = (window.seen = []);
      const record = () => {
        for (const tr of document.querySelectorAll("#pending tr[data-id]")) {
          const s = tr.getAttribute("data-id") + ":" + tr.querySelector('[data-field="phase"]')?.textContent;
          if (!seen.includes(s)) seen.push(s);
        }
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);

    const page = await open(`#/model/${modelId}`);
    await waitFor(page, "#send-dev", "the try-it form with the dev key");
    const before = (await reader!.query.registry.discoverModels({ task: DEMO_MODEL_CARD.task })).models[0].stats;
    await page.click("#send-dev");
    await page.waitForFunction(
      `document.querySelector("#outcome[data-state]") || document.querySelector("#try-error")`,
      { timeout: 90_000, polling: POLL_MS },
    );
    const error = await page.$eval("#try-error", (el) => el.textContent).catch(() => "");
    assert.equal(error, "", pageLog.join("\n"));
    const phases = await page.$$eval("#phases li", (lis) => lis.map((li) => li.getAttribute("data-state")));
    assert.equal(phases[0], "included");
    assert.equal(phases.at(-1), "finalized", phases.join(" "));
    assert.equal(await page.$eval("#outcome", (el) => el.getAttribute("data-state")), "finalized");
    const requestId = (await page.$eval("#request-id", (el) => el.getAttribute("data-id"))) ?? "";
    const shown = await page.$$eval("#outcome code", (cs) =>
      Object.fromEntries(cs.map((c) => [c.getAttribute("data-output"), c.textContent])),
    );
    const result = await reader!.getResult(BigInt(requestId));
    assert.equal(result?.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    const stored = Object.fromEntries(
      Object.entries(resultTensors(result!)).map(([n, x]) => [n, Array.from(tensorToArray(x), String).join(", ")]),
    );
    assert.ok(Object.keys(stored).length > 0);
    assert.deepEqual(shown, stored, "the page shows the output the chain stores");
    const modelShot = join(shots, "model.png");
    await page.screenshot({ path: modelShot, fullPage: true });
    t.diagnostic(`screenshot: ${modelShot}`);
    console.log(`screenshot: ${modelShot}`);

    // the live page showed it pending (commit or reveal), and its request page shows the result
    const seen = (await live.evaluate("window.seen")) as string[];
    const mine = seen.filter((s) => s.startsWith(`${requestId}:`)).map((s) => s.split(":")[1]);
    assert.ok(mine.length > 0, `the live page listed request ${requestId} while pending (saw ${seen.join(" ")})`);
    for (const p of mine) assert.ok(["commit", "reveal"].includes(p ?? ""), `a pending phase: ${p}`);
    await live.goto(`${node.apiUrl}/ui/#/request/${requestId}`, { waitUntil: "load" });
    await live.bringToFront();
    await live.waitForFunction(`document.querySelector('dd[data-field="status"]')?.textContent === "finalized"`, {
      timeout: 30_000,
      polling: POLL_MS,
    });
    assert.equal(await live.$eval('dd[data-field="phase"]', (d) => d.textContent), "finalized");

    // the model page's usage moves with it: one more finalized request than before
    await page.bringToFront();
    await page.waitForFunction(
      `document.querySelector('dd[data-field="finalized"]')?.textContent === "${(before?.requestsFinalized ?? 0n) + 1n}"`,
      { timeout: 30_000, polling: POLL_MS },
    );
    await live.close();
    await page.close();
    assertNoErrors();
  });

  it("try it with a Keplr-style window.keplr: the chain suggested, the request signed by its signer, finalized", async () => {
    // a stand-in for the extension: window.keplr whose signer forwards signDirect to the creator's
    // devnet key in this process (bytes as base64 across the page boundary)
    const wallet = await devnetWallet("creator");
    const b64 = (u: Uint8Array) => Buffer.from(u).toString("base64");
    const bytes = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
    const page = await open(`#/model/${modelId}`, async (p) => {
      await p.exposeFunction("keplrAccounts", async () =>
        (await wallet.getAccounts()).map((a) => ({ address: a.address, algo: a.algo, pubkey: b64(a.pubkey) })),
      );
      await p.exposeFunction(
        "keplrSignDirect",
        async (
          signer: string,
          d: { bodyBytes: string; authInfoBytes: string; chainId: string; accountNumber: string },
        ) => {
          const r = await wallet.signDirect(signer, {
            bodyBytes: bytes(d.bodyBytes),
            authInfoBytes: bytes(d.authInfoBytes),
            chainId: d.chainId,
            accountNumber: BigInt(d.accountNumber),
          });
          return {
            signed: {
              bodyBytes: b64(r.signed.bodyBytes),
              authInfoBytes: b64(r.signed.authInfoBytes),
              chainId: r.signed.chainId,
              accountNumber: String(r.signed.accountNumber),
            },
            signature: r.signature,
          };
        },
      );
      await p.evaluateOnNewDocument(`(() => {
        const b64 = (u) => btoa(String.fromCharCode(...u));
        const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
        window.keplrCalls = [];
        window.keplr = {
          async experimentalSuggestChain(info) { window.keplrCalls.push("suggest " + info.chainId); },
          async enable(chainId) { window.keplrCalls.push("enable " + chainId); },
          getOfflineSigner(chainId) {
            return {
              getAccounts: async () => (await window.keplrAccounts()).map((a) => ({ ...a, pubkey: bytes(a.pubkey) })),
              signDirect: async (signer, d) => {
                const r = await window.keplrSignDirect(signer, {
                  bodyBytes: b64(d.bodyBytes), authInfoBytes: b64(d.authInfoBytes),
                  chainId: d.chainId, accountNumber: String(d.accountNumber),
                });
                return {
                  signed: { bodyBytes: bytes(r.signed.bodyBytes), authInfoBytes: bytes(r.signed.authInfoBytes),
                    chainId: r.signed.chainId, accountNumber: BigInt(r.signed.accountNumber) },
                  signature: r.signature,
                };
              },
            };
          },
        };
      })()`);
    });
    await waitFor(page, "#send-keplr", "the try-it form's Keplr button");
    await page.click("#send-keplr");
    await page.waitForFunction(
      `document.querySelector("#outcome[data-state]") || document.querySelector("#try-error")`,
      { timeout: 90_000, polling: POLL_MS },
    );
    const error = await page.$eval("#try-error", (el) => el.textContent).catch(() => "");
    assert.equal(error, "", pageLog.join("\n"));
    assert.equal(await page.$eval("#outcome", (el) => el.getAttribute("data-state")), "finalized");
    const requestId = (await page.$eval("#request-id", (el) => el.getAttribute("data-id"))) ?? "";
    const request = await reader!.query.inference.request(BigInt(requestId));
    assert.equal(request.requester, (await wallet.getAccounts())[0].address, "signed by the wallet's account");
    assert.deepEqual(await page.evaluate("window.keplrCalls"), [`suggest ${net!.chainId}`, `enable ${net!.chainId}`]);
    await page.close();
    assertNoErrors();
  });

  it("validators: the figures of staking, the RPC, slashing and reputation; a validator's jobs and score chart", async (t) => {
    const page = await open("#/validators");
    await page.waitForFunction(
      `[...document.querySelectorAll("#validators td[data-field]")].length === 16 && [...document.querySelectorAll("#validators td[data-field]")].every((td) => td.textContent !== "…")`,
      { timeout: 30_000 },
    );
    const shownRows = () =>
      page.$$eval("#validators tr[data-operator]", (trs) =>
        trs
          .map((tr) => ({
            operator: tr.getAttribute("data-operator") ?? "",
            ...Object.fromEntries(
              [...tr.querySelectorAll("td[data-field]")].map((td) => [td.getAttribute("data-field"), td.textContent]),
            ),
          }))
          .sort((a, b) => a.operator.localeCompare(b.operator)),
      );
    const answered = async () => {
      const staking = await getJson<{
        validators: {
          operator_address: string;
          tokens: string;
          status: string;
          jailed: boolean;
          consensus_pubkey: { key: string };
        }[];
      }>(`${node.apiUrl}/cosmos/staking/v1beta1/validators`);
      const comet = await getJson<{ result: { validators: { pub_key: { value: string }; voting_power: string }[] } }>(
        `${node.rpcUrl}/validators`,
      );
      const reps = await getJson<{ reputations: { validator: string; score_ppm: string }[] }>(
        `${node.apiUrl}/dgrid/reputation/v1/reputations`,
      );
      const stats = await getJson<{ stats: Record<string, string>[] }>(
        `${node.apiUrl}/dgrid/reputation/v1/validator_stats`,
      );
      const infos = await getJson<{ info: { address: string; missed_blocks_counter: string }[] }>(
        `${node.apiUrl}/cosmos/slashing/v1beta1/signing_infos`,
      );
      return Promise.all(
        staking.validators.map(async (v) => {
          const cons = (
            await getJson<{ val_signing_info: { missed_blocks_counter: string; address: string } }>(
              `${node.apiUrl}/cosmos/slashing/v1beta1/signing_infos/${consAddressOf(v.consensus_pubkey.key)}`,
            )
          ).val_signing_info;
          assert.ok(
            infos.info.some((i) => i.address === cons.address),
            "signing_infos lists it",
          );
          const rep = reps.reputations.find((r) => r.validator === v.operator_address);
          const s = stats.stats.find((x) => x.validator === v.operator_address);
          return {
            operator: v.operator_address,
            status: `${v.status.replace("BOND_STATUS_", "").toLowerCase()}${v.jailed ? " (jailed)" : ""}`,
            "voting power": comet.result.validators.find((c) => c.pub_key.value === v.consensus_pubkey.key)
              ?.voting_power,
            tokens: v.tokens,
            reputation: rep ? `${(Number(rep.score_ppm) / 10_000).toFixed(1)}%` : "none yet",
            "jobs done": s?.jobs_done ?? "0",
            "jobs missed": s?.jobs_missed ?? "0",
            "jobs dissented": s?.jobs_dissented ?? "0",
            "missed blocks": cons.missed_blocks_counter,
          };
        }),
      ).then((rows) => rows.sort((a, b) => a.operator.localeCompare(b.operator)));
    };
    await assertShowsEventually("the validators table", shownRows, answered);
    const rows = await shownRows();
    assert.ok(
      rows.some((r) => Number(r["jobs done"]) > 0),
      "the try-it request counted a job done",
    );

    // validator 0's page: its jobs and its reputation over time (a sample every 10 blocks)
    const valoper = valoperOf(node);
    await page.goto(`${node.apiUrl}/ui/#/validator/${valoper}`, { waitUntil: "load" });
    const jobs = async () => {
      const { stats } = await reader!.query.reputation.validatorStats(valoper);
      return [stats.jobsDone, stats.jobsMissed, stats.jobsDissented, stats.jobsUnresolved].map(String);
    };
    await assertShowsEventually(
      "the validator's jobs",
      () =>
        page.$$eval(
          ["jobs done", "jobs missed", "jobs dissented", "jobs unresolved"]
            .map((f) => `dd[data-field="${f}"]`)
            .join(","),
          (dds) => dds.map((d) => d.textContent ?? ""),
        ),
      jobs,
    );
    await waitUntil(
      "a score sample",
      async () => (await reader!.query.reputation.validatorStats(valoper)).stats.scoreHistory.length > 0,
      60_000,
    );
    await page.waitForSelector("#chart-score .u-over", { timeout: 10_000 });
    await page.waitForFunction(`!document.querySelector("#chart-score + p.muted")`, {
      timeout: 15_000,
      polling: POLL_MS,
    });
    const validatorShot = join(shots, "validator.png");
    await page.screenshot({ path: validatorShot, fullPage: true });
    t.diagnostic(`screenshot: ${validatorShot}`);
    console.log(`screenshot: ${validatorShot}`);
    await page.close();
    assertNoErrors();
  });
});

/** The bech32 consensus address of an ed25519 key (base64), as slashing names it. */
function consAddressOf(keyBase64: string): string {
  const hash = createHash("sha256").update(Buffer.from(keyBase64, "base64")).digest();
  return toBech32("dgridvalcons", hash.subarray(0, 20), 90);
}
