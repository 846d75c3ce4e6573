// FilePV (cometbft privval/file.go): signs votes and proposals with the validator key, and refuses to
// sign anything conflicting at a height/round/step it already signed. The last-sign state is written
// to `priv_validator_state.json` and fsynced before a signature is returned.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { BinaryReader } from "cosmjs-types/binary";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { type Proposal, SignedMsgType, type Vote } from "cosmjs-types/tendermint/types/types";
import { bytesEqual } from "../types/bytes.ts";
import { proposalSignBytes, voteExtensionSignBytes, voteSignBytes } from "../types/vote.ts";
import type { Signer } from "./crypto.ts";
import { isNilBlockId } from "./vote-set.ts";

export const STEP_PROPOSE = 1;
export const STEP_PREVOTE = 2;
export const STEP_PRECOMMIT = 3;

export class PrivValidatorError extends Error {
  override name = "PrivValidatorError";
}

export interface LastSignState {
  height: bigint;
  round: number;
  step: number;
  signature?: Uint8Array;
  signBytes?: Uint8Array;
}

/** What the consensus engine needs from a signer (a remote signer can implement the same). */
export interface PrivValidator {
  readonly pubKey: Uint8Array;
  readonly address: Uint8Array;
  signVote(chainId: string, vote: Vote, signExtension: boolean): void;
  signProposal(chainId: string, proposal: Proposal): void;
}

function voteStep(type: SignedMsgType): number {
  if (type === SignedMsgType.SIGNED_MSG_TYPE_PREVOTE) return STEP_PREVOTE;
  if (type === SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT) return STEP_PRECOMMIT;
  throw new PrivValidatorError(`unknown vote type ${type}`);
}

/** Reads the timestamp field out of delimited canonical sign bytes (field 5 of a vote, 6 of a proposal). */
function signBytesTimestamp(signBytes: Uint8Array, field: number): Timestamp | undefined {
  const r = new BinaryReader(signBytes);
  const len = r.uint32();
  const end = r.pos + len;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === field && (tag & 7) === 2) return Timestamp.decode(r, r.uint32());
    r.skipType(tag & 7);
  }
  return undefined;
}

export class FilePV implements PrivValidator {
  private lss: LastSignState;

  constructor(
    private readonly key: Signer,
    private readonly statePath: string | undefined,
  ) {
    this.lss = { height: 0n, round: 0, step: 0 };
    if (statePath && existsSync(statePath)) this.lss = parseState(readFileSync(statePath, "utf8"));
  }

  get pubKey(): Uint8Array {
    return this.key.pubKey;
  }

  get address(): Uint8Array {
    return this.key.address;
  }

  lastSignState(): LastSignState {
    return { ...this.lss };
  }

  signVote(chainId: string, vote: Vote, signExtension: boolean): void {
    const step = voteStep(vote.type);
    const signBytes = voteSignBytes(chainId, vote);
    // Extensions are not deterministic, so they are (re-)signed every time (as CometBFT does).
    if (signExtension && vote.type === SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT && !isNilBlockId(vote.blockId)) {
      vote.extensionSignature = this.key.sign(voteExtensionSignBytes(chainId, vote));
    } else if ((vote.extension?.length ?? 0) > 0) {
      throw new PrivValidatorError("unexpected vote extension");
    }
    const same = this.checkHRS(vote.height, vote.round, step);
    if (same) {
      const prev = this.lss.signBytes as Uint8Array;
      if (bytesEqual(prev, signBytes)) {
        vote.signature = this.lss.signature as Uint8Array;
        return;
      }
      const ts = signBytesTimestamp(prev, 5);
      if (ts && bytesEqual(voteSignBytes(chainId, { ...vote, timestamp: ts }), prev)) {
        vote.timestamp = ts;
        vote.signature = this.lss.signature as Uint8Array;
        return;
      }
      throw new PrivValidatorError(
        `conflicting data: already signed another vote at ${vote.height}/${vote.round}/${step}`,
      );
    }
    const sig = this.key.sign(signBytes);
    this.save({ height: vote.height, round: vote.round, step, signature: sig, signBytes });
    vote.signature = sig;
  }

  signProposal(chainId: string, proposal: Proposal): void {
    const signBytes = proposalSignBytes(chainId, proposal);
    const same = this.checkHRS(proposal.height, proposal.round, STEP_PROPOSE);
    if (same) {
      const prev = this.lss.signBytes as Uint8Array;
      if (bytesEqual(prev, signBytes)) {
        proposal.signature = this.lss.signature as Uint8Array;
        return;
      }
      const ts = signBytesTimestamp(prev, 6);
      if (ts && bytesEqual(proposalSignBytes(chainId, { ...proposal, timestamp: ts }), prev)) {
        proposal.timestamp = ts;
        proposal.signature = this.lss.signature as Uint8Array;
        return;
      }
      throw new PrivValidatorError(
        `conflicting data: already signed another proposal at ${proposal.height}/${proposal.round}`,
      );
    }
    const sig = this.key.sign(signBytes);
    this.save({ height: proposal.height, round: proposal.round, step: STEP_PROPOSE, signature: sig, signBytes });
    proposal.signature = sig;
  }

  /** CheckHRS: errors on regression; true when this exact HRS was signed before. */
  private checkHRS(height: bigint, round: number, step: number): boolean {
    const l = this.lss;
    if (l.height > height) throw new PrivValidatorError(`height regression: got ${height}, last ${l.height}`);
    if (l.height === height) {
      if (l.round > round)
        throw new PrivValidatorError(`round regression at height ${height}: got ${round}, last ${l.round}`);
      if (l.round === round) {
        if (l.step > step)
          throw new PrivValidatorError(`step regression at ${height}/${round}: got ${step}, last ${l.step}`);
        if (l.step === step) {
          if (!l.signBytes || !l.signature) throw new PrivValidatorError("no sign bytes found for the last signed HRS");
          return true;
        }
      }
    }
    return false;
  }

  private save(s: LastSignState): void {
    if (this.statePath) writeFileSynced(this.statePath, formatState(s));
    this.lss = s;
  }
}

/** The JSON of priv_validator_state.json as CometBFT writes it (signbytes upper hex, signature base64). */
export function formatState(s: LastSignState): string {
  const o: Record<string, unknown> = { height: s.height.toString(), round: s.round, step: s.step };
  if (s.signature) o.signature = Buffer.from(s.signature).toString("base64");
  if (s.signBytes) o.signbytes = Buffer.from(s.signBytes).toString("hex").toUpperCase();
  return `${JSON.stringify(o, null, 2)}\n`;
}

export function parseState(text: string): LastSignState {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text);
  } catch {
    throw new PrivValidatorError("priv_validator_state.json is not valid JSON");
  }
  const height = BigInt(String(j.height ?? "0"));
  const round = Number(j.round ?? 0);
  const step = Number(j.step ?? 0);
  if (height < 0n || !Number.isInteger(round) || round < 0 || !Number.isInteger(step) || step < 0 || step > 3)
    throw new PrivValidatorError("priv_validator_state.json has an invalid height/round/step");
  return {
    height,
    round,
    step,
    signature:
      typeof j.signature === "string" && j.signature ? new Uint8Array(Buffer.from(j.signature, "base64")) : undefined,
    signBytes:
      typeof j.signbytes === "string" && j.signbytes ? new Uint8Array(Buffer.from(j.signbytes, "hex")) : undefined,
  };
}

/** Writes a file atomically (temp + fsync + rename + directory fsync). */
export function writeFileSynced(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), "r");
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // directory fsync is not supported everywhere
  }
}
