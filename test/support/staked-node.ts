// A real single-validator node whose validator comes from a gentx (keys add, add-account, gentx,
// collect-gentxs), with short governance periods, for the gov / staking / slashing e2e tests.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { defaultGenesis as defaultSlashingGenesis } from "../../modules/slashing/genesis.ts";
import { createTestNode, dgrid, type TestNode } from "./node-process.ts";

export interface StakedNode {
  node: TestNode;
  /** the validator operator's key name in the home's test keyring, its account and mnemonic */
  valKey: string;
  valAddress: string;
  valMnemonic: string;
  valWallet: DirectSecp256k1HdWallet;
}

export interface StakedNodeOptions {
  accounts?: { address: string; coins: string }[];
  selfDelegation?: string;
  /** gov params overriding the defaults (SDK JSON, snake_case) */
  govParams?: Record<string, unknown>;
  /** slashing params overriding the defaults (SDK JSON, snake_case) */
  slashingParams?: Record<string, unknown>;
  timeoutCommitMs?: number;
}

/** Short gov periods (5 s) and a small deposit: proposals finish within seconds. */
export const FAST_GOV = {
  min_deposit: [{ denom: "udgrid", amount: "1000000" }],
  expedited_min_deposit: [{ denom: "udgrid", amount: "5000000" }],
  max_deposit_period: "5s",
  voting_period: "5s",
  expedited_voting_period: "4s",
};

export async function createStakedNode(opts: StakedNodeOptions = {}): Promise<StakedNode> {
  const node = await createTestNode({
    accounts: opts.accounts,
    timeoutCommitMs: opts.timeoutCommitMs,
    validator: false,
  });
  const h = node.home;
  const key = JSON.parse(
    (await dgrid(["keys", "add", "val", "--home", h, "--keyring-backend", "test", "-o", "json"])).stdout,
  ) as { address: string; mnemonic: string };
  await dgrid(["genesis", "add-account", "--home", h, key.address, "1000000000udgrid"]);
  await dgrid([
    "genesis",
    "gentx",
    "--home",
    h,
    "val",
    opts.selfDelegation ?? "100000000udgrid",
    "--keyring-backend",
    "test",
  ]);
  await dgrid(["genesis", "collect-gentxs", "--home", h]);
  const path = join(h, "config", "genesis.json");
  const doc = JSON.parse(readFileSync(path, "utf8"));
  const app = doc.app_state as Record<string, { params?: Record<string, unknown> } | undefined>;
  if (opts.govParams) app.gov = { ...app.gov, params: { ...app.gov?.params, ...opts.govParams } };
  if (opts.slashingParams) {
    const d = defaultSlashingGenesis();
    app.slashing = { ...d, ...app.slashing, params: { ...d.params, ...app.slashing?.params, ...opts.slashingParams } };
  }
  writeFileSync(path, JSON.stringify(doc, null, 2));
  await dgrid(["genesis", "validate", "--home", h]);
  const valWallet = await DirectSecp256k1HdWallet.fromMnemonic(key.mnemonic, { prefix: "dgrid" });
  return { node, valKey: "val", valAddress: key.address, valMnemonic: key.mnemonic, valWallet };
}

/** Polls `check` until it returns a value other than undefined (each poll waits 200 ms). */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
