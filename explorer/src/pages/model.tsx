// One model: its card, price, specs, measured stats, the validators serving it, its lineage and the
// "try it" form.
import { useChain } from "../chain.ts";
import { coin, coins, ppm } from "../format.ts";
import { href } from "../router.ts";
import { Fields, Show } from "../show.tsx";
import type { ModelDetail } from "../types.ts";
import { useData } from "../use-data.ts";
import { TryIt } from "./try-it.tsx";

const spec = (s: ModelDetail["model"]["inputs"][number]) =>
  `${s.name}: ${s.dtype}[${s.shape.map((d) => d.symbol || d.size).join(", ")}]`;

export function ModelPage({ id }: { id: string }) {
  const { rest } = useChain();
  const loaded = useData(() => rest.get<ModelDetail>(`/dgrid/registry/v1/models/${id}`), [rest, id], 4000);
  return (
    <section>
      <Show loaded={loaded}>
        {({ model: m, stats, servers, latest }) => (
          <>
            <h1>
              {m.name} <span class="muted">v{m.version}</span>
              {m.delisted && <span class="tag bad">delisted</span>}
            </h1>
            <p class="desc">{m.card?.description}</p>
            {latest && latest !== m.id && (
              <p>
                A newer version exists: <a href={href(["model", latest])}>{latest.slice(0, 12)}</a>
              </p>
            )}
            <div class="columns">
              <Fields
                rows={[
                  ["id", <span class="mono">{m.id}</span>],
                  ["task", m.card?.task || "—"],
                  ["tags", m.card?.tags.join(", ") || "—"],
                  ["license", m.card?.license || "—"],
                  ["source", m.card?.source_uri || "—"],
                  ["creator", <span class="mono">{m.creator}</span>],
                  ["price per call", coin(m.price_per_call)],
                  ["creator share", ppm(m.creator_share_ppm)],
                  ["inputs", m.inputs.map(spec).join("; ")],
                  ["outputs", m.outputs.map(spec).join("; ")],
                  ["input doc", m.card?.input_doc || "—"],
                  ["output doc", m.card?.output_doc || "—"],
                ]}
              />
              <div>
                <h2>Usage</h2>
                {stats ? (
                  <Fields
                    rows={[
                      ["finalized", stats.requests_finalized],
                      ["refunded", stats.requests_refunded],
                      ["items", stats.items],
                      [
                        "unanimous / majority / no quorum",
                        `${stats.unanimous} / ${stats.majority} / ${stats.no_quorum}`,
                      ],
                      ["agreement", ppm(stats.agreement_ppm)],
                      ["latency p50 / p99", `${stats.latency_p50} / ${stats.latency_p99} blocks`],
                      ["creator earned", coins(stats.creator_fees)],
                    ]}
                  />
                ) : (
                  <p class="muted">not available</p>
                )}
                <h2>Served by</h2>
                <ul id="servers">
                  {servers.map((s) => (
                    <li key={s.validator}>
                      <a href={href(["validator", s.validator])}>{s.validator}</a>
                    </li>
                  ))}
                  {servers.length === 0 && <li class="muted">no validator serves it yet</li>}
                </ul>
              </div>
            </div>
            <TryIt model={m} />
          </>
        )}
      </Show>
    </section>
  );
}
