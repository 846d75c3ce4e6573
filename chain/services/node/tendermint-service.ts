// cosmos.base.tendermint.v1beta1.Service as the node serves it (SDK v0.50
// client/grpc/cmtservice): node info, sync state, blocks, validator sets and a guarded ABCI query,
// read from the node's RpcBackend as the SDK reads them from CometBFT's RPC.
import { fromHex, toBech32 } from "@cosmjs/encoding";
import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import {
  ABCIQueryRequest,
  ABCIQueryResponse,
  GetBlockByHeightRequest,
  GetBlockByHeightResponse,
  GetLatestBlockRequest,
  GetLatestBlockResponse,
  GetLatestValidatorSetRequest,
  GetLatestValidatorSetResponse,
  GetNodeInfoRequest,
  GetNodeInfoResponse,
  GetSyncingRequest,
  GetSyncingResponse,
  GetValidatorSetByHeightRequest,
  GetValidatorSetByHeightResponse,
  type Module,
  type Validator as ServiceValidator,
} from "cosmjs-types/cosmos/base/tendermint/v1beta1/query";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { DefaultNodeInfo } from "cosmjs-types/tendermint/p2p/types";
import type { Validator } from "cosmjs-types/tendermint/types/validator";
import type { NodeInfo, RpcBackend } from "../../rpc/backend.ts";
import { validatePage, validatePerPage } from "../../rpc/methods.ts";
import { GrpcCode, type MethodHandler, ServiceError } from "../dispatcher.ts";
import { loadBlockWithId, toSdkBlock } from "./blocks.ts";
import { checkBlockHeight, errorMessage, invalid, method, notFound, parsePagination } from "./common.ts";

export const TENDERMINT_SERVICE = "/cosmos.base.tendermint.v1beta1.Service/";

/** cosmos.base.tendermint.v1beta1.VersionInfo: what this node's software is. */
export interface ApplicationVersion {
  /** the application's name (the SDK's version.Name) */
  name: string;
  /** the binary's name (version.AppName) */
  appName: string;
  version: string;
  gitCommit: string;
  buildTags: string;
  /** the SDK's go_version; here the JavaScript runtime, e.g. "node v20.11.0 linux/x64" */
  runtimeVersion: string;
  buildDeps: Module[];
  /** the Cosmos SDK API level served (explorers pick their routes by it) */
  cosmosSdkVersion: string;
}

export interface TendermintServiceOptions {
  /** bech32 prefix of consensus addresses (the SDK's Bech32PrefixConsAddr), e.g. "dgridvalcons" */
  consensusAddressPrefix: string;
  applicationVersion: ApplicationVersion;
}

/** ABCI query paths the SDK lets through this service (baseapp's app/store/p2p/custom). */
const ABCI_QUERY_ROOTS = new Set(["app", "store", "p2p", "custom"]);

/** p2p.DefaultNodeInfo.ToProto() of the node's CometBFT-JSON node info. */
export function defaultNodeInfoProto(n: NodeInfo): DefaultNodeInfo {
  let channels: Uint8Array;
  try {
    channels = fromHex(n.channels);
  } catch {
    channels = new Uint8Array();
  }
  return {
    protocolVersion: {
      p2p: BigInt(n.protocol_version.p2p),
      block: BigInt(n.protocol_version.block),
      app: BigInt(n.protocol_version.app),
    },
    defaultNodeId: n.id,
    listenAddr: n.listen_addr,
    network: n.network,
    version: n.version,
    channels,
    moniker: n.moniker,
    other: { txIndex: n.other.tx_index, rpcAddress: n.other.rpc_address },
  };
}

/** A validator's consensus key as the SDK packs it (cryptocodec.FromCmtPubKeyInterface + Any). */
function pubKeyAny(v: Validator): Any | undefined {
  const pk = v.pubKey;
  if (pk?.ed25519 && pk.ed25519.length > 0)
    return { typeUrl: "/cosmos.crypto.ed25519.PubKey", value: Ed25519PubKey.encode({ key: pk.ed25519 }).finish() };
  if (pk?.secp256k1 && pk.secp256k1.length > 0)
    return {
      typeUrl: "/cosmos.crypto.secp256k1.PubKey",
      value: Secp256k1PubKey.encode({ key: pk.secp256k1 }).finish(),
    };
  return undefined;
}

