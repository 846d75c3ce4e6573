// examples/browser in headless Chromium against node 0 of a 2-validator localnet (CORS on for local
// origins, as app/localnet.ts sets it; its genesis funds the devnet's public account): the page is served from 127.0.0.1 on another port, connects with the devnet's
// public mnemonic, lists the models, signs MsgRequestInference in the page, follows it over the
// websocket and shows the finalized output, which must be what the chain stores. A screenshot goes
// to test-output/browser-example.png. Without a chromium binary the test is skipped, unless CI is
// set: there a missing browser is a failure (.ci/run installs Debian's chromium).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, launch, type Page } from "puppeteer-core";
import { DEVNET_MNEMONIC } from "../../app/devnet.ts";
import { DGridClient, RequestStatus, resultTensors, tensorToArray } from "../../client/index.ts";
import { buildBrowserExample } from "../../examples/browser/build.ts";
import { type ExampleServer, serveBrowserExample } from "../../examples/browser/serve.ts";
import { chromium, chromiumSkip } from "../support/chromium.ts";
import { createTestLocalnet, type RunningNode, type TestLocalnet, waitAllHeight } from "../support/localnet.ts";
import { waitFor as waitUntil } from "../support/localnet-staking.ts";
import { repoRoot } from "../support/node-process.ts";

const skip = chromiumSkip;
const screenshotPath = join(repoRoot, "test-output", "browser-example.png");

describe("examples/browser in headless Chromium", { skip, timeout: 300_000 }, () => {
  let net: TestLocalnet | undefined;
  let node: RunningNode | undefined;
  let server: ExampleServer | undefined;
  let browser: Browser | undefined;
  /** what the page said: console messages, uncaught errors, failed requests */
  const pageLog: string[] = [];

  before(async () => {
    if (!chromium) throw new Error("CI is set and no chromium binary is on PATH (.ci/run installs Debian's chromium)");
    net = await createTestLocalnet({ validators: 2, timeoutCommitMs: 400 });
    net.start(0);
    net.start(1);
    node = net.nodes[0];
    const [, bundle] = await Promise.all([waitAllHeight(net.nodes, 2, 60_000), buildBrowserExample()]);
    assert.ok(bundle.bytes > 0);
    server = await serveBrowserExample({ host: "127.0.0.1", port: 0 });
    browser = await launch({ executablePath: chromium, args: ["--no-sandbox", "--headless=new", "--disable-gpu"] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await net?.cleanup();
  });

  function watch(page: Page): void {
    page.on("console", (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => pageLog.push(`pageerror: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    page.on("requestfailed", (r) => pageLog.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  }

  /** Waits for `selector`, failing early (with the page's log) once the page shows an error. */
  async function waitFor(page: Page, selector: string, what: string, timeoutMs: number): Promise<void> {
    try {
      // a string, evaluated in the page (this file is compiled without the DOM's types)
      const done = `document.querySelector(${JSON.stringify(selector)}) !== null || document.getElementById("error").textContent !== ""`;
      await page.waitForFunction(done, { timeout: timeoutMs, polling: 200 });
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}\n${pageLog.join("\n")}`);
    }
    const shown = await page.$eval("#error", (el) => el.textContent ?? "");
    assert.equal(shown, "", `${what}: the page shows an error\n${pageLog.join("\n")}`);
  }

  it("connects, lists the models, signs a request in the page and shows the finalized output", async (t) => {
    const page = await browser!.newPage();
    watch(page);
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(`${server!.url}?rpc=${encodeURIComponent(node!.rpcUrl)}`, { waitUntil: "load" });
    assert.equal(
      await page.$eval("#rpc", (el) => (el as unknown as { value: string }).value),
      node!.rpcUrl,
      "?rpc= fills the field",
    );
    const mnemonic = await page.$eval("#mnemonic", (el) => (el as unknown as { value: string }).value);
    assert.equal(mnemonic.trim(), DEVNET_MNEMONIC, "the page's default is the devnet's public account");
    const keplrHidden = await page.$eval("#connect-keplr", (el) => (el as unknown as { hidden: boolean }).hidden);
    assert.equal(keplrHidden, true, "no Keplr extension here, so no Connect Keplr button");

    await page.click("#connect");
    await waitFor(page, '#models input[name="model"]', "the models list", 30_000);
    const reader = await DGridClient.connect(node!.rpcUrl);
    t.after(() => reader.disconnect());
    const { models } = await reader.query.registry.models();
    const rows = await page.$$eval("#models tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.deepEqual(
      rows.map((r) => r[1]),
      models.map((m) => m.id),
    );
    assert.match(rows[0][3] ?? "", /^\d+udgrid$/, "the price column");
    const account = await page.$eval("#account", (el) => el.textContent ?? "");
    assert.match(account, /^dgrid1\w+ on \S+: \d+udgrid$/);
    assert.ok(account.includes(` on ${net!.chainId}: `), account);

    // both validators serve the demo model (MsgServeModel after their golden-vector check) before the page asks
    const servers = async () => (await reader.query.registry.modelServers(models[0].id)).servers.length;
    await waitUntil("both validators serve the demo model", async () => (await servers()) === 2, 60_000);
    await page.click("#request");
    await waitFor(page, "#result[data-state]", "the finalized result", 60_000);
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    t.diagnostic(`screenshot: ${screenshotPath}`);

    const requestId = BigInt(await page.$eval("#request-id", (el) => el.getAttribute("data-id") ?? ""));
    const states = await page.$$eval("#states li", (lis) => lis.map((li) => li.textContent ?? ""));
    assert.equal(await page.$eval("#result", (el) => el.getAttribute("data-state")), "finalized", states.join("\n"));
    assert.match(states.at(-1) ?? "", /^finalized at height \d+$/);
    const shown = await page.$$eval("#result pre", (pres) =>
      Object.fromEntries(pres.map((p) => [p.getAttribute("data-output"), p.textContent])),
    );
    const result = await reader.getResult(requestId);
    assert.ok(result, `request ${requestId} has a result on chain`);
    assert.equal(result.status, RequestStatus.REQUEST_STATUS_FINALIZED);
    const stored = Object.fromEntries(
      Object.entries(resultTensors(result)).map(([name, t]) => [name, Array.from(tensorToArray(t), String).join(", ")]),
    );
    assert.ok(Object.keys(stored).length > 0);
    assert.deepEqual(shown, stored, "the page shows the output the chain stores");
    const errors = pageLog.filter((l) => l.startsWith("console.error") || l.startsWith("pageerror"));
    assert.deepEqual(errors, [], pageLog.join("\n"));
  });
});
