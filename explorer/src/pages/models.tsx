// The marketplace: listed models as cards (task, tags, price, usage, agreement, latency), filtered by
// task and sorted as DiscoverModels sorts (price, usage, agreement, latency).
import { useChain } from "../chain.ts";
import { coin, ppm } from "../format.ts";
import { href } from "../router.ts";
import { Show } from "../show.tsx";
import type { DiscoveredModel } from "../types.ts";
import { useData } from "../use-data.ts";

export const TASKS = ["classification", "detection", "ocr", "speech", "embedding", "generation", "other"];
export const SORTS = ["price", "usage", "agreement", "latency"];

export function Models({ task, sort }: { task: string; sort: string }) {
  const { rest } = useChain();
  const loaded = useData(
    () =>
      rest.get<{ models: DiscoveredModel[] }>("/dgrid/registry/v1/discover/models", {
        task,
        sort,
        "pagination.limit": 100,
      }),
    [rest, task, sort],
    5000,
  );
  const go = (next: { task?: string; sort?: string }) => {
    location.hash = href(["models"], { task, sort, ...next });
  };
  return (
    <section>
      <h1>Models</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          task{" "}
          <select id="task-filter" value={task} onChange={(e) => go({ task: e.currentTarget.value })}>
            <option value="">any</option>
            {TASKS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          sort{" "}
          <select id="sort" value={sort || "price"} onChange={(e) => go({ sort: e.currentTarget.value })}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Show loaded={loaded}>
        {({ models }) =>
          models.length === 0 ? (
            <p class="muted" id="no-models">
              No listed model matches.
            </p>
          ) : (
            <div class="cards" id="model-cards">
              {models.map(({ model: m, stats }) => (
                <a class="card" key={m.id} href={href(["model", m.id])} data-model={m.id}>
                  <h3>
                    {m.name} <span class="muted">v{m.version}</span>
                  </h3>
                  <p class="tags">
                    <span class="tag task">{m.card?.task || "no card"}</span>
                    {m.card?.tags.map((t) => (
                      <span class="tag" key={t}>
                        {t}
                      </span>
                    ))}
                  </p>
                  <p class="desc">{m.card?.description}</p>
                  <dl class="fields compact">
                    <dt>price</dt>
                    <dd data-field="price">{coin(m.price_per_call)}</dd>
                    <dt>finalized</dt>
                    <dd data-field="finalized">{stats?.requests_finalized ?? "0"}</dd>
                    <dt>unanimous</dt>
                    <dd data-field="agreement">{stats ? ppm(stats.agreement_ppm) : "—"}</dd>
                    <dt>latency p50/p99</dt>
                    <dd data-field="latency">
                      {stats?.latency_p50 ? `${stats.latency_p50}/${stats.latency_p99} blocks` : "—"}
                    </dd>
                  </dl>
                </a>
              ))}
            </div>
          )
        }
      </Show>
    </section>
  );
}
