// Governance proposals, newest first, with their tally: the live tally during the voting period, the
// final one after it.
import { useChain } from "../chain.ts";
import { enumName } from "../format.ts";
import { Show } from "../show.tsx";
import type { Proposal, TallyResult } from "../types.ts";
import { useData } from "../use-data.ts";

const OPTIONS: [keyof TallyResult, string][] = [
  ["yes_count", "yes"],
  ["no_count", "no"],
  ["no_with_veto_count", "veto"],
  ["abstain_count", "abstain"],
];

function Tally({ tally }: { tally: TallyResult }) {
  const total = OPTIONS.reduce((a, [k]) => a + BigInt(tally[k]), 0n);
  return (
    <div class="tally">
      {OPTIONS.map(([k, label]) => {
        const pct = total ? Number((BigInt(tally[k]) * 1000n) / total) / 10 : 0;
        return (
          <div key={k} class={`bar ${label}`} title={`${label}: ${tally[k]}`} data-option={label} data-count={tally[k]}>
            <span style={{ width: `${pct}%` }} />
            {label} {tally[k]} ({pct}%)
          </div>
        );
      })}
    </div>
  );
}

export function Proposals() {
  const { rest } = useChain();
  const loaded = useData(
    async () => {
      const { proposals } = await rest.get<{ proposals: Proposal[] }>("/cosmos/gov/v1/proposals", {
        "pagination.reverse": true,
        "pagination.limit": 50,
      });
      return Promise.all(
        proposals.map(async (p) => ({
          p,
          tally:
            p.status === "PROPOSAL_STATUS_VOTING_PERIOD"
              ? (await rest.get<{ tally: TallyResult }>(`/cosmos/gov/v1/proposals/${p.id}/tally`)).tally
              : p.final_tally_result,
        })),
      );
    },
    [rest],
    5000,
  );
  return (
    <section>
      <h1>Governance</h1>
      <Show loaded={loaded}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">No proposals.</p>
          ) : (
            <div id="proposals">
              {list.map(({ p, tally }) => (
                <article key={p.id} class="proposal" data-id={p.id} data-status={p.status}>
                  <h3>
                    #{p.id} {p.title} <span class="tag">{enumName(p.status, "PROPOSAL_STATUS_")}</span>
                  </h3>
                  <p class="muted small">{p.messages.map((m) => m["@type"]).join(", ")}</p>
                  <p>{p.summary}</p>
                  <Tally tally={tally} />
                </article>
              ))}
            </div>
          )
        }
      </Show>
    </section>
  );
}
