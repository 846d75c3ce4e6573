// `@dgrid/client/x402`: paying DGrid's x402 gateways. The scheme (x402-scheme.ts) plugs into any
// @x402/core client; the fetch wrapper (x402-fetch.ts) also checks that the terms it pays are for the
// call it made. Kept out of index.ts so a bundle of the main entry does not pull in @x402/*.

export { wrapFetchWithDGridPayment } from "./x402-fetch.ts";
export {
  connectSigning,
  createDGridX402Client,
  DGridExactScheme,
  type DGridX402Options,
  type ExpectedCall,
  type SigningConnection,
} from "./x402-scheme.ts";
