// The page's connection to one node: its RPC, its REST gateway and what config.json said.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Endpoints } from "./endpoints.ts";
import type { Rest } from "./rest.ts";
import type { Rpc } from "./rpc.ts";

export interface Chain {
  endpoints: Endpoints;
  rpc: Rpc;
  rest: Rest;
}

export const ChainContext = createContext<Chain | null>(null);

export function useChain(): Chain {
  const chain = useContext(ChainContext);
  if (!chain) throw new Error("useChain outside ChainContext");
  return chain;
}
