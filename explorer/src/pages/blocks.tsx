// Blocks, newest first, 20 a page (CometBFT's /blockchain page size); ?before=<height> pages back.
import { useChain } from "../chain.ts";
import { short, time } from "../format.ts";
import { href } from "../router.ts";
import { Show } from "../show.tsx";
import { useData } from "../use-data.ts";

export function Blocks({ before }: { before?: number }) {
  const { rpc } = useChain();
  const loaded = useData(
    async () => {
      const top = before ?? Number((await rpc.status()).sync_info.latest_block_height);
      return (await rpc.blockchain(Math.max(1, top - 19), top)).block_metas;
    },
    [rpc, before],
    before === undefined ? 2000 : 0,
  );
  return (
    <section>
      <h1>Blocks</h1>
      <Show loaded={loaded}>
        {(metas) => (
          <>
            <table id="blocks">
              <thead>
                <tr>
                  <th>height</th>
                  <th>hash</th>
                  <th>time</th>
                  <th>txs</th>
                  <th>proposer</th>
                </tr>
              </thead>
              <tbody>
                {metas.map((m) => (
                  <tr key={m.header.height} data-height={m.header.height} data-hash={m.block_id.hash}>
                    <td>
                      <a href={href(["block", m.header.height])}>{m.header.height}</a>
                    </td>
                    <td class="mono">{short(m.block_id.hash)}</td>
                    <td>{time(m.header.time)}</td>
                    <td data-field="txs">{m.num_txs}</td>
                    <td class="mono">{short(m.header.proposer_address)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {Number(metas.at(-1)?.header.height ?? 1) > 1 && (
              <a href={href(["blocks"], { before: String(Number(metas.at(-1)!.header.height) - 1) })}>older</a>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
