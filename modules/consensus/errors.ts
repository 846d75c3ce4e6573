// x/consensus has no errors of its own in the SDK: authority failures use gov's ErrInvalidSigner
// (re-exported here), invalid params sdk ErrInvalidRequest.
export { ErrInvalidSigner } from "../gov/errors.ts";
