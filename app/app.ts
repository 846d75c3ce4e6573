// DGridApp: the DGrid application wired from its modules, as SimApp is to the Cosmos SDK's BaseApp:
// the keepers and how they reach each other, the module accounts and their permissions, the module
// order for genesis and blocks, the ante handler, and the invariants each module registers.
// chain/baseapp runs it; nothing under chain/ knows these modules.
import type { AbstractLevel } from "abstract-level";
import type { Logger } from "pino";
import { type AppCommitStore, BaseApp } from "../chain/baseapp/base-app.ts";
import { moduleVersions } from "../chain/baseapp/module-versions.ts";
import { runTx } from "../chain/baseapp/run-tx.ts";
import type { CacheMultiStore } from "../chain/store/types.ts";
import { moduleAddress } from "../chain/types/address.ts";
import { clientAminoConverters } from "../client/amino-converters.ts";
import { newAnteHandler, newSigVerifyAhead } from "../modules/auth/ante.ts";
import { AccountKeeper } from "../modules/auth/keeper.ts";
import { FeeCollectorName, GovModuleName } from "../modules/auth/keys.ts";
import { AuthModule } from "../modules/auth/module.ts";
import { SignatureVerifier } from "../modules/auth/sigverify.ts";
import { inferenceRequestHooks } from "../modules/authz/inference-hooks.ts";
import { AuthzKeeper } from "../modules/authz/keeper.ts";
import { AuthzModule } from "../modules/authz/module.ts";
import { BankKeeper } from "../modules/bank/keeper.ts";
import { BankModule } from "../modules/bank/module.ts";
import { ConsensusKeeper } from "../modules/consensus/keeper.ts";
import { ConsensusModule } from "../modules/consensus/module.ts";
import { FeegrantKeeper } from "../modules/feegrant/keeper.ts";
import { FeegrantModule } from "../modules/feegrant/module.ts";
import { GenutilModule } from "../modules/genutil/module.ts";
import type { StakingKeeperI as GovStakingKeeperI } from "../modules/gov/expected-keepers.ts";
import { GovKeeper } from "../modules/gov/keeper.ts";
import { GovModule } from "../modules/gov/module.ts";
import { requestCheckDecorator } from "../modules/inference/ante.ts";
import type { InferenceDutiesI, StakingKeeperI } from "../modules/inference/expected-keepers.ts";
import { InferenceKeeper } from "../modules/inference/keeper.ts";
import { CommunityPoolAccountName, EscrowAccountName } from "../modules/inference/keys.ts";
import { InferenceModule } from "../modules/inference/module.ts";
import { RegistryKeeper } from "../modules/registry/keeper.ts";
import { RegistryModule } from "../modules/registry/module.ts";
import { ReputationKeeper } from "../modules/reputation/keeper.ts";
import { ReputationModule } from "../modules/reputation/module.ts";
import { SlashingKeeper } from "../modules/slashing/keeper.ts";
import { SlashingModule } from "../modules/slashing/module.ts";
import { StakingKeeper } from "../modules/staking/keeper.ts";
import { StakingModule } from "../modules/staking/module.ts";
import { UpgradeKeeper } from "../modules/upgrade/keeper.ts";
import { UpgradeModule } from "../modules/upgrade/module.ts";

export { protoTxSize } from "../chain/baseapp/base-app.ts";

export const APP_NAME = "dgrid";
export const APP_VERSION = "0.1.0";

export interface DGridAppOptions {
  chainId?: string;
  /** validator min gas prices for CheckTx, e.g. "0.025udgrid" */
  minGasPrices: string;
  /** stop producing state after this height (0 / undefined = never) */
  haltHeight?: number;
  /** store versions to keep (0 = all) */
  keepRecent?: number;
  /** app.toml index-events: the "type.key" attributes the indexer stores (empty = all) */
  indexEvents?: readonly string[];
  /** x/upgrade writes {name, height, info} here when halting for an upgrade (e.g. <home>/data/upgrade-info.json) */
  upgradeInfoFile?: string;
  /** worker threads verifying CheckTx signatures ahead of the ante handler (default 1; 0 = none) */
  sigVerifyWorkers?: number;
}

export interface DGridAppDeps {
  db: AbstractLevel<any, Uint8Array, Uint8Array>;
  logger: Logger;
  /** the committed state; default: chain/store's CommitMultiStore over `db` (tests may pass a memory store) */
  store?: AppCommitStore;
  /** staking keeper for executor assignment and vote-extension checks (none: no executor is ever assigned) */
  stakingKeeper?: StakingKeeperI;
  /** this node's validator inference duties (none on a non-validator node) */
  inferenceDuties?: InferenceDutiesI;
  /** tests: a stand-in staking keeper for governance tallies (default: the app's staking keeper) */
  govStakingKeeper?: GovStakingKeeperI;
}

/** Module account permissions (the SDK app's maccPerms). */
export const MODULE_ACCOUNT_PERMISSIONS: Record<string, string[]> = {
  [FeeCollectorName]: [],
  [GovModuleName]: ["burner"],
  mint: ["minter"],
  bonded_tokens_pool: ["burner", "staking"],
  not_bonded_tokens_pool: ["burner", "staking"],
  [EscrowAccountName]: [],
  [CommunityPoolAccountName]: [],
};

