// Invariant checks of the application state at one height, through ABCI queries (abci_query with a
// height, so every figure is of the same state), independent of the node's own invariant code
// (modules/*/invariants.ts): supply = sum of balances; the inference escrow = the fees of pending
// requests; bonded pool = tokens of bonded validators, not-bonded pool = the others' tokens plus
// unbonding entries; each validator's shares = its delegations' shares; no request pending past its
// deadline.
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import {
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryDenomOwnersRequest,
  QueryDenomOwnersResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import {
  QueryPoolRequest,
  QueryPoolResponse,
  QueryValidatorDelegationsRequest,
  QueryValidatorDelegationsResponse,
  QueryValidatorsRequest,
  QueryValidatorsResponse,
  QueryValidatorUnbondingDelegationsRequest,
  QueryValidatorUnbondingDelegationsResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/query";
import {
  BondStatus,
  type DelegationResponse,
  type UnbondingDelegation,
  type Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { moduleAddress } from "../../chain/types/address.ts";
import { type InferenceRequest, RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";
import {
  QueryParamsRequest,
  QueryParamsResponse,
  QueryPendingRequestsRequest,
  QueryPendingRequestsResponse,
} from "../../proto/gen/dgrid/inference/v1/query.ts";

const DENOM = "udgrid";

interface Codec<T> {
  encode(m: T): { finish(): Uint8Array };
  decode(b: Uint8Array): any;
  fromPartial(o: any): T;
}

/** A LegacyDec as the SDK writes it in protobuf (18-decimal atoms) or with a decimal point, as atoms. */
export function decAtoms(s: string): bigint {
  if (!s.includes(".")) return BigInt(s || "0");
  const [i, f] = s.split(".");
  return BigInt(i + f.padEnd(18, "0").slice(0, 18));
}

export class StateChecker {
  private constructor(
    private readonly qc: QueryClient,
    private readonly comet: Comet38Client,
  ) {}

  static async connect(rpcUrl: string): Promise<StateChecker> {
    const comet = await Comet38Client.connect(rpcUrl);
    return new StateChecker(new QueryClient(comet), comet);
  }

  disconnect(): void {
    this.comet.disconnect();
  }

  private async query<Req, Res>(
    path: string,
    req: Codec<Req>,
    res: Codec<Res>,
    value: any,
    height: number,
  ): Promise<any> {
    const r = await this.qc.queryAbci(path, req.encode(req.fromPartial(value)).finish(), height);
    return res.decode(r.value);
  }

  /** Every page of a paginated query: `items` picks the page's items. */
  private async all<T>(
    path: string,
    req: Codec<any>,
    res: Codec<any>,
    value: Record<string, unknown>,
    items: (r: any) => T[],
    height: number,
  ): Promise<T[]> {
    const out: T[] = [];
    let key: Uint8Array | undefined;
    for (;;) {
      const pagination: Partial<PageRequest> = { key: key ?? new Uint8Array(), limit: 200n };
      const r = await this.query(path, req, res, { ...value, pagination }, height);
      out.push(...items(r));
      key = r.pagination?.nextKey;
      if (!key || key.length === 0) return out;
    }
  }

  private async balance(address: string, height: number): Promise<bigint> {
    const r = await this.query(
      "/cosmos.bank.v1beta1.Query/Balance",
      QueryBalanceRequest,
      QueryBalanceResponse,
      { address, denom: DENOM },
      height,
    );
    return BigInt(r.balance?.amount ?? "0");
  }

  /** The broken invariants of the state after block `height`. */
  async check(height: number): Promise<string[]> {
    const out: string[] = [];
    const at = `height ${height}`;
    // supply = sum of balances
    const supply = BigInt(
      (
        await this.query(
          "/cosmos.bank.v1beta1.Query/SupplyOf",
          QuerySupplyOfRequest,
          QuerySupplyOfResponse,
          { denom: DENOM },
          height,
        )
      ).amount.amount,
    );
    const owners = await this.all(
      "/cosmos.bank.v1beta1.Query/DenomOwners",
      QueryDenomOwnersRequest,
      QueryDenomOwnersResponse,
      { denom: DENOM },
      (r) => r.denomOwners,
      height,
    );
    const held = owners.reduce((a: bigint, o: any) => a + BigInt(o.balance.amount), 0n);
    if (held !== supply) out.push(`${at}: supply ${supply} != sum of balances ${held} (${owners.length} owners)`);

    // escrow = fees of pending requests; none pending past its deadline
    const pending = await this.all<InferenceRequest>(
      "/dgrid.inference.v1.Query/PendingRequests",
      QueryPendingRequestsRequest,
      QueryPendingRequestsResponse,
      {},
      (r) => r.requests,
      height,
    );
    const fees = pending.reduce((a, r) => a + BigInt(r.fee?.amount ?? "0"), 0n);
    const escrow = await this.balance(moduleAddress("inference"), height);
    if (escrow !== fees)
      out.push(`${at}: inference escrow ${escrow} != pending fees ${fees} (${pending.length} pending)`);
    const params = (
      await this.query("/dgrid.inference.v1.Query/Params", QueryParamsRequest, QueryParamsResponse, {}, height)
    ).params;
    const h = BigInt(height);
    const bound = params.commitDeadlineBlocks + params.revealDeadlineBlocks + 2n;
    for (const r of pending) {
      const late =
        (r.status === RequestStatus.REQUEST_STATUS_COMMIT && r.commitDeadline < h) ||
        (r.status === RequestStatus.REQUEST_STATUS_REVEAL && r.revealDeadline < h) ||
        r.createdHeight + bound < h;
      if (late)
        out.push(
          `${at}: request ${r.id} pending (status ${r.status}) past its deadline (created ${r.createdHeight}, commit ${r.commitDeadline}, reveal ${r.revealDeadline})`,
        );
    }

    // bonded = delegations
    const pool = (
      await this.query("/cosmos.staking.v1beta1.Query/Pool", QueryPoolRequest, QueryPoolResponse, {}, height)
    ).pool;
    const vals = await this.all<Validator>(
      "/cosmos.staking.v1beta1.Query/Validators",
      QueryValidatorsRequest,
      QueryValidatorsResponse,
      { status: "" },
      (r) => r.validators,
      height,
    );
    let bonded = 0n;
    let notBonded = 0n;
    for (const v of vals) {
      if (v.status === BondStatus.BOND_STATUS_BONDED) bonded += BigInt(v.tokens);
      else notBonded += BigInt(v.tokens);
      const dels = await this.all<DelegationResponse>(
        "/cosmos.staking.v1beta1.Query/ValidatorDelegations",
        QueryValidatorDelegationsRequest,
        QueryValidatorDelegationsResponse,
        { validatorAddr: v.operatorAddress },
        (r) => r.delegationResponses,
        height,
      );
      const shares = dels.reduce((a, d) => a + decAtoms(d.delegation.shares), 0n);
      if (shares !== decAtoms(v.delegatorShares))
        out.push(
          `${at}: validator ${v.operatorAddress} shares ${v.delegatorShares} != sum of its delegations ${shares}`,
        );
      const ubds = await this.all<UnbondingDelegation>(
        "/cosmos.staking.v1beta1.Query/ValidatorUnbondingDelegations",
        QueryValidatorUnbondingDelegationsRequest,
        QueryValidatorUnbondingDelegationsResponse,
        { validatorAddr: v.operatorAddress },
        (r) => r.unbondingResponses,
        height,
      );
      for (const u of ubds) for (const e of u.entries) notBonded += BigInt(e.balance);
    }
    if (BigInt(pool.bondedTokens) !== bonded)
      out.push(`${at}: bonded pool ${pool.bondedTokens} != bonded validators' tokens ${bonded}`);
    if (BigInt(pool.notBondedTokens) !== notBonded)
      out.push(`${at}: not-bonded pool ${pool.notBondedTokens} != unbonded tokens ${notBonded}`);
    const bondedBalance = await this.balance(moduleAddress("bonded_tokens_pool"), height);
    if (bondedBalance !== bonded)
      out.push(`${at}: bonded_tokens_pool holds ${bondedBalance}, bonded validators' tokens ${bonded}`);
    return out;
  }
}
