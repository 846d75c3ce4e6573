// A random genesis from the seed (SDK simulation's RandomizedGenState + AppStateRandomizedFn):
// funded accounts, validators by gentx (their consensus keys held by the simulation), a few models,
// and module params drawn so that unbonding, voting periods, jail durations, downtime windows and the
// commit/reveal deadlines all come due within a few hundred blocks.
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import type { AppModule } from "../../chain/baseapp/module.ts";
import { Ed25519Key } from "../../chain/types/keys.ts";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { verifySecp256k1 } from "../../modules/auth/sigverify.ts";
import { collectGentxs, createGentx } from "../../modules/genutil/gentx.ts";
import { GenesisState as RegistryGenesis } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { randomAccount, type SimAccount } from "./accounts.ts";
import { randomModel } from "./model.ts";
import type { Rng } from "./rng.ts";

export interface SimGenesis {
  appState: Record<string, any>;
  accounts: SimAccount[];
  /** genesis validators: operator account and consensus key */
  validators: { operator: SimAccount; key: Ed25519Key }[];
  modelIds: string[];
}

const secs = (n: number) => `${n}s`;

export async function randomGenesis(rng: Rng, chainId: string, modules: readonly AppModule[]): Promise<SimGenesis> {
  const appState: Record<string, any> = {};
  for (const m of modules) {
    const d = m.defaultGenesis();
    if (d !== undefined) appState[m.name] = structuredClone(d);
  }
  const nAccounts = rng.range(25, 45);
  const accounts = Array.from({ length: nAccounts }, () => randomAccount(rng));
  const balances = accounts.map(() => BigInt(rng.range(1_000, 100_000)) * 1_000_000n);
  appState.auth.accounts = accounts.map((a, i) => ({
    "@type": "/cosmos.auth.v1beta1.BaseAccount",
    address: a.address,
    pub_key: null,
    account_number: String(i),
    sequence: "0",
  }));
  appState.bank.balances = accounts
    .map((a, i) => ({ address: a.address, coins: [{ denom: "udgrid", amount: balances[i].toString() }] }))
    .sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  appState.bank.supply = [{ denom: "udgrid", amount: balances.reduce((s, b) => s + b, 0n).toString() }];

  Object.assign(appState.staking.params, {
    unbonding_time: secs(rng.range(120, 1800)),
    max_validators: rng.range(4, 12),
    max_entries: rng.range(2, 7),
  });
  Object.assign(appState.slashing.params, {
    signed_blocks_window: String(rng.range(10, 40)),
    min_signed_per_window: "0.500000000000000000",
    downtime_jail_duration: secs(rng.range(30, 600)),
  });
  const voting = rng.range(60, 600);
  Object.assign(appState.gov.params, {
    min_deposit: [{ denom: "udgrid", amount: String(rng.range(1, 20) * 1_000_000) }],
    expedited_min_deposit: [{ denom: "udgrid", amount: String(rng.range(21, 60) * 1_000_000) }],
    max_deposit_period: secs(rng.range(60, 600)),
    voting_period: secs(voting),
    expedited_voting_period: secs(Math.max(1, Math.floor(voting / 2))),
    quorum: "0.200000000000000000",
  });
  Object.assign(appState.inference.params, {
    commit_deadline_blocks: String(rng.range(3, 10)),
    reveal_deadline_blocks: String(rng.range(3, 10)),
    default_redundancy: rng.range(1, 4),
  });
  Object.assign(appState.reputation.params, { recovery_interval_blocks: String(rng.range(5, 50)) });

  const creator = rng.pick(accounts);
  const models = Array.from({ length: rng.range(1, 3) }, () => randomModel(rng, creator.address));
  const registryParams = appState.registry.params;
  appState.registry = snakeKeys(
    RegistryGenesis.toJSON({
      params: undefined,
      models: models.map((m) => ({ ...m, registeredHeight: 0n, delisted: false, supersededBy: "" })),
      servers: [],
      conformanceFailures: [],
      modelStats: [],
      creatorEarnings: [],
    }),
  ) as Record<string, unknown>;
  appState.registry.params = registryParams;

  const operators = rng.sample(accounts, rng.range(4, 6));
  const validators = operators.map((operator) => ({ operator, key: Ed25519Key.fromSeed(rng.bytes(32)) }));
  const gentxs = [];
  for (const v of validators) {
    const wallet = await DirectSecp256k1Wallet.fromKey(v.operator.priv, "dgrid");
    gentxs.push(
      await createGentx({
        chainId,
        signer: wallet,
        consensusPubKey: v.key.pubKey,
        amount: { denom: "udgrid", amount: String(rng.range(100, 900) * 1_000_000) },
        moniker: `sim-${v.operator.address.slice(-6)}`,
        commissionRate: "0.100000000000000000",
        commissionMaxRate: "0.200000000000000000",
        commissionMaxChangeRate: "0.010000000000000000",
      }),
    );
  }
  const doc = { chain_id: chainId, validators: [] as unknown[], app_state: appState };
  collectGentxs(doc, gentxs, { verifySecp256k1 });
  return { appState: doc.app_state, accounts, validators, modelIds: models.map((m) => m.id) };
}
