// The page's logic (index.html): connect with a mnemonic held in the page (or Keplr), list the
// models, and send an inference request signed here, following it over the node's websocket.
// Bundled for the browser by build.ts from the @dgrid/client sources.
import {
  DGridClient,
  type KeplrWallet,
  keplrChainInfo,
  type Model,
  RequestStatus,
  type RequestUpdate,
  resultTensors,
  type SigningDGridClient,
  type Tensor,
  tensorFromArray,
  tensorToArray,
} from "@dgrid/client";

declare global {
  interface Window {
    keplr?: KeplrWallet;
  }
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

const ui = {
  rpc: byId<HTMLInputElement>("rpc"),
  rest: byId<HTMLInputElement>("rest"),
  mnemonic: byId<HTMLTextAreaElement>("mnemonic"),
  connect: byId<HTMLButtonElement>("connect"),
  // not "keplr": an element id is also a window property, and window.keplr must be Keplr's
  keplr: byId<HTMLButtonElement>("connect-keplr"),
  account: byId("account"),
  models: byId("models"),
  request: byId<HTMLButtonElement>("request"),
  requestId: byId("request-id"),
  states: byId("states"),
  result: byId("result"),
  error: byId("error"),
};

let client: SigningDGridClient | undefined;
let models: Model[] = [];

/** An element with text (never HTML: model names come from the chain). */
function h(tag: string, text = "", className = ""): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

function showError(e: unknown): void {
  console.error(e);
  ui.error.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs `action` with the buttons off, showing any error. */
async function busy(action: () => Promise<void>): Promise<void> {
  const buttons = [ui.connect, ui.keplr, ui.request];
  const before = buttons.map((b) => b.disabled);
  for (const b of buttons) b.disabled = true;
  ui.error.textContent = "";
  try {
    await action();
  } catch (e) {
    showError(e);
  } finally {
    for (const [i, b] of buttons.entries()) b.disabled = before[i];
    ui.request.disabled = !client || models.length === 0;
  }
}

/** An input for `spec`: its dtype and shape (symbolic dimensions set to 1), values 0, 1, 2, ... */
function sampleInput(spec: Model["inputs"][number]): Tensor {
  const shape = spec.shape.map((d) => d.size || 1);
  const ramp = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
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
      throw new Error(`input ${spec.name}: this page builds float32/float64/int32/int64 inputs, not ${spec.dtype}`);
  }
}

const shapeText = (s: Model["inputs"][number]) =>
  `${s.name}: ${s.dtype}[${s.shape.map((d) => d.symbol || d.size).join(", ")}]`;

function renderModels(): void {
  ui.models.replaceChildren();
  if (models.length === 0) ui.models.appendChild(h("tr")).append(h("td", "No models registered.", "muted"));
  models.forEach((m, i) => {
    const row = ui.models.appendChild(h("tr"));
    const pick = document.createElement("input");
    Object.assign(pick, { type: "radio", name: "model", value: m.id, checked: i === 0, disabled: m.delisted });
    row.append(h("td"));
    row.lastElementChild!.append(pick);
    row.append(
      h("td", m.id, "id"),
      h("td", `${m.name} v${m.version}${m.delisted ? " (delisted)" : ""}`),
      h("td", m.pricePerCall ? `${m.pricePerCall.amount}${m.pricePerCall.denom}` : ""),
      h("td", m.inputs.map(shapeText).join("; ")),
    );
  });
}

async function useClient(next: SigningDGridClient): Promise<void> {
  client?.disconnect();
  client = next;
  const [chainId, balance] = await Promise.all([client.getChainId(), client.getBalance()]);
  ui.account.textContent = `${client.address} on ${chainId}: ${balance.amount}${balance.denom}`;
  ({ models } = await client.query.registry.models());
  renderModels();
}

async function connectMnemonic(): Promise<void> {
  await useClient(await DGridClient.fromMnemonic(ui.rpc.value.trim(), ui.mnemonic.value.trim()));
}

async function connectKeplr(): Promise<void> {
  const keplr = window.keplr;
  if (!keplr) throw new Error("Keplr is not installed in this browser");
  const rpc = ui.rpc.value.trim();
  const reader = await DGridClient.connect(rpc);
  const chainId = await reader.getChainId().finally(() => reader.disconnect());
  await keplr.experimentalSuggestChain(keplrChainInfo({ chainId, rpc, rest: ui.rest.value.trim() }));
  await keplr.enable(chainId);
  await useClient(await DGridClient.connectWithSigner(rpc, keplr.getOfflineSigner(chainId)));
}

function showUpdate(u: RequestUpdate): void {
  ui.states.append(h("li", `${u.state}${u.height === undefined ? "" : ` at height ${u.height}`}`));
  if (u.state !== "finalized" && u.state !== "refunded") return;
  const r = u.result;
  ui.result.dataset.state = u.state;
  if (u.state === "refunded") ui.result.append(h("p", `Refunded: ${r.reason}`));
  else if (r.status === RequestStatus.REQUEST_STATUS_FAILED)
    ui.result.append(h("p", `Failed on its input: ${r.reason}`));
  for (const [name, t] of Object.entries(resultTensors(r))) {
    ui.result.append(h("p", `${name} ${t.dtype}[${t.shape.join(", ")}]:`));
    const pre = ui.result.appendChild(h("pre", Array.from(tensorToArray(t), String).join(", ")));
    pre.dataset.output = name;
  }
}

async function requestInference(): Promise<void> {
  const signer = client;
  if (!signer) throw new Error("connect first");
  const id = document.querySelector<HTMLInputElement>('input[name="model"]:checked')?.value;
  const model = models.find((m) => m.id === id);
  if (!model) throw new Error("select a model");
  ui.requestId.textContent = "signing…";
  ui.states.replaceChildren();
  ui.result.replaceChildren();
  delete ui.result.dataset.state;
  const inputs = Object.fromEntries(model.inputs.map((spec) => [spec.name, sampleInput(spec)]));
  const { requestId, height } = await signer.requestInference(model.id, inputs);
  ui.requestId.textContent = `${requestId} (included at height ${height})`;
  ui.requestId.dataset.id = requestId.toString();
  for await (const update of signer.watchRequest(requestId, { timeoutMs: 120_000 })) showUpdate(update);
}

const params = new URLSearchParams(location.search);
ui.rpc.value = params.get("rpc") ?? ui.rpc.value;
ui.rest.value = params.get("rest") ?? ui.rest.value;
ui.keplr.hidden = !window.keplr;
ui.connect.addEventListener("click", () => busy(connectMnemonic));
ui.keplr.addEventListener("click", () => busy(connectKeplr));
ui.request.addEventListener("click", () => busy(requestInference));
