// x/auth gRPC Query service (cosmos.auth.v1beta1.Query), protobuf in / protobuf out.
import {
  AddressBytesToStringRequest,
  AddressBytesToStringResponse,
  AddressStringToBytesRequest,
  AddressStringToBytesResponse,
  Bech32PrefixRequest,
  Bech32PrefixResponse,
  QueryAccountAddressByIDRequest,
  QueryAccountAddressByIDResponse,
  QueryAccountInfoRequest,
  QueryAccountInfoResponse,
  QueryAccountRequest,
  QueryAccountResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryModuleAccountByNameRequest,
  QueryModuleAccountByNameResponse,
  QueryModuleAccountsRequest,
  QueryModuleAccountsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { addressFromString, addressToString, Bech32PrefixAccAddr, moduleAddress } from "../../chain/types/address.ts";
import { accountToAny, decodeAccount } from "./account.ts";
import type { AccountKeeper } from "./keeper.ts";
import { AccountsPrefix, StoreKey } from "./keys.ts";

const P = "/cosmos.auth.v1beta1.Query/";

function checkAddr(a: string): void {
  if (a === "") throw invalidArgument("Address cannot be empty");
  try {
    addressFromString(a);
  } catch (e) {
    throw invalidArgument(e instanceof Error ? e.message : String(e));
  }
}

export function registerQueryServer(cfg: Configurator, k: AccountKeeper): void {
  cfg.registerQuery(
    `${P}Account`,
    queryHandler(QueryAccountRequest, QueryAccountResponse, async (ctx, r) => {
      checkAddr(r.address);
      const acc = await k.getAccount(ctx, r.address);
      if (!acc) throw notFound(`account ${r.address} not found`);
      return { account: accountToAny(acc) };
    }),
  );
  cfg.registerQuery(
    `${P}Accounts`,
    queryHandler(QueryAccountsRequest, QueryAccountsResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), AccountsPrefix, r.pagination, (_k, v) =>
        accountToAny(decodeAccount(v)),
      );
      return { accounts: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
  cfg.registerQuery(
    `${P}ModuleAccounts`,
    queryHandler(QueryModuleAccountsRequest, QueryModuleAccountsResponse, async (ctx) => {
      const accounts = [];
      for (const name of k.moduleAccountNames()) {
        const acc = await k.getAccount(ctx, moduleAddress(name));
        if (acc) accounts.push(accountToAny(acc));
      }
      return { accounts };
    }),
  );
  cfg.registerQuery(
    `${P}ModuleAccountByName`,
    queryHandler(QueryModuleAccountByNameRequest, QueryModuleAccountByNameResponse, async (ctx, r) => {
      if (r.name === "") throw invalidArgument("module name is empty");
      const acc = k.permissions(r.name) !== undefined ? await k.getAccount(ctx, moduleAddress(r.name)) : undefined;
      if (!acc) throw notFound(`account ${r.name} not found`);
      return { account: accountToAny(acc) };
    }),
  );
  cfg.registerQuery(
    `${P}Bech32Prefix`,
    queryHandler(Bech32PrefixRequest, Bech32PrefixResponse, async () => ({ bech32Prefix: Bech32PrefixAccAddr })),
  );
  cfg.registerQuery(
    `${P}AddressBytesToString`,
    queryHandler(AddressBytesToStringRequest, AddressBytesToStringResponse, async (_ctx, r) => {
      if (r.addressBytes.length === 0) throw invalidArgument("empty address bytes is not allowed");
      return { addressString: addressToString(r.addressBytes) };
    }),
  );
  cfg.registerQuery(
    `${P}AddressStringToBytes`,
    queryHandler(AddressStringToBytesRequest, AddressStringToBytesResponse, async (_ctx, r) => {
      checkAddr(r.addressString);
      return { addressBytes: addressFromString(r.addressString) };
    }),
  );
  cfg.registerQuery(
    `${P}AccountAddressByID`,
    queryHandler(QueryAccountAddressByIDRequest, QueryAccountAddressByIDResponse, async (ctx, r) => {
      const id = r.accountId !== 0n ? r.accountId : r.id;
      if (id < 0n) throw invalidArgument("Invalid account id");
      const a = await k.getAccountAddressById(ctx, id);
      if (!a) throw notFound(`account address not found with account number ${id}`);
      return { accountAddress: a };
    }),
  );
  cfg.registerQuery(
    `${P}AccountInfo`,
    queryHandler(QueryAccountInfoRequest, QueryAccountInfoResponse, async (ctx, r) => {
      checkAddr(r.address);
      const acc = await k.getAccount(ctx, r.address);
      if (!acc) throw notFound(`account ${r.address} not found`);
      return {
        info: { address: acc.address, pubKey: acc.pubKey, accountNumber: acc.accountNumber, sequence: acc.sequence },
      };
    }),
  );
}
