// One transaction by hash: result, gas, its messages (decoded by the REST gateway's GetTx) and events.
import { useChain } from "../chain.ts";
import { href } from "../router.ts";
import { Fields, orNa, Show } from "../show.tsx";
import { useData } from "../use-data.ts";

interface GetTx {
  tx: { body: { messages: ({ "@type": string } & Record<string, unknown>)[]; memo: string } };
}

export function Tx({ hash }: { hash: string }) {
  const { rpc, rest } = useChain();
  const loaded = useData(() => rpc.tx(hash), [rpc, hash]);
  const decoded = useData(() => rest.get<GetTx>(`/cosmos/tx/v1beta1/txs/${hash}`), [rest, hash]);
  return (
    <section>
      <h1 class="mono">Tx {hash}</h1>
      <Show loaded={loaded}>
        {(t) => (
          <>
            <Fields
              rows={[
                ["height", <a href={href(["block", t.height])}>{t.height}</a>],
                ["result", t.tx_result.code === 0 ? "ok" : `code ${t.tx_result.code}: ${t.tx_result.log}`],
                ["gas used / wanted", `${t.tx_result.gas_used} / ${t.tx_result.gas_wanted}`],
                ["messages", orNa(decoded, (d) => d.tx.body.messages.map((m) => m["@type"]).join(", "))],
              ]}
            />
            <h2>Messages</h2>
            {orNa(decoded, (d) => (
              <pre id="tx-messages">{JSON.stringify(d.tx.body.messages, null, 2)}</pre>
            ))}
            <h2>Events</h2>
            <table>
              <tbody>
                {(t.tx_result.events ?? []).map((e, i) => (
                  <tr key={i}>
                    <td>{e.type}</td>
                    <td class="mono small">{(e.attributes ?? []).map((a) => `${a.key}=${a.value}`).join(" ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Show>
    </section>
  );
}
