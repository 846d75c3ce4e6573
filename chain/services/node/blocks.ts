// Blocks as the tendermint and tx services answer them: the stored block with its BlockID, and the
// SDK's `sdk_block` (the same block, its proposer address as a bech32 consensus address).
import { toBech32 } from "@cosmjs/encoding";
import type { Block as SdkBlock } from "cosmjs-types/cosmos/base/tendermint/v1beta1/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID } from "cosmjs-types/tendermint/types/types";
import type { RpcBackend } from "../../rpc/backend.ts";
import { notFound } from "./common.ts";

export async function loadBlockWithId(
  backend: RpcBackend,
  height: number,
): Promise<{ blockId: BlockID; block: Block }> {
  const [block, meta] = await Promise.all([backend.loadBlock(height), backend.loadBlockMeta(height)]);
  if (!block?.header || !meta) throw notFound(`block at height ${height} not found`);
  return { blockId: meta.blockId, block };
}

/** cmtservice's convertBlock: header fields copied, proposer_address as `<prefix>valcons1...`. */
export function toSdkBlock(block: Block, consensusPrefix: string): SdkBlock {
  const h = block.header;
  const proposer = h.proposerAddress.length > 0 ? toBech32(consensusPrefix, h.proposerAddress) : "";
  return {
    header: {
      version: h.version,
      chainId: h.chainId,
      height: h.height,
      time: h.time,
      lastBlockId: h.lastBlockId,
      lastCommitHash: h.lastCommitHash,
      dataHash: h.dataHash,
      validatorsHash: h.validatorsHash,
      nextValidatorsHash: h.nextValidatorsHash,
      consensusHash: h.consensusHash,
      appHash: h.appHash,
      lastResultsHash: h.lastResultsHash,
      evidenceHash: h.evidenceHash,
      proposerAddress: proposer,
    },
    data: block.data,
    evidence: block.evidence,
    lastCommit: block.lastCommit,
  };
}
