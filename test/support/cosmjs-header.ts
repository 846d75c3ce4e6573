// Converts a header as CosmJS decodes it from our RPC JSON back into the protobuf Header, so tests can
// hash exactly what a client received.
import type { comet38 } from "@cosmjs/tendermint-rpc";
import type { Header } from "cosmjs-types/tendermint/types/types";

export function protoHeaderFromCosmjs(h: comet38.Header): Header {
  const ms = h.time.getTime();
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000 + (h.time.nanoseconds ?? 0);
  const empty = new Uint8Array();
  return {
    version: { block: BigInt(h.version.block), app: BigInt(h.version.app) },
    chainId: h.chainId,
    height: BigInt(h.height),
    time: { seconds: BigInt(seconds), nanos },
    lastBlockId: h.lastBlockId
      ? {
          hash: h.lastBlockId.hash,
          partSetHeader: { total: h.lastBlockId.parts.total, hash: h.lastBlockId.parts.hash },
        }
      : { hash: empty, partSetHeader: { total: 0, hash: empty } },
    lastCommitHash: h.lastCommitHash,
    dataHash: h.dataHash,
    validatorsHash: h.validatorsHash,
    nextValidatorsHash: h.nextValidatorsHash,
    consensusHash: h.consensusHash,
    appHash: h.appHash,
    lastResultsHash: h.lastResultsHash,
    evidenceHash: h.evidenceHash,
    proposerAddress: h.proposerAddress,
  };
}
