// A model record without its golden vectors (Model field 11), for the paths that read a model per
// request (the inference module's checks, assignment, settlement, and the stats this module keeps).
// Golden vectors are the bulk of a record and nothing on those paths reads them: decoding them there
// was most of the registry's share of the allocations per request. The other fields decode as
// Model.decode would decode them.
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";

const GOLDEN_VECTORS_FIELD = 11;

/** `Model.decode(bytes)` with `goldenVectors` left empty (the stored bytes are not changed). */
export function decodeModelHead(bytes: Uint8Array): Model {
  const r = new BinaryReader(bytes);
  const spans: [number, number][] = [];
  let skipped = 0;
  while (r.pos < r.len) {
    const at = r.pos;
    const [field, wire] = r.tag();
    r.skip(wire, field);
    if (field === GOLDEN_VECTORS_FIELD) skipped += r.pos - at;
    else if (spans.length > 0 && spans[spans.length - 1][1] === at) spans[spans.length - 1][1] = r.pos;
    else spans.push([at, r.pos]);
  }
  if (skipped === 0) return Model.decode(bytes);
  const kept = new Uint8Array(bytes.length - skipped);
  let o = 0;
  for (const [a, b] of spans) {
    kept.set(bytes.subarray(a, b), o);
    o += b - a;
  }
  return Model.decode(kept);
}