export function tendermintServiceHandlers(
  options: TendermintServiceOptions,
  backend: RpcBackend,
): [string, MethodHandler][] {
  const prefix = options.consensusAddressPrefix;

  const blockAt = async (height: number) => {
    const { blockId, block } = await loadBlockWithId(backend, height);
    return { blockId, block, sdkBlock: toSdkBlock(block, prefix) };
  };

  /** cmtservice.ValidatorsOutput over CometBFT's `validators` (page/per_page rules included). */
  const validatorSet = async (height: number, pagination: PageRequest | undefined) => {
    const { page, limit } = parsePagination(pagination);
    const vals = await backend.validatorsAt(height);
    if (!vals) throw notFound(`could not find validator set for height #${height}`);
    const perPage = validatePerPage(limit);
    try {
      validatePage(page, perPage, vals.length);
    } catch (e) {
      throw invalid(errorMessage(e));
    }
    const skip = (page - 1) * perPage;
    const validators: ServiceValidator[] = vals.slice(skip, skip + perPage).map((v) => ({
      address: toBech32(prefix, v.address),
      pubKey: pubKeyAny(v),
      votingPower: v.votingPower,
      proposerPriority: v.proposerPriority,
    }));
    return {
      blockHeight: BigInt(height),
      validators,
      pagination: { nextKey: new Uint8Array(), total: BigInt(vals.length) },
    };
  };

  const v = options.applicationVersion;
  const getNodeInfo = method("GetNodeInfoRequest", GetNodeInfoRequest, GetNodeInfoResponse, async () => ({
    defaultNodeInfo: defaultNodeInfoProto(backend.nodeInfo()),
    applicationVersion: {
      name: v.name,
      appName: v.appName,
      version: v.version,
      gitCommit: v.gitCommit,
      buildTags: v.buildTags,
      goVersion: v.runtimeVersion,
      buildDeps: v.buildDeps,
      cosmosSdkVersion: v.cosmosSdkVersion,
    },
  }));

  const getSyncing = method("GetSyncingRequest", GetSyncingRequest, GetSyncingResponse, async () => ({
    syncing: backend.isCatchingUp(),
  }));

  const getLatestBlock = method("GetLatestBlockRequest", GetLatestBlockRequest, GetLatestBlockResponse, async () => {
    const latest = backend.blockStoreHeight();
    if (latest === 0) throw notFound("no block has been committed yet");
    return blockAt(latest);
  });

  const getBlockByHeight = method(
    "GetBlockByHeightRequest",
    GetBlockByHeightRequest,
    GetBlockByHeightResponse,
    async (req) => blockAt(checkBlockHeight(backend, req.height)),
  );

  // CometBFT's validators without a height: the set of the next height (the last block's next validators)
  const getLatestValidatorSet = method(
    "GetLatestValidatorSetRequest",
    GetLatestValidatorSetRequest,
    GetLatestValidatorSetResponse,
    async (req) => validatorSet(backend.blockStoreHeight() + 1, req.pagination),
  );

  const getValidatorSetByHeight = method(
    "GetValidatorSetByHeightRequest",
    GetValidatorSetByHeightRequest,
    GetValidatorSetByHeightResponse,
    async (req) => validatorSet(checkBlockHeight(backend, req.height), req.pagination),
  );

  const abciQuery = method("ABCIQueryRequest", ABCIQueryRequest, ABCIQueryResponse, async (req) => {
    if (req.path.length === 0) throw invalid("empty query path");
    // gRPC service paths are refused here: those have their own, typed, routes
    const root = req.path.replace(/^\//, "").split("/")[0];
    if (!ABCI_QUERY_ROOTS.has(root)) throw invalid(`unsupported ABCI query path: ${req.path}`);
    if (req.height < 0n) throw invalid(`height must be non-negative, but got ${req.height}`);
    let res: Awaited<ReturnType<RpcBackend["abciQuery"]>>;
    try {
      res = await backend.abciQuery({ path: req.path, data: req.data, height: req.height, prove: req.prove });
    } catch (e) {
      throw new ServiceError(GrpcCode.UNKNOWN, errorMessage(e));
    }
    return {
      code: res.code,
      log: res.log,
      info: res.info,
      index: res.index,
      key: res.key,
      value: res.value,
      proofOps: res.proofOps
        ? { ops: res.proofOps.ops.map((o) => ({ type: o.type, key: o.key, data: o.data })) }
        : undefined,
      height: res.height,
      codespace: res.codespace,
    };
  });

  return [
    [`${TENDERMINT_SERVICE}GetNodeInfo`, getNodeInfo],
    [`${TENDERMINT_SERVICE}GetSyncing`, getSyncing],
    [`${TENDERMINT_SERVICE}GetLatestBlock`, getLatestBlock],
    [`${TENDERMINT_SERVICE}GetBlockByHeight`, getBlockByHeight],
    [`${TENDERMINT_SERVICE}GetLatestValidatorSet`, getLatestValidatorSet],
    [`${TENDERMINT_SERVICE}GetValidatorSetByHeight`, getValidatorSetByHeight],
    [`${TENDERMINT_SERVICE}ABCIQuery`, abciQuery],
  ];
}