export class DGridApp extends BaseApp {
  readonly accountKeeper: AccountKeeper;
  readonly bankKeeper: BankKeeper;
  readonly feegrantKeeper: FeegrantKeeper;
  readonly registryKeeper: RegistryKeeper;
  readonly reputationKeeper = new ReputationKeeper();
  readonly inferenceKeeper: InferenceKeeper;
  readonly stakingKeeper: StakingKeeper;
  readonly slashingKeeper: SlashingKeeper;
  readonly govKeeper: GovKeeper;
  readonly consensusKeeper: ConsensusKeeper;
  readonly upgradeKeeper: UpgradeKeeper;
  readonly authzKeeper: AuthzKeeper;
  /** verified-signature cache shared by CheckTx and FinalizeBlock, plus the CheckTx worker */
  readonly sigVerifier: SignatureVerifier;

  constructor(options: DGridAppOptions, deps: DGridAppDeps) {
    super(
      {
        name: APP_NAME,
        version: APP_VERSION,
        chainId: options.chainId,
        minGasPrices: options.minGasPrices,
        haltHeight: options.haltHeight,
        keepRecent: options.keepRecent,
        indexEvents: options.indexEvents,
      },
      { db: deps.db, logger: deps.logger, store: deps.store },
    );
    this.accountKeeper = new AccountKeeper({ permissions: MODULE_ACCOUNT_PERMISSIONS });
    const blocked = Object.keys(MODULE_ACCOUNT_PERMISSIONS)
      .filter((n) => n !== GovModuleName)
      .map(moduleAddress);
    this.bankKeeper = new BankKeeper({ blockedAddresses: blocked }, { accountKeeper: this.accountKeeper });
    const authority = moduleAddress(GovModuleName);
    this.feegrantKeeper = new FeegrantKeeper({}, { accountKeeper: this.accountKeeper, bankKeeper: this.bankKeeper });
    this.stakingKeeper = new StakingKeeper({}, { accountKeeper: this.accountKeeper, bankKeeper: this.bankKeeper });
    this.slashingKeeper = new SlashingKeeper({}, { stakingKeeper: this.stakingKeeper });
    this.stakingKeeper.setHooks(this.slashingKeeper.hooks());
    this.registryKeeper = new RegistryKeeper({ stakingKeeper: this.stakingKeeper });
    this.inferenceKeeper = new InferenceKeeper({
      bankKeeper: this.bankKeeper,
      registryKeeper: this.registryKeeper,
      reputationKeeper: this.reputationKeeper,
      stakingKeeper: deps.stakingKeeper ?? this.stakingKeeper,
    });
    this.govKeeper = new GovKeeper(
      { authority },
      {
        accountKeeper: this.accountKeeper,
        bankKeeper: this.bankKeeper,
        stakingKeeper: deps.govStakingKeeper ?? this.stakingKeeper,
        router: this.router,
        logger: this.logger,
      },
    );
    this.authzKeeper = new AuthzKeeper({
      accountKeeper: this.accountKeeper,
      bankKeeper: this.bankKeeper,
      router: this.router,
      inferenceKeeper: this.inferenceKeeper,
    });
    // a refunded request paid under an InferenceAuthorization credits it back
    this.inferenceKeeper.setHooks(inferenceRequestHooks(this.authzKeeper));
    this.consensusKeeper = new ConsensusKeeper(authority);
    this.upgradeKeeper = new UpgradeKeeper(
      { authority, upgradeInfoFile: options.upgradeInfoFile },
      { moduleVersions: () => moduleVersions(this.modules) },
    );
    // genutil last: its gentxs run once auth, bank and staking are initialized (SDK genesis order)
    const genutil = new GenutilModule({
      stakingKeeper: this.stakingKeeper,
      deliverTx: (ctx, tx) =>
        runTx(this, "genesis", tx, ctx.multiStore as CacheMultiStore, { ...ctx.block, height: 0 }),
    });
    this.setModules([
      new UpgradeModule(this.upgradeKeeper), // first: its PreBlocker halts before anything else runs
      new AuthModule(this.accountKeeper, authority),
      new BankModule(this.bankKeeper, authority),
      new FeegrantModule(this.feegrantKeeper),
      new StakingModule(this.stakingKeeper, authority),
      // after staking: its genesis runs once staking's hooks are set; its BeginBlock precedes staking's EndBlock
      new SlashingModule(this.slashingKeeper, authority),
      new GovModule(this.govKeeper),
      // after bank, staking and gov (simd's order); its BeginBlock prunes expired grants
      new AuthzModule(this.authzKeeper),
      new ConsensusModule(this.consensusKeeper),
      new RegistryModule(this.registryKeeper, authority),
      new ReputationModule(this.reputationKeeper, authority),
      new InferenceModule({ keeper: this.inferenceKeeper, authority }, { duties: deps.inferenceDuties }),
      genutil,
    ]);
    this.setParamStore(this.consensusKeeper);
    this.sigVerifier = new SignatureVerifier({ workers: options.sigVerifyWorkers ?? 1 });
    const anteDeps = {
      accountKeeper: this.accountKeeper,
      bankKeeper: this.bankKeeper,
      feegrantKeeper: this.feegrantKeeper,
      sigVerifier: this.sigVerifier,
      // SIGN_MODE_LEGACY_AMINO_JSON for the DGrid messages, authz's and feegrant's (CosmJS has none for
      // them; the client signs with these same converters); the other SDK modules' types carry their own
      aminoConverters: clientAminoConverters(),
    };
    const authAnte = newAnteHandler(anteDeps);
    // the modules' own decorators after auth's (SDK order): inference checks requests in CheckTx
    const inferenceAnte = requestCheckDecorator(this.inferenceKeeper);
    this.setAnteHandler(async (ctx, tx) => {
      await authAnte(ctx, tx);
      await inferenceAnte(ctx, tx);
    }, newSigVerifyAhead(anteDeps));
  }
}
