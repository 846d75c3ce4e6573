// The queries behind `dgrid query ...`, through CosmJS clients (loaded only when a query runs).
import { toHex } from "@cosmjs/encoding";
import { decodeTxRaw, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes, QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import {
  QueryAccountRequest,
  QueryAccountResponse,
  QueryModuleAccountByNameRequest,
  QueryModuleAccountByNameResponse,
  QueryModuleAccountsRequest,
  QueryModuleAccountsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryAllBalancesRequest, QueryAllBalancesResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { parseAddress } from "./args.ts";
import { CliError } from "./context.ts";
import { jsonSafe, withNode } from "./node-client.ts";
import { sdkJson } from "./proto-json.ts";

async function abciQuery(url: string, path: string, request: Uint8Array, height?: number) {
  const comet = await Comet38Client.connect(url);
  try {
    return await QueryClient.withExtensions(comet).queryAbci(path, request, height);
  } finally {
    comet.disconnect();
  }
}

export async function queryBalances(url: string, address: string, height?: number) {
  parseAddress(address);
  return withNode(url, async () => {
    const req = QueryAllBalancesRequest.encode(QueryAllBalancesRequest.fromPartial({ address })).finish();
    const res = await abciQuery(url, "/cosmos.bank.v1beta1.Query/AllBalances", req, height);
    const decoded = QueryAllBalancesResponse.decode(res.value);
    return {
      balances: decoded.balances.map((c) => ({ denom: c.denom, amount: c.amount })),
      pagination: { next_key: null, total: String(decoded.pagination?.total ?? decoded.balances.length) },
    };
  });
}

export async function queryAccount(url: string, address: string, height?: number) {
  parseAddress(address);
  return withNode(url, async () => {
    const req = QueryAccountRequest.encode({ address }).finish();
    let value: Uint8Array;
    try {
      value = (await abciQuery(url, "/cosmos.auth.v1beta1.Query/Account", req, height)).value;
    } catch (e) {
      const msg = (e as Error).message;
      if (/not found/i.test(msg)) throw new CliError(`account ${address} not found`);
      throw e;
    }
    const any = QueryAccountResponse.decode(value).account;
    if (!any) throw new CliError(`account ${address} not found`);
    if (any.typeUrl !== "/cosmos.auth.v1beta1.BaseAccount") {
      return { account: { "@type": any.typeUrl, value: Buffer.from(any.value).toString("base64") } };
    }
    const acc = BaseAccount.decode(any.value);
    let pubKey: unknown = null;
    if (acc.pubKey?.typeUrl === "/cosmos.crypto.secp256k1.PubKey") {
      pubKey = {
        "@type": acc.pubKey.typeUrl,
        key: Buffer.from(Secp256k1PubKey.decode(acc.pubKey.value).key).toString("base64"),
      };
    } else if (acc.pubKey) {
      pubKey = { "@type": acc.pubKey.typeUrl, value: Buffer.from(acc.pubKey.value).toString("base64") };
    }
    return {
      account: {
        "@type": any.typeUrl,
        address: acc.address,
        pub_key: pubKey,
        account_number: acc.accountNumber.toString(),
        sequence: acc.sequence.toString(),
      },
    };
  });
}

const registry = new Registry(defaultRegistryTypes);

/** camelCase keys (CosmJS) -> snake_case keys (the SDK's JSON). */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v && typeof v === "object" && !(v instanceof Uint8Array)) {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(x)]),
    );
  }
  return v;
}

function decodeTxJson(tx: Uint8Array): unknown {
  try {
    const d = decodeTxRaw(tx);
    return {
      body: {
        messages: d.body.messages.map((m) => {
          try {
            // authz messages carry Anys (authorizations, exec'd messages) CosmJS leaves as bytes
            if (m.typeUrl.startsWith("/cosmos.authz.v1beta1."))
              return { "@type": m.typeUrl, ...(sdkJson(m.typeUrl.slice(1), m.value) as object) };
            return { "@type": m.typeUrl, ...(snakeKeys(registry.decode(m)) as object) };
          } catch {
            return { "@type": m.typeUrl, value: m.value };
          }
        }),
        memo: d.body.memo,
        timeout_height: d.body.timeoutHeight,
      },
      auth_info: {
        fee: { amount: d.authInfo.fee?.amount ?? [], gas_limit: d.authInfo.fee?.gasLimit ?? 0n },
        signer_infos: d.authInfo.signerInfos.map((s) => ({ sequence: s.sequence })),
      },
      signatures: d.signatures,
    };
  } catch {
    return { raw: tx };
  }
}

export async function queryTx(url: string, hash: string) {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(hash)) throw new CliError(`invalid tx hash "${hash}": expected 64 hex characters`);
  const bytes = Buffer.from(hash.replace(/^0x/, ""), "hex");
  return withNode(url, async () => {
    const comet = await Comet38Client.connect(url);
    try {
      let r: Awaited<ReturnType<Comet38Client["tx"]>>;
      try {
        r = await comet.tx({ hash: bytes });
      } catch (e) {
        if (/not found/i.test((e as Error).message)) throw new CliError(`tx ${hash.toUpperCase()} not found`);
        throw e;
      }
      const out = {
        height: String(r.height),
        txhash: toHex(r.hash).toUpperCase(),
        codespace: r.result.codespace ?? "",
        code: r.result.code,
        data: r.result.data ? toHex(r.result.data).toUpperCase() : "",
        raw_log: r.result.log ?? "",
        gas_wanted: r.result.gasWanted.toString(),
        gas_used: r.result.gasUsed.toString(),
        tx: decodeTxJson(r.tx),
        events: r.result.events.map((e) => ({
          type: e.type,
          attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })),
        })),
      };
      return JSON.parse(JSON.stringify(out, jsonSafe));
    } finally {
      comet.disconnect();
    }
  });
}

/** A module account as the SDK CLI prints it (`simd q auth module-account NAME`). */
function moduleAccountJson(any: Any) {
  const m = ModuleAccount.decode(any.value);
  return {
    "@type": any.typeUrl,
    base_account: {
      address: m.baseAccount?.address ?? "",
      pub_key: null,
      account_number: String(m.baseAccount?.accountNumber ?? 0n),
      sequence: String(m.baseAccount?.sequence ?? 0n),
    },
    name: m.name,
    permissions: m.permissions,
  };
}

/** `query auth module-account NAME`: the module account's address (e.g. gov, a proposal's authority). */
export async function queryModuleAccount(url: string, name: string, height?: number) {
  return withNode(url, async () => {
    const req = QueryModuleAccountByNameRequest.encode({ name }).finish();
    let value: Uint8Array;
    try {
      value = (await abciQuery(url, "/cosmos.auth.v1beta1.Query/ModuleAccountByName", req, height)).value;
    } catch (e) {
      if (/not found/i.test((e as Error).message)) throw new CliError(`module account ${name} not found`);
      throw e;
    }
    const any = QueryModuleAccountByNameResponse.decode(value).account;
    if (!any) throw new CliError(`module account ${name} not found`);
    return { account: moduleAccountJson(any) };
  });
}

/** `query auth module-accounts`: every module account. */
export async function queryModuleAccounts(url: string, height?: number) {
  return withNode(url, async () => {
    const req = QueryModuleAccountsRequest.encode({}).finish();
    const res = await abciQuery(url, "/cosmos.auth.v1beta1.Query/ModuleAccounts", req, height);
    return { accounts: QueryModuleAccountsResponse.decode(res.value).accounts.map(moduleAccountJson) };
  });
}
