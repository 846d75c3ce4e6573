// The validators: voting power, tokens, reputation, inference jobs (agreed / dissented / missed) and
// missed blocks; one validator's page with the same figures.
import type { ComponentChildren } from "preact";
import { useChain } from "../chain.ts";
import { ppm, short } from "../format.ts";
import { href } from "../router.ts";
import { Fields, orNa, Show } from "../show.tsx";
import { useData } from "../use-data.ts";
import { missedBlocks, reputations, stakingValidators, type ValidatorRow, votingPower } from "../validators-data.ts";

function useValidatorData() {
  const chain = useChain();
  return {
    rows: useData(() => stakingValidators(chain), [chain], 3000),
    power: useData(() => votingPower(chain), [chain], 3000),
    missed: useData(() => missedBlocks(chain), [chain], 3000),
    reputation: useData(() => reputations(chain), [chain], 3000),
  };
}

type Data = ReturnType<typeof useValidatorData>;

const COLUMNS = [
  "status",
  "voting power",
  "tokens",
  "reputation",
  "jobs agreed",
  "jobs dissented",
  "jobs missed",
  "missed blocks",
] as const;

/** The figures of one validator, in the order of COLUMNS. */
function figures(d: Data, v: ValidatorRow): [(typeof COLUMNS)[number], ComponentChildren][] {
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
    ["jobs agreed", rep((r) => r.agreed)],
    ["jobs dissented", rep((r) => r.dissented)],
    ["jobs missed", rep((r) => r.missed)],
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
                ]}
              />
            </>
          );
        }}
      </Show>
    </section>
  );
}
