// "Try it": one value box per input (numbers, comma-separated; prefilled with 0, 1, 2, ...), a wallet
// (the dev chain's key, or Keplr when present), then the request's phases and its outputs.
import { useState } from "preact/hooks";
import { useChain } from "../chain.ts";
import type { Model } from "../types.ts";
import type { Outcome, Phase } from "../wallet.ts";

const ramp = (spec: Model["inputs"][number]) =>
  Array.from({ length: spec.shape.reduce((a, d) => a * (d.size || 1), 1) }, (_, i) => i).join(", ");

export function TryIt({ model }: { model: Model }) {
  const { endpoints } = useChain();
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(model.inputs.map((s) => [s.name, ramp(s)])),
  );
  const [busy, setBusy] = useState(false);
  const [phases, setPhases] = useState<Phase[]>([]);
  const [requestId, setRequestId] = useState("");
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState("");
  const hasKeplr = "keplr" in window;

  async function send(wallet: "dev" | "keplr") {
    setBusy(true);
    setError("");
    setPhases([]);
    setOutcome(undefined);
    setRequestId("");
    try {
      const w = await import("../wallet.ts");
      const inputs = Object.fromEntries(model.inputs.map((s) => [s.name, w.tensorOf(s, texts[s.name] ?? "")]));
      const client =
        wallet === "dev"
          ? await w.connectDevKey(endpoints.rpc, endpoints.devMnemonic ?? "")
          : await w.connectKeplr(endpoints.rpc, endpoints.rest, endpoints.chainId);
      try {
        const r = await w.submitRequest(client, model.id, inputs, (p) => {
          if (p.requestId) setRequestId(p.requestId);
          setPhases((ps) => [...ps, p]);
        });
        setRequestId(r.requestId);
        setOutcome(r.outcome);
      } finally {
        client.disconnect();
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="try-it" id="try-it">
      <h2>Try it</h2>
      {model.inputs.map((s) => (
        <label key={s.name} class="input">
          {s.name}: {s.dtype}[{s.shape.map((d) => d.symbol || d.size).join(", ")}]
          <textarea
            name={s.name}
            rows={2}
            value={texts[s.name]}
            onInput={(e) => setTexts({ ...texts, [s.name]: e.currentTarget.value })}
          />
        </label>
      ))}
      <p>
        {endpoints.devMnemonic && (
          <button type="button" id="send-dev" disabled={busy || model.delisted} onClick={() => send("dev")}>
            Send with the dev key
          </button>
        )}{" "}
        {hasKeplr && (
          <button type="button" id="send-keplr" disabled={busy || model.delisted} onClick={() => send("keplr")}>
            Send with Keplr
          </button>
        )}
        {!endpoints.devMnemonic && !hasKeplr && <span class="muted">Install Keplr to send a request.</span>}
      </p>
      {requestId && (
        <p id="request-id" data-id={requestId}>
          request <a href={`#/request/${requestId}`}>{requestId}</a>
        </p>
      )}
      <ol id="phases">
        {phases.map((p, i) => (
          <li key={i} data-state={p.state}>
            <b>{p.state}</b>
            {p.height !== undefined && ` at height ${p.height}`} <span class="muted small">{p.detail}</span>
          </li>
        ))}
      </ol>
      {outcome && (
        <div id="outcome" data-state={outcome.state}>
          <p>
            <b>{outcome.state}</b> {outcome.reason}
          </p>
          {Object.entries(outcome.outputs).map(([name, values]) => (
            <p key={name}>
              {name}: <code data-output={name}>{values}</code>
            </p>
          ))}
        </div>
      )}
      {error && (
        <p class="error" id="try-error">
          {error}
        </p>
      )}
    </div>
  );
}
