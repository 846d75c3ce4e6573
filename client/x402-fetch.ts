// wrapFetchWithDGridPayment: @x402/fetch's wrapFetchWithPayment with the DGrid scheme, per call told
// which model and inputs the call is for (read from the request itself), so a gateway's terms for any
// other model or inputs are refused before anything is signed. One signing connection per wrapper.
import type { OfflineSigner } from "@cosmjs/proto-signing";
import { wrapFetchWithPayment } from "@x402/fetch";
import {
  connectSigning,
  createDGridX402Client,
  type DGridX402Options,
  type ExpectedCall,
  type SigningConnection,
} from "./x402-scheme.ts";
import { INFER_PATH } from "./x402-terms.ts";

type Fetch = typeof globalThis.fetch;

/**
 * A fetch that pays DGrid gateways: `POST {gateway}/v1/models/{id}/infer` with a JSON body is paid
 * only for that model and those inputs. Other requests are paid as createDGridX402Client pays (the
 * gateway's terms carry the inputs).
 */
export function wrapFetchWithDGridPayment(fetchImpl: Fetch, signer: OfflineSigner, options: DGridX402Options): Fetch {
  let connection: SigningConnection | undefined;
  const connect = (): SigningConnection => {
    connection ??= connectSigning(options.rpcUrl, signer);
    connection.catch(() => {
      connection = undefined;
    });
    return connection;
  };
  return (async (input: Parameters<Fetch>[0], init?: RequestInit) => {
    const expected = await expectedCall(input, init);
    const client = createDGridX402Client(signer, { ...options, expected }, { connect });
    return wrapFetchWithPayment(fetchImpl, client)(input, init);
  }) as Fetch;
}

/** The model and body of an inference call, or undefined for any other request. */
async function expectedCall(input: Parameters<Fetch>[0], init?: RequestInit): Promise<ExpectedCall | undefined> {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : input.toString());
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  const match = INFER_PATH.exec(url.pathname);
  if (!match || method !== "POST") return undefined;
  let text: string;
  if (init?.body !== undefined && init.body !== null) {
    if (typeof init.body !== "string")
      throw new Error("DGrid x402: give an inference call's body as a JSON string, so the payment can be checked");
    text = init.body;
  } else if (request) {
    text = await request.clone().text();
  } else {
    throw new Error("DGrid x402: an inference call needs a JSON body");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new Error(`DGrid x402: the inference call's body is not JSON: ${(e as Error).message}`);
  }
  return { modelId: match[1], body };
}
