// IAVL nodes: hashing exactly as cosmos/iavl (so ICS-23 `iavlSpec` proofs verify) and our storage encoding.
//
// Leaf hash  = sha256(varint(0) varint(1) varint(version) uvarint(len key) key uvarint(32) sha256(value))
// Inner hash = sha256(varint(height) varint(size) varint(version) 0x20 leftHash 0x20 rightHash)
// (varint = Go's zigzag binary.PutVarint, as iavl's encoding.EncodeVarint.)
import {
  type Bytes,
  putUvarint,
  putVarint,
  readUvarint,
  readVarint,
  sha256,
  uvarintSize,
  varintSize,
} from "../bytes.ts";

export class Node {
  /** leaf: its key; inner: the smallest key of the right subtree */
  key: Bytes;
  /** leaves only */
  value: Bytes | undefined;
  version: number;
  height: number;
  size: number;
  hash: Bytes | undefined;
  /** child links: `left`/`right` are in-memory refs (new nodes), `leftHash`/`rightHash` persisted links */
  left: Node | undefined;
  right: Node | undefined;
  leftHash: Bytes | undefined;
  rightHash: Bytes | undefined;
  /** true once the node is on disk (immutable from then on) */
  persisted: boolean;

  constructor(key: Bytes, value: Bytes | undefined, version: number, height: number, size: number) {
    this.key = key;
    this.value = value;
    this.version = version;
    this.height = height;
    this.size = size;
    this.hash = undefined;
    this.left = undefined;
    this.right = undefined;
    this.leftHash = undefined;
    this.rightHash = undefined;
    this.persisted = false;
  }

  static leaf(key: Bytes, value: Bytes, version: number): Node {
    return new Node(key, value, version, 0, 1);
  }

  isLeaf(): boolean {
    return this.height === 0;
  }

  /** A mutable copy at `version` keeping the child links (used when a persisted node changes). */
  cloneAt(version: number): Node {
    const n = new Node(this.key, undefined, version, this.height, this.size);
    n.left = this.left;
    n.right = this.right;
    n.leftHash = this.leftHash;
    n.rightHash = this.rightHash;
    return n;
  }

  setLeft(child: Node): void {
    this.left = child;
    this.leftHash = child.hash;
    this.hash = undefined;
  }

  setRight(child: Node): void {
    this.right = child;
    this.rightHash = child.hash;
    this.hash = undefined;
  }
}

/** The leaf prefix ICS-23 carries in a LeafOp: varint(0) varint(1) varint(version). */
export function leafPrefix(version: number): Uint8Array {
  const out = new Uint8Array(2 + varintSize(version));
  out[0] = 0;
  out[1] = 2;
  putVarint(out, 2, version);
  return out;
}

/** varint(height) varint(size) varint(version), the start of an inner node's hash preimage. */
export function innerHeader(height: number, size: number, version: number): Uint8Array {
  const out = new Uint8Array(varintSize(height) + varintSize(size) + varintSize(version));
  let off = putVarint(out, 0, height);
  off = putVarint(out, off, size);
  putVarint(out, off, version);
  return out;
}

export function hashLeaf(key: Bytes, value: Bytes, version: number): Buffer {
  const buf = new Uint8Array(2 + varintSize(version) + uvarintSize(key.length) + key.length + 33);
  buf[0] = 0;
  buf[1] = 2;
  let off = putVarint(buf, 2, version);
  off = putUvarint(buf, off, key.length);
  buf.set(key, off);
  off += key.length;
  buf[off++] = 32;
  buf.set(sha256(value), off);
  return sha256(buf);
}

export function hashInner(height: number, size: number, version: number, left: Bytes, right: Bytes): Buffer {
  const buf = new Uint8Array(varintSize(height) + varintSize(size) + varintSize(version) + 66);
  let off = putVarint(buf, 0, height);
  off = putVarint(buf, off, size);
  off = putVarint(buf, off, version);
  buf[off++] = 32;
  buf.set(left, off);
  off += 32;
  buf[off++] = 32;
  buf.set(right, off);
  return sha256(buf);
}

/** Storage encoding: varint height, size, version; uvarint len + key; leaf: uvarint len + value, inner: two 32-byte hashes. */
export function encodedSize(n: Node): number {
  const head =
    varintSize(n.height) + varintSize(n.size) + varintSize(n.version) + uvarintSize(n.key.length) + n.key.length;
  if (n.height > 0) return head + 64;
  const vlen = n.value?.length ?? 0;
  return head + uvarintSize(vlen) + vlen;
}

/** Writes the node's storage encoding at `off`; returns the end offset. */
export function encodeNodeInto(n: Node, buf: Uint8Array, off: number): number {
  off = putVarint(buf, off, n.height);
  off = putVarint(buf, off, n.size);
  off = putVarint(buf, off, n.version);
  off = putUvarint(buf, off, n.key.length);
  buf.set(n.key, off);
  off += n.key.length;
  if (n.height === 0) {
    const value = n.value ?? new Uint8Array(0);
    off = putUvarint(buf, off, value.length);
    buf.set(value, off);
    return off + value.length;
  }
  if (!n.leftHash || !n.rightHash) throw new Error("iavl: encoding an inner node without child hashes");
  buf.set(n.leftHash, off);
  buf.set(n.rightHash, off + 32);
  return off + 64;
}

export function encodeNode(n: Node): Uint8Array {
  const buf = new Uint8Array(encodedSize(n));
  encodeNodeInto(n, buf, 0);
  return buf;
}

export function decodeNode(hash: Bytes, buf: Uint8Array): Node {
  const [height, o1] = readVarint(buf, 0);
  const [size, o2] = readVarint(buf, o1);
  const [version, o3] = readVarint(buf, o2);
  const [keyLen, o4] = readUvarint(buf, o3);
  const key = buf.subarray(o4, o4 + keyLen);
  const off = o4 + keyLen;
  const n = new Node(key, undefined, version, height, size);
  if (height === 0) {
    const [valueLen, o5] = readUvarint(buf, off);
    n.value = buf.subarray(o5, o5 + valueLen);
  } else {
    n.leftHash = buf.subarray(off, off + 32);
    n.rightHash = buf.subarray(off + 32, off + 64);
  }
  n.hash = hash;
  n.persisted = true;
  return n;
}
