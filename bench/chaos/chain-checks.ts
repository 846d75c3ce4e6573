// Safety checks over what the nodes stored, through their CometBFT JSON-RPC: the same block id and
// app hash on every node at every common height; every stored commit is for the committed block, its
// signatures verify against the validator set of that height (ed25519 over the CometBFT vote sign
// bytes) and carry +2/3 of the power; no validator signed precommits for two different blocks at one
// height in any node's commits; no block carries evidence (every validator here is honest, so
// evidence means a restarted node signed twice).
import { fromBase64, fromHex } from "@cosmjs/encoding";
import { fromRfc3339WithNanoseconds, toSeconds } from "@cosmjs/tendermint-rpc";
import { ed25519 } from "@noble/curves/ed25519.js";
import { Vote } from "cosmjs-types/tendermint/types/types";
import { voteSignBytes } from "../../chain/types/vote.ts";
import { rpcCall } from "../../test/support/node-process.ts";

export interface ChainView {
  /** "blockIdHash/appHash" by height, as every node agreed on it */
  blocks: Map<number, string>;
  /** txs in the checked blocks */
  txs: number;
}

const BLOCK_ID_FLAG_COMMIT = 2;
const PRECOMMIT = 2;

async function rpc(url: string, method: string, params: Record<string, unknown> = {}): Promise<any> {
  const r = await rpcCall(url, method, params);
  if (r.error || !r.result) throw new Error(`${method} ${JSON.stringify(params)}: ${JSON.stringify(r.error)}`);
  return r.result;
}

/** Block metas of heights lo..hi of one node, by height. */
async function metas(
  url: string,
  lo: number,
  hi: number,
): Promise<Map<number, { id: string; txs: number; valHash: string }>> {
  const out = new Map<number, { id: string; txs: number; valHash: string }>();
  for (let a = lo; a <= hi; a += 20) {
    const b = Math.min(hi, a + 19);
    const r = await rpc(url, "blockchain", { minHeight: String(a), maxHeight: String(b) });
    for (const m of r.block_metas)
      out.set(Number(m.header.height), {
        id: `${m.block_id.hash}/${m.header.app_hash}`,
        txs: Number(m.num_txs),
        valHash: m.header.validators_hash,
      });
  }
  return out;
}

export class ChainChecker {
  /** what the nodes agreed on so far */
  readonly view: ChainView = { blocks: new Map(), txs: 0 };
  /** validator sets by validators_hash: address hex -> { pubkey, power } */
  private sets = new Map<string, Map<string, { pubKey: Uint8Array; power: bigint }>>();
  private checkedUpTo = 0;

  constructor(private readonly options: { chainId: string; rpcUrls: string[] }) {}

  /**
   * Checks heights above the last checked one up to `upTo` (every node has reached it) and returns
   * the violations found; `full` rechecks from height 1 (block and app hashes only).
   */
  async check(upTo: number, full = false): Promise<string[]> {
    const from = full ? 1 : this.checkedUpTo + 1;
    if (upTo < from) return [];
    const violations: string[] = [];
    const perNode = await Promise.all(this.options.rpcUrls.map((u) => metas(u, from, upTo)));
    for (let h = from; h <= upTo; h++) {
      const ids = perNode.map((m) => m.get(h)?.id);
      if (ids.some((id) => id !== ids[0]))
        violations.push(
          `height ${h}: nodes disagree on block/app hash: ${ids.map((x, i) => `node${i}=${x}`).join(" ")}`,
        );
      const known = this.view.blocks.get(h);
      if (known !== undefined && known !== ids[0])
        violations.push(`height ${h}: block/app hash changed from ${known} to ${ids[0]}`);
    }
    if (full) return violations;
    for (let h = from; h <= upTo; h++) {
      const meta = perNode[0].get(h);
      if (!meta) {
        violations.push(`height ${h}: node0 has no block`);
        continue;
      }
      this.view.blocks.set(h, meta.id);
      this.view.txs += meta.txs;
      violations.push(...(await this.checkHeight(h, meta.id.split("/")[0], meta.valHash)));
    }
    this.checkedUpTo = upTo;
    return violations;
  }

  private async validatorSet(h: number, valHash: string) {
    let set = this.sets.get(valHash);
    if (set) return set;
    const r = await rpc(this.options.rpcUrls[0], "validators", { height: String(h), per_page: "100" });
    set = new Map();
    for (const v of r.validators)
      set.set(String(v.address).toUpperCase(), { pubKey: fromBase64(v.pub_key.value), power: BigInt(v.voting_power) });
    this.sets.set(valHash, set);
    return set;
  }

  /** Every node's stored commit of `h`, and the block's evidence (from node 0). */
  private async checkHeight(h: number, blockHash: string, valHash: string): Promise<string[]> {
    const out: string[] = [];
    const set = await this.validatorSet(h, valHash);
    const total = [...set.values()].reduce((a, v) => a + v.power, 0n);
    // validator -> the block id its precommits at h are for, over all nodes' commits
    const signed = new Map<string, string>();
    for (const [i, url] of this.options.rpcUrls.entries()) {
      const c = (await rpc(url, "commit", { height: String(h) })).signed_header.commit;
      if (c.block_id.hash !== blockHash)
        out.push(`height ${h}: node${i}'s commit is for ${c.block_id.hash}, not the block ${blockHash}`);
      let power = 0n;
      for (const s of c.signatures) {
        if (s.block_id_flag !== BLOCK_ID_FLAG_COMMIT) continue;
        const addr = String(s.validator_address).toUpperCase();
        const val = set.get(addr);
        if (!val) {
          out.push(`height ${h}: node${i}'s commit has a signature of ${addr}, not in the validator set`);
          continue;
        }
        const ts = toSeconds(fromRfc3339WithNanoseconds(s.timestamp));
        const vote = Vote.fromPartial({
          type: PRECOMMIT,
          height: BigInt(h),
          round: Number(c.round),
          blockId: {
            hash: fromHex(c.block_id.hash),
            partSetHeader: { total: Number(c.block_id.parts.total), hash: fromHex(c.block_id.parts.hash) },
          },
          timestamp: { seconds: BigInt(ts.seconds), nanos: ts.nanos },
        });
        if (!ed25519.verify(fromBase64(s.signature), voteSignBytes(this.options.chainId, vote), val.pubKey))
          out.push(`height ${h}: node${i}'s commit carries an invalid signature of ${addr} (round ${c.round})`);
        else power += val.power;
        const prev = signed.get(addr);
        if (prev !== undefined && prev !== c.block_id.hash)
          out.push(`height ${h}: validator ${addr} signed precommits for two blocks (${prev}, ${c.block_id.hash})`);
        signed.set(addr, c.block_id.hash);
      }
      if (power * 3n <= total * 2n)
        out.push(`height ${h}: node${i}'s commit has ${power} of ${total} power (not +2/3)`);
    }
    const block = (await rpc(this.options.rpcUrls[0], "block", { height: String(h) })).block;
    const evidence = block.evidence?.evidence ?? [];
    if (evidence.length > 0)
      out.push(
        `height ${h}: block carries ${evidence.length} evidence (an honest validator double-signed): ${JSON.stringify(evidence).slice(0, 400)}`,
      );
    return out;
  }
}
