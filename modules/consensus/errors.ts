// x/consensus has no errors of its own in the SDK: authority failures use gov's ErrInvalidSigner
// (registered in chain/errors, re-exported here), invalid params sdk ErrInvalidRequest.
export { ErrGovInvalidSigner as ErrInvalidSigner } from "../../chain/errors/errors.ts";
