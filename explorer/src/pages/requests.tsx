// Live requests: the pending ones with their phase (commit, reveal), executors and deadlines,
// refreshed twice a second (a request is pending for a few blocks only); one request's page follows
// it to its result.
import { useChain } from "../chain.ts";
import { coin, enumName, short } from "../format.ts";
import { href } from "../router.ts";
import { Fields, Show } from "../show.tsx";
import type { InferenceRequest } from "../types.ts";
import { useData } from "../use-data.ts";

const phase = (r: InferenceRequest) => enumName(r.status, "REQUEST_STATUS_");
const SETTLED = new Set(["finalized", "refunded", "failed"]);

export function Requests() {
  const { rest } = useChain();
  const loaded = useData(
    () =>
      rest.get<{ requests: InferenceRequest[] }>("/dgrid/inference/v1/pending_requests", { "pagination.limit": 100 }),
    [rest],
    500,
  );
  return (
    <section>
      <h1>Live requests</h1>
      <Show loaded={loaded}>
        {({ requests }) =>
          requests.length === 0 ? (
            <p class="muted">No request is pending.</p>
          ) : (
            <table id="pending">
              <thead>
                <tr>
                  <th>id</th>
                  <th>model</th>
                  <th>phase</th>
                  <th>created</th>
                  <th>commit by</th>
                  <th>reveal by</th>
                  <th>executors</th>
                </tr>
              </thead>
              <tbody>
                {requests.map((r) => (
                  <tr key={r.id} data-id={r.id}>
                    <td>
                      <a href={href(["request", r.id])}>{r.id}</a>
                    </td>
                    <td class="mono">
                      <a href={href(["model", r.model_id])}>{short(r.model_id, 8)}</a>
                    </td>
                    <td data-field="phase">{phase(r)}</td>
                    <td>{r.created_height}</td>
                    <td>{r.commit_deadline}</td>
                    <td>{r.reveal_deadline}</td>
                    <td>{r.executors.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

interface Result {
  result: {
    status: string;
    agreeing: string[];
    dissenting: string[];
    missing: string[];
    reason: string;
    height: string;
  };
}

export function RequestPage({ id }: { id: string }) {
  const { rest } = useChain();
  const loaded = useData(
    async () => {
      const { request } = await rest.get<{ request: InferenceRequest }>(`/dgrid/inference/v1/requests/${id}`);
      // the result exists once settled (asking earlier is a 404, a console error in the browser)
      const result = SETTLED.has(phase(request))
        ? (await rest.get<Result>(`/dgrid/inference/v1/results/${id}`)).result
        : undefined;
      return { request, result };
    },
    [rest, id],
    1000,
  );
  return (
    <section>
      <h1>Request {id}</h1>
      <Show loaded={loaded}>
        {({ request: r, result }) => (
          <>
            <Fields
              rows={[
                ["phase", phase(r)],
                ["model", <a href={href(["model", r.model_id])}>{r.model_id}</a>],
                ["requester", <span class="mono">{r.requester}</span>],
                ["fee", coin(r.fee)],
                ["redundancy / quorum", `${r.redundancy} / ${r.quorum}`],
                ["created at", <a href={href(["block", r.created_height])}>{r.created_height}</a>],
                ["commit / reveal deadline", `${r.commit_deadline} / ${r.reveal_deadline}`],
              ]}
            />
            <h2>Executors</h2>
            <ul>
              {r.executors.map((e) => (
                <li key={e.validator}>
                  {e.validator} {e.revealed ? "revealed" : ""} {enumName(e.outcome, "EXECUTOR_OUTCOME_")}
                </li>
              ))}
            </ul>
            {result && (
              <>
                <h2>Result</h2>
                <Fields
                  rows={[
                    ["status", enumName(result.status, "REQUEST_STATUS_")],
                    ["agreeing", result.agreeing.join(", ") || "—"],
                    ["dissenting", result.dissenting.join(", ") || "—"],
                    ["missing", result.missing.join(", ") || "—"],
                    ["reason", result.reason || "—"],
                  ]}
                />
              </>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
