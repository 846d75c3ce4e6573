// Vote extensions through the inference module on an in-process app: VerifyVoteExtension (ABCI, as
// CometBFT calls it for every precommit), then, for the extensions it accepts, the module's PreBlock
// applying them from an injected extended commit (what a block carrying them would do), and
// ProcessProposal of an injected extended commit built from the input (its signature checks).
// Inputs: encoded VoteExtensions (commitments, reveals with tensors, errors) and their mutants, and
// random bytes. Crash: VerifyVoteExtension or ProcessProposal throwing (they must answer
// ACCEPT/REJECT), two verifications of the same bytes disagreeing, or PreBlock throwing on an
// extension VerifyVoteExtension accepted (that would halt the chain at FinalizeBlock).
import {
  type RequestFinalizeBlock,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { DGridApp } from "../../../app/app.ts";
import { checkVoteExtension, encodeInjected } from "../../../modules/inference/vote-extensions.ts";
import { ExecutionError, VoteExtension } from "../../../proto/gen/dgrid/inference/v1/inference.ts";
import { CHAIN_ID, genesis, initApp, newApp } from "../../../test/app/helpers.ts";
import { bytesInput, toHex } from "../mutate.ts";
import { Counters, describeError, FuzzCrash, type FuzzInstance, type FuzzTarget, isEngineError } from "../target.ts";

const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

function seedExtensions(): Uint8Array[] {
  const f32 = new Uint8Array(new Float32Array([1.5, -2, 0, Number.NaN]).buffer);
  const list = [
    VoteExtension.fromPartial({ commitments: [{ requestId: 1n, commitment: fill(32, 1) }] }),
    VoteExtension.fromPartial({
      commitments: [
        { requestId: 2n, commitment: fill(32, 2) },
        { requestId: 3n, commitment: fill(32, 3) },
      ],
      reveals: [
        { requestId: 1n, salt: fill(32, 4), outputs: [{ name: "y", dtype: "float32", shape: [2, 2], data: f32 }] },
        { requestId: 4n, salt: fill(32, 5), outputs: [], error: ExecutionError.EXECUTION_ERROR_INVALID_INPUT },
      ],
    }),
    VoteExtension.fromPartial({
      reveals: [
        {
          requestId: 18446744073709551615n,
          salt: fill(32, 6),
          outputs: [
            { name: "a", dtype: "int64", shape: [1], data: fill(8, 0xff) },
            { name: "b", dtype: "bool", shape: [3], data: Uint8Array.of(0, 1, 2) },
          ],
        },
      ],
    }),
  ];
  return list.map((v) => VoteExtension.encode(v).finish());
}

let seedCache: Uint8Array[] | undefined;
const seeds = () => (seedCache ??= seedExtensions());

const ACCEPT = ResponseVerifyVoteExtension_VerifyStatus.ACCEPT;
const HEIGHT = 2n;
const VALIDATOR = fill(20, 0x11);

function finalizeRequest(txs: Uint8Array[]): RequestFinalizeBlock {
  return {
    txs,
    decidedLastCommit: { round: 0, votes: [] },
    misbehavior: [],
    hash: new Uint8Array(32),
    height: HEIGHT,
    time: { seconds: 1_700_000_010n, nanos: 0 },
    nextValidatorsHash: new Uint8Array(32),
    proposerAddress: VALIDATOR,
  };
}

function injected(ext: Uint8Array): Uint8Array {
  return encodeInjected({
    round: 0,
    votes: [
      {
        validator: { address: VALIDATOR, power: 10n },
        voteExtension: ext,
        extensionSignature: fill(64, 7),
        blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
      },
    ],
  });
}

export const voteExtensionTarget: FuzzTarget<Uint8Array> = {
  name: "vote-extension",
  description: "vote extension bytes -> VerifyVoteExtension, ProcessProposal, PreBlock: ACCEPT/REJECT, never a throw",
  arbitrary: () => bytesInput(seeds(), 256),
  async open(): Promise<FuzzInstance<Uint8Array>> {
    const app: DGridApp = newApp();
    await initApp(app, genesis([]));
    await app.finalizeBlock(finalizeRequest([]));
    await app.commit({});
    const inference = app.modules.find((m) => m.abci?.preBlock && m.abci?.verifyVoteExtension);
    if (!inference?.abci?.preBlock) throw new Error("no module with vote extensions and a PreBlock");
    const preBlock = inference.abci.preBlock;
    const counters = new Counters();
    const verify = async (ext: Uint8Array) => {
      try {
        return (
          await app.verifyVoteExtension({
            hash: fill(32, 1),
            validatorAddress: VALIDATOR,
            height: HEIGHT,
            voteExtension: ext,
          })
        ).status;
      } catch (e) {
        throw new FuzzCrash(`VerifyVoteExtension threw ${describeError(e)}`, { cause: e });
      }
    };
    return {
      async run(ext) {
        const status = await verify(ext);
        if ((await verify(ext)) !== status)
          throw new FuzzCrash("two VerifyVoteExtension calls on the same bytes disagree");
        counters.add(status === ACCEPT ? "accepted" : "rejected");
        if (status !== ACCEPT) {
          // the refusal is clean either way (REJECT); count the ones that came from a JS engine error
          try {
            checkVoteExtension(ext, 1n << 40n);
          } catch (e) {
            if (isEngineError(e)) counters.add(`rejected by ${(e as Error).name}`);
          }
        }
        const tx = injected(ext);
        try {
          await app.processProposal({
            txs: [tx],
            proposedLastCommit: { round: 0, votes: [] },
            misbehavior: [],
            hash: new Uint8Array(32),
            height: HEIGHT + 1n,
            time: { seconds: 1_700_000_015n, nanos: 0 },
            nextValidatorsHash: new Uint8Array(32),
            proposerAddress: VALIDATOR,
          });
        } catch (e) {
          throw new FuzzCrash(`ProcessProposal threw ${describeError(e)}`, { cause: e });
        }
        if (status !== ACCEPT || ext.length === 0) return;
        // PreBlock on a throwaway branch of the committed state, as FinalizeBlock would run it
        const ctx = app.newContext(
          app.store.branch(),
          { height: Number(HEIGHT), timeMs: 1_700_000_010_000, chainId: CHAIN_ID },
          "finalize",
        );
        try {
          await preBlock(ctx, finalizeRequest([tx]));
        } catch (e) {
          throw new FuzzCrash(`PreBlock threw on an accepted extension: ${describeError(e)}`, { cause: e });
        }
      },
      stats: () => counters.toJSON(),
      async close() {},
    };
  },
  toJson: (ext) => ({ extensionHex: toHex(ext) }),
};
