// The validators: voting power, tokens, reputation, inference jobs (done / missed / dissented, from
// reputation's ValidatorStats) and missed blocks; one validator's page with the same figures, its
// unresolved jobs and its reputation over time as a chart of the score samples.
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import { useChain } from "../chain.ts";
import { Chart } from "../chart.tsx";
import { ppm, short } from "../format.ts";
import { href } from "../router.ts";
import { Fields, orNa, Show } from "../show.tsx";
import { useData } from "../use-data.ts";
import {
  missedBlocks,
  reputations,
  scoreSeries,
  stakingValidators,
  type ValidatorRow,
  validatorStats,
  votingPower,
} from "../validators-data.ts";

function useValidatorData() {
  const chain = useChain();
  return {
    rows: useData(() => stakingValidators(chain), [chain], 3000),
    power: useData(() => votingPower(chain), [chain], 3000),
    missed: useData(() => missedBlocks(chain), [chain], 3000),
    reputation: useData(() => reputations(chain), [chain], 3000),
    jobs: useData(() => validatorStats(chain), [chain], 3000),
  };
}

type Data = ReturnType<typeof useValidatorData>;

const COLUMNS = [
  "status",
  "voting power",
  "tokens",
  "reputation",
  "jobs done",
  "jobs missed",
  "jobs dissented",
  "missed blocks",
] as const;

type Stats = NonNullable<ReturnType<NonNullable<Data["jobs"]["data"]>["get"]>>;

/** A counter of the validator's stats; "0" for one never assigned a job (it has no record). */
const jobsOf =
  (d: Data, v: ValidatorRow) =>
  (f: (s: Stats) => string | undefined): ComponentChildren =>
    orNa(d.jobs, (m) => {
      const s = m.get(v.operator);
      return s ? (f(s) ?? "0") : "0";
    });

/** The figures of one validator, in the order of COLUMNS. */
function figures(d: Data, v: ValidatorRow): [(typeof COLUMNS)[number], ComponentChildren][] {
  const jobs = jobsOf(d, v);
  const rep = (f: (r: NonNullable<ReturnType<NonNullable<Data["reputation"]["data"]>["get"]>>) => string) =>
    orNa(d.reputation, (m) => {
      const r = m.get(v.operator);
      return r ? f(r) : <span class="muted">none yet</span>;
    });
  return [
    ["status", `${v.status}${v.jailed ? " (jailed)" : ""}`],
    ["voting power", orNa(d.power, (m) => m.get(v.consAddress) ?? "0")],
    ["tokens", v.tokens],
    ["reputation", rep((r) => ppm(r.score_ppm))],
    ["jobs done", jobs((s) => s.jobs_done)],
    ["jobs missed", jobs((s) => s.jobs_missed)],
    ["jobs dissented", jobs((s) => s.jobs_dissented)],
    ["missed blocks", orNa(d.missed, (m) => m.get(v.consAddress)?.missed_blocks_counter ?? "0")],
  ];
}

export function Validators() {
  const d = useValidatorData();
  return (
    <section>
      <h1>Validators</h1>
      <Show loaded={d.rows}>
        {(rows) => (
          <table id="validators">
            <thead>
              <tr>
                <th>moniker</th>
                <th>operator</th>
                {COLUMNS.map((k) => (
                  <th key={k}>{k}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((v) => (
                <tr key={v.operator} data-operator={v.operator}>
                  <td>{v.moniker}</td>
                  <td class="mono">
                    <a href={href(["validator", v.operator])}>{short(v.operator, 14)}</a>
                  </td>
                  {figures(d, v).map(([k, value]) => (
                    <td key={k} data-field={k}>
                      {value}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
    </section>
  );
}

export function Validator({ operator }: { operator: string }) {
  const d = useValidatorData();
  return (
    <section>
      <h1>Validator</h1>
      <Show loaded={d.rows}>
        {(rows) => {
          const v = rows.find((r) => r.operator === operator);
          if (!v) return <p class="error">no validator {operator}</p>;
          return (
            <>
              <h2>{v.moniker}</h2>
              <Fields
                rows={[
                  ["operator", <span class="mono">{v.operator}</span>],
                  ["consensus address", <span class="mono">{v.consAddress}</span>],
                  ...figures(d, v),
                  ["jobs unresolved", jobsOf(d, v)((s) => s.jobs_unresolved)],
                  ["last job at height", jobsOf(d, v)((s) => s.last_job_height)],
                ]}
              />
              <ScoreChart stats={d.jobs.data?.get(v.operator)} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

/** The validator's reputation over time: its score samples (every score_sample_interval_blocks). */
function ScoreChart({ stats }: { stats: Stats | undefined }) {
  const s = useMemo(() => (stats ? scoreSeries(stats) : { heights: [], percent: [] }), [stats]);
  return (
    <div class="charts">
      <Chart id="chart-score" title="Reputation over time" unit="%" heights={s.heights} values={s.percent} points />
      {s.heights.length === 0 && <p class="muted">no score samples yet</p>}
    </div>
  );
}
