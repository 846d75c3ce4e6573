// ICS-23 proofs for an IAVL tree (spec `iavlSpec`): existence of a key, or non-existence through its neighbours.
import { ics23 } from "@confio/ics23";
import { compareBytes, concat } from "../../types/bytes.ts";
import type { Bytes } from "../bytes.ts";
import { innerHeader, leafPrefix, type Node } from "./node.ts";
import type { IavlTree } from "./tree.ts";

const CHILD_LEN = Uint8Array.of(32);

/** Existence proof of `key` under `root`; undefined when the key is absent. */
export function existenceProof(tree: IavlTree, root: Node, key: Bytes): ics23.IExistenceProof | undefined {
  const { path, leaf } = tree.pathTo(root, key);
  if (compareBytes(leaf.key, key) !== 0) return undefined;
  const ops: ics23.IInnerOp[] = [];
  // ICS-23 paths go from the leaf up to the root
  for (let i = path.length - 1; i >= 0; i--) {
    const { node, wentLeft } = path[i] as { node: Node; wentLeft: boolean };
    const header = innerHeader(node.height, node.size, node.version);
    if (wentLeft) {
      ops.push({
        hash: ics23.HashOp.SHA256,
        prefix: concat(header, CHILD_LEN),
        suffix: concat(CHILD_LEN, node.rightHash as Bytes),
      });
    } else {
      ops.push({
        hash: ics23.HashOp.SHA256,
        prefix: concat(header, CHILD_LEN, node.leftHash as Bytes, CHILD_LEN),
        suffix: new Uint8Array(0),
      });
    }
  }
  return {
    key: Uint8Array.from(leaf.key),
    value: Uint8Array.from(leaf.value as Bytes),
    leaf: {
      hash: ics23.HashOp.SHA256,
      prehashKey: ics23.HashOp.NO_HASH,
      prehashValue: ics23.HashOp.SHA256,
      length: ics23.LengthOp.VAR_PROTO,
      prefix: leafPrefix(leaf.version),
    },
    path: ops,
  };
}

/** Non-existence proof of `key`: existence proofs of its left and right neighbours (either may be missing at an edge). */
export function nonExistenceProof(tree: IavlTree, root: Node, key: Bytes): ics23.INonExistenceProof {
  let left: ics23.IExistenceProof | undefined;
  let right: ics23.IExistenceProof | undefined;
  for (const [k] of tree.iterate(root, undefined, key, true)) {
    left = existenceProof(tree, root, k);
    break;
  }
  for (const [k] of tree.iterate(root, key, undefined, false)) {
    if (compareBytes(k, key) === 0) throw new Error("iavl: key exists, no non-existence proof");
    right = existenceProof(tree, root, k);
    break;
  }
  const out: ics23.INonExistenceProof = { key: Uint8Array.from(key) };
  if (left) out.left = left;
  if (right) out.right = right;
  return out;
}

/** CommitmentProof bytes (protobuf) for `key` under `root`: exist when present, nonexist otherwise. */
export function commitmentProof(tree: IavlTree, root: Node | undefined, key: Bytes): Uint8Array {
  let proof: ics23.ICommitmentProof;
  if (!root) {
    // an empty tree has no leaves to anchor a proof; an empty non-existence proof is the honest answer
    proof = { nonexist: { key: Uint8Array.from(key) } };
  } else {
    const exist = existenceProof(tree, root, key);
    proof = exist ? { exist } : { nonexist: nonExistenceProof(tree, root, key) };
  }
  return ics23.CommitmentProof.encode(proof).finish();
}
