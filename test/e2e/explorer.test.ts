// The explorer (explorer/, served by node 0 of a 2-validator localnet at /ui with api.explorer on) in
// headless Chromium: the validators and models pages show what the REST and RPC answer (read both),
// then a model found by its task is sent a request through the "try it" form with the dev key, which
// the page follows to "finalized" with the outputs the chain stores. Screenshots of the model and the
// validator page go to a temp dir (paths printed). Any console error or page error fails the test.
// Without chromium the test is skipped, unless CI is set (as browser-example.test.ts).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, launch, type Page } from "puppeteer-core";
import { devnetWallet } from "../../app/devnet.ts";
import { DGridClient, RequestStatus, resultTensors, tensorToArray } from "../../client/index.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { waitFor as waitUntil } from "../support/localnet-staking.ts";

function findChromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim() || undefined;
    } catch {
      // not on PATH under this name
    }
  }
  return undefined;
}

const chromium = process.env.CHROMIUM_PATH || findChromium();
const ci = Boolean(process.env.CI) && process.env.CI !== "false";
const skip =
  !chromium && !ci ? "no chromium binary on PATH (apt-get install chromium); with CI=true this fails" : false;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return (await res.json()) as T;
}

describe("the explorer at /ui in headless Chromium", { skip, timeout: 240_000 }, () => {
  let net: TestLocalnet | undefined;
  let node: RunningNode;
  let browser: Browser | undefined;
  let reader: DGridClient | undefined;
  let modelId = "";
  const shots = mkdtempSync(join(tmpdir(), "dgrid-explorer-"));
  const pageLog: string[] = [];

  before(async () => {
    if (!chromium) throw new Error("CI is set and no chromium binary is on PATH (.ci/run installs Debian's chromium)");
    net = await createTestLocalnet({ validators: 2, timeoutCommitMs: 400 });
    net.start(0);
    net.start(1);
    node = net.nodes[0];
    await waitAllHeight(net.nodes, 2, 60_000);
    reader = await DGridClient.connect(node.rpcUrl);
    modelId = (await reader.query.registry.models()).models[0].id;
    // the demo model gets a card from its creator (a devnet account the user account funds first),
    // so discovery by task finds it
    const creator = await DGridClient.connectWithSigner(node.rpcUrl, await devnetWallet("creator"));
    const user = await DGridClient.connectWithSigner(node.rpcUrl, await devnetWallet("user"));
    await user.submit([
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: {
          fromAddress: user.address,
          toAddress: creator.address,
          amount: [{ denom: "udgrid", amount: "10000000" }],
        },
      },
    ]);
    user.disconnect();
    await creator.submit([
      {
        typeUrl: "/dgrid.registry.v1.MsgUpdateModelCard",
        value: { creator: creator.address, modelId, card: { task: "classification", tags: ["demo"], license: "MIT" } },
      },
    ]);
    creator.disconnect();
    browser = await launch({ executablePath: chromium, args: ["--no-sandbox", "--headless=new", "--disable-gpu"] });
  });
  after(async () => {
    reader?.disconnect();
    await browser?.close();
    await net?.cleanup();
  });

  async function open(hash: string): Promise<Page> {
    const page = await browser!.newPage();
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

  function assertNoConsoleErrors(): void {
    const errors = pageLog.filter((l) => l.startsWith("console.error") || l.startsWith("pageerror"));
    assert.deepEqual(errors, [], pageLog.join("\n"));
  }

  it("shows on the validators and models pages what the REST and RPC answer", async () => {
    const page = await open("#/validators");
    // every figure filled in (no "…" left)
    await page.waitForFunction(
      `[...document.querySelectorAll("#validators td[data-field]")].length === 16 && [...document.querySelectorAll("#validators td[data-field]")].every((td) => td.textContent !== "…")`,
      { timeout: 30_000 },
    );
    const shown = await page.$$eval("#validators tr[data-operator]", (trs) =>
      trs.map((tr) => ({
        operator: tr.getAttribute("data-operator"),
        ...Object.fromEntries(
          [...tr.querySelectorAll("td[data-field]")].map((td) => [td.getAttribute("data-field"), td.textContent]),
        ),
      })),
    );
    const staking = await getJson<{
      validators: { operator_address: string; tokens: string; consensus_pubkey: { key: string } }[];
    }>(`${node.apiUrl}/cosmos/staking/v1beta1/validators`);
    const comet = await getJson<{
      result: { validators: { address: string; pub_key: { value: string }; voting_power: string }[] };
    }>(`${node.rpcUrl}/validators`);
    const reps = await getJson<{ reputations: { validator: string; score_ppm: string; agreed: string }[] }>(
      `${node.apiUrl}/dgrid/reputation/v1/reputations`,
    );
    assert.deepEqual(shown.map((r) => r.operator).sort(), staking.validators.map((v) => v.operator_address).sort());
    for (const v of staking.validators) {
      const row = shown.find((r) => r.operator === v.operator_address)!;
      assert.equal(row.tokens, v.tokens);
      const cv = comet.result.validators.find((c) => c.pub_key.value === v.consensus_pubkey.key);
      assert.ok(cv, `the RPC validator set has ${v.operator_address}`);
      assert.equal(row["voting power"], cv.voting_power);
      const rep = reps.reputations.find((r) => r.validator === v.operator_address);
      if (rep) {
        assert.equal(row.reputation, `${(Number(rep.score_ppm) / 10_000).toFixed(1)}%`);
        assert.equal(row["jobs agreed"], rep.agreed);
      } else assert.equal(row.reputation, "none yet");
    }

    await page.goto(`${node.apiUrl}/ui/#/models?task=classification&sort=usage`, { waitUntil: "load" });
    await waitFor(page, "#model-cards .card", "the model cards");
    const cards = await page.$$eval("#model-cards .card", (as) =>
      as.map((a) => ({
        id: a.getAttribute("data-model"),
        price: a.querySelector('[data-field="price"]')?.textContent,
      })),
    );
    const discovered = await getJson<{
      models: { model: { id: string; price_per_call: { amount: string; denom: string } } }[];
    }>(`${node.apiUrl}/dgrid/registry/v1/discover/models?task=classification&sort=usage`);
    assert.deepEqual(
      cards,
      discovered.models.map(({ model: m }) => ({
        id: m.id,
        price: `${m.price_per_call.amount}${m.price_per_call.denom}`,
      })),
    );
    assert.ok(cards.some((c) => c.id === modelId));
    await page.close();
    assertNoConsoleErrors();
  });

  it("finds a model by task, sends it a request from the try-it form and follows it to its result", async (t) => {
    const page = await open("#/models");
    await waitFor(page, "#task-filter", "the models page");
    await page.select("#task-filter", "detection");
    await waitFor(page, "#no-models", "no detection model");
    await page.select("#task-filter", "classification");
    await waitFor(page, `#model-cards .card[data-model="${modelId}"]`, "the classification model's card");
    await page.click(`#model-cards .card[data-model="${modelId}"]`);
    await waitFor(page, "#send-dev", "the try-it form with the dev key");
    const modelShot = join(shots, "model.png");
    await page.screenshot({ path: modelShot, fullPage: true });

    // both validators serve the demo model (after their golden-vector check) before the page asks
    const servers = async () => (await reader!.query.registry.modelServers(modelId)).servers.length;
    await waitUntil("both validators serve the demo model", async () => (await servers()) === 2, 60_000);
    await page.click("#send-dev");
    await page.waitForFunction(
      `document.querySelector("#outcome[data-state]") || document.querySelector("#try-error")`,
      {
        timeout: 90_000,
      },
    );
    const error = await page.$eval("#try-error", (el) => el.textContent).catch(() => "");
    assert.equal(error, "", pageLog.join("\n"));
    const phases = await page.$$eval("#phases li", (lis) => lis.map((li) => li.getAttribute("data-state")));
    assert.equal(phases[0], "included");
    assert.equal(phases.at(-1), "finalized", phases.join(" "));
    assert.equal(await page.$eval("#outcome", (el) => el.getAttribute("data-state")), "finalized");
    const requestId = BigInt((await page.$eval("#request-id", (el) => el.getAttribute("data-id"))) ?? "");
    const shown = await page.$$eval("#outcome code", (cs) =>
      Object.fromEntries(cs.map((c) => [c.getAttribute("data-output"), c.textContent])),
    );
    const result = await reader!.getResult(requestId);
    assert.equal(result?.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    const stored = Object.fromEntries(
      Object.entries(resultTensors(result!)).map(([n, x]) => [n, Array.from(tensorToArray(x), String).join(", ")]),
    );
    assert.ok(Object.keys(stored).length > 0);
    assert.deepEqual(shown, stored, "the page shows the output the chain stores");

    await page.goto(`${node.apiUrl}/ui/#/validators`, { waitUntil: "load" });
    await waitFor(page, "#validators tr[data-operator] a", "the validators table");
    await page.click("#validators tr[data-operator] a");
    await page.waitForFunction(`(document.querySelector('dd[data-field="reputation"]')?.textContent ?? "…") !== "…"`, {
      timeout: 30_000,
    });
    const validatorShot = join(shots, "validator.png");
    await page.screenshot({ path: validatorShot, fullPage: true });
    for (const p of [modelShot, validatorShot]) {
      t.diagnostic(`screenshot: ${p}`);
      console.log(`screenshot: ${p}`);
    }
    await page.close();
    assertNoConsoleErrors();
  });
});
