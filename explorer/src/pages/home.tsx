// The dashboard: the chain's head, charts over the latest blocks (block time, inference requests
// per block, agreement rate of the requests finalized in each) and the latest blocks.
import { useMemo, useRef } from "preact/hooks";
import { type BlockStat, latestStats, series } from "../block-stats.ts";
import { useChain } from "../chain.ts";
import { Chart } from "../chart.tsx";
import { href } from "../router.ts";
import { Show } from "../show.tsx";
import { useData } from "../use-data.ts";

const WINDOW = 40;

export function Home() {
  const { rpc, endpoints } = useChain();
  const cache = useRef(new Map<number, BlockStat>());
  const loaded = useData(() => latestStats(rpc, WINDOW, cache.current), [rpc], 2000);
  const s = useMemo(() => series(loaded.data ?? []), [loaded.data]);
  return (
    <section>
      <h1>
        {endpoints.chainId} <span class="muted">height {loaded.data?.at(-1)?.height ?? "…"}</span>
      </h1>
      <div class="charts">
        <Chart id="chart-block-time" title="Block time" unit="s" heights={s.heights} values={s.blockTimeS} />
        <Chart
          id="chart-requests"
          title="Inference requests per block"
          unit="requests"
          heights={s.heights}
          values={s.requests}
          bars
        />
        <Chart
          id="chart-agreement"
          title="Unanimous share of finalized requests"
          unit="%"
          heights={s.heights}
          values={s.agreementPct}
        />
      </div>
      <h2>Latest blocks</h2>
      <Show loaded={loaded}>
        {(stats) => (
          <table id="latest-blocks">
            <thead>
              <tr>
                <th>height</th>
                <th>time</th>
                <th>txs</th>
                <th>requests</th>
                <th>finalized</th>
              </tr>
            </thead>
            <tbody>
              {stats
                .slice(-10)
                .reverse()
                .map((b) => (
                  <tr key={b.height}>
                    <td>
                      <a href={href(["block", b.height])}>{b.height}</a>
                    </td>
                    <td>{new Date(b.timeMs).toLocaleTimeString()}</td>
                    <td>{b.txs}</td>
                    <td>{b.requests}</td>
                    <td>{b.finalized}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Show>
      <p>
        <a href={href(["blocks"])}>all blocks</a>
      </p>
    </section>
  );
}
