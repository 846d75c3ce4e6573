// The committed state the operations read, read once per block (SDK simulation reads the state
// afresh for every operation; here a block's operations all plan against the same committed state,
// so a list read by one is the list every other one would read too). A new view per block: nothing
// here outlives the height it was read at. Callers must not change the arrays or objects returned.
import type { Grant } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import type { Proposal } from "cosmjs-types/cosmos/gov/v1/gov";
import { ProposalStatus } from "cosmjs-types/cosmos/gov/v1/gov";
import type { Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { DGridApp } from "../../../app/app.ts";
import type { Context } from "../../../chain/baseapp/context.ts";
import { ActiveProposalQueuePrefix, InactiveProposalQueuePrefix } from "../../../modules/gov/keys.ts";
import type { Params as InferenceParams } from "../../../proto/gen/dgrid/inference/v1/inference.ts";
import type { Model } from "../../../proto/gen/dgrid/registry/v1/registry.ts";

export interface GrantRow {
  granter: string;
  grantee: string;
  grant: Grant;
}

type FeeGrant = Awaited<ReturnType<DGridApp["feegrantKeeper"]["allGrants"]>>[number];

/** the last queue key: every proposal in a gov queue ends before it */
const QUEUE_END_NS = 2n ** 64n - 2n;

export class StateView {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly app: DGridApp,
    private readonly ctx: Context,
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      this.memo.set(key, p);
    }
    return p;
  }

  validators(): Promise<Validator[]> {
    return this.once("validators", () => this.app.stakingKeeper.getAllValidators(this.ctx));
  }

  async validator(operator: string): Promise<Validator | undefined> {
    const byOperator = await this.once(
      "validators-by-operator",
      async () => new Map((await this.validators()).map((v) => [v.operatorAddress, v])),
    );
    return byOperator.get(operator);
  }

  /**
   * Proposals in their deposit or voting period, in id order. Read through gov's inactive / active
   * queues (which hold exactly those) rather than every proposal ever submitted, which only grows.
   */
  proposalsIn(status: ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD | ProposalStatus.PROPOSAL_STATUS_VOTING_PERIOD) {
    return this.once(`proposals-${status}`, async () => {
      const gov = this.app.govKeeper;
      const queue =
        status === ProposalStatus.PROPOSAL_STATUS_DEPOSIT_PERIOD
          ? InactiveProposalQueuePrefix
          : ActiveProposalQueuePrefix;
      const ids = (await gov.queueUntil(this.ctx, queue, QUEUE_END_NS))
        .map((e) => e.id)
        .sort((a, b) => (a < b ? -1 : 1));
      const out: Proposal[] = [];
      for (const id of ids) {
        const p = await gov.getProposal(this.ctx, id);
        if (p && p.status === status) out.push(p);
      }
      return out;
    });
  }

  authzGrants(): Promise<GrantRow[]> {
    return this.once("authz-grants", async () => {
      const out: GrantRow[] = [];
      await this.app.authzKeeper.iterateGrants(this.ctx, (granter, grantee, grant) => {
        out.push({ granter, grantee, grant });
      });
      return out;
    });
  }

  feeGrants(): Promise<FeeGrant[]> {
    return this.once("fee-grants", () => this.app.feegrantKeeper.allGrants(this.ctx));
  }

  models(): Promise<Model[]> {
    return this.once("models", () => this.app.registryKeeper.allModels(this.ctx));
  }

  inferenceParams(): Promise<InferenceParams> {
    return this.once("inference-params", () => this.app.inferenceKeeper.getParams(this.ctx));
  }
}
