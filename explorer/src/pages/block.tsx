// One block: its header, its transactions (hash, result, gas) and the events of FinalizeBlock.
import { useChain } from "../chain.ts";
import { short } from "../format.ts";
import { href } from "../router.ts";
import { Fields, Show } from "../show.tsx";
import { useData } from "../use-data.ts";

export function Block({ height }: { height: number }) {
  const { rpc } = useChain();
  const loaded = useData(async () => {
    const [block, txs, results] = await Promise.all([rpc.block(height), rpc.txsAt(height), rpc.blockResults(height)]);
    return { block, txs, results };
  }, [rpc, height]);
  return (
    <section>
      <h1>Block {height}</h1>
      <p>
        <a href={href(["block", height - 1])}>previous</a> · <a href={href(["block", height + 1])}>next</a>
      </p>
      <Show loaded={loaded}>
        {({ block, txs, results }) => {
          const events = new Map<string, number>();
          for (const e of results.finalize_block_events ?? []) events.set(e.type, (events.get(e.type) ?? 0) + 1);
          return (
            <>
              <Fields
                rows={[
                  ["hash", <span class="mono">{block.block_id.hash}</span>],
                  ["time", block.block.header.time],
                  ["proposer", <span class="mono">{block.block.header.proposer_address}</span>],
                  ["app hash", <span class="mono">{block.block.header.app_hash}</span>],
                  ["transactions", String(block.block.data.txs?.length ?? 0)],
                ]}
              />
              <h2>Transactions</h2>
              {txs.length === 0 ? (
                <p class="muted">none</p>
              ) : (
                <table id="block-txs">
                  <thead>
                    <tr>
                      <th>hash</th>
                      <th>result</th>
                      <th>gas used / wanted</th>
                    </tr>
                  </thead>
                  <tbody>
                    {txs.map((t) => (
                      <tr key={t.hash} data-hash={t.hash}>
                        <td class="mono">
                          <a href={href(["tx", t.hash])}>{short(t.hash)}</a>
                        </td>
                        <td>{t.tx_result.code === 0 ? "ok" : `code ${t.tx_result.code}`}</td>
                        <td>
                          {t.tx_result.gas_used} / {t.tx_result.gas_wanted}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <h2>Block events</h2>
              <ul>
                {[...events].map(([type, n]) => (
                  <li key={type}>
                    {type} × {n}
                  </li>
                ))}
              </ul>
            </>
          );
        }}
      </Show>
    </section>
  );
}
