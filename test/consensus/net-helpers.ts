// A configurable in-memory network of engines for the evidence / vote-extension / crash tests.
import type { Application } from "../../chain/abci/application.ts";
import { type ConsensusHooks, type ConsensusOptions, ConsensusState } from "../../chain/consensus/consensus-state.ts";
import type { Signer } from "../../chain/consensus/crypto.ts";
import { FilePV, type PrivValidator } from "../../chain/consensus/privval.ts";
import { type State, StateStore } from "../../chain/consensus/state.ts";
import { InMemoryNetwork, type Transport } from "../../chain/consensus/transport.ts";
import { MemoryWal, type Wal } from "../../chain/consensus/wal.ts";
import { FakeApp, FakeMempool, genesisState, MemBlockStore, makeKeys, silentLogger } from "./helpers.ts";
import { MemoryLevel } from "./memory-level.ts";

export const FAST_TIMEOUTS = {
  proposeMs: 150,
  proposeDeltaMs: 50,
  prevoteMs: 50,
  prevoteDeltaMs: 25,
  precommitMs: 50,
  precommitDeltaMs: 25,
  commitMs: 10,
};

export interface NetNode {
  id: string;
  app: FakeApp;
  blockStore: MemBlockStore;
  mempool: FakeMempool;
  stateStore: StateStore;
  cs: ConsensusState;
  state: State;
  transport: Transport;
}

export interface NetOptions {
  voteExtensionsHeight?: bigint;
  chainId?: string;
  tag?: string;
  makeApp?: (i: number) => FakeApp;
  options?: (i: number) => Partial<ConsensusOptions>;
  privValidator?: (i: number, key: Signer) => PrivValidator;
  /** node i's consensus hooks (e.g. test/support/double-signer.ts) */
  hooks?: (i: number, key: Signer) => ConsensusHooks | undefined;
  wal?: (i: number) => Wal;
}

export async function makeNet(n: number, opts: NetOptions = {}) {
  const keys = makeKeys(n, opts.tag ?? "net");
  const chainId = opts.chainId ?? "test-chain";
  const genesis = genesisState(keys, { chainId, voteExtensionsHeight: opts.voteExtensionsHeight });
  const net = new InMemoryNetwork();
  const nodes: NetNode[] = [];
  for (let i = 0; i < n; i++) {
    const app = opts.makeApp?.(i) ?? new FakeApp();
    await app.initChain();
    const state = { ...genesis, appHash: app.appHash };
    const blockStore = new MemBlockStore();
    const mempool = new FakeMempool();
    const stateStore = new StateStore(new MemoryLevel());
    await stateStore.save(state);
    const transport = net.join(`node${i}`);
    const cs = new ConsensusState(
      { chainId, skipTimeoutCommit: true, timeouts: FAST_TIMEOUTS, ...opts.options?.(i) },
      {
        app: app as Application,
        blockStore,
        mempool,
        stateStore,
        privValidator: opts.privValidator?.(i, keys[i]) ?? new FilePV(keys[i], undefined),
        wal: opts.wal?.(i) ?? new MemoryWal(),
        logger: silentLogger,
        transport,
        hooks: opts.hooks?.(i, keys[i]),
      },
    );
    nodes.push({ id: `node${i}`, app, blockStore, mempool, stateStore, cs, state, transport });
  }
  return { net, nodes, keys, genesis, chainId };
}
