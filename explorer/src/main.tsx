// Entry: find the node (endpoints.ts), then render the explorer.
import { render } from "preact";
import { App } from "./app.tsx";
import { ChainContext } from "./chain.ts";
import { loadEndpoints } from "./endpoints.ts";
import { Rest } from "./rest.ts";
import { Rpc } from "./rpc.ts";
import "./style.css";

const root = document.getElementById("app")!;
loadEndpoints()
  .then((endpoints) => {
    const chain = { endpoints, rpc: new Rpc(endpoints.rpc), rest: new Rest(endpoints.rest) };
    render(
      <ChainContext.Provider value={chain}>
        <App />
      </ChainContext.Provider>,
      root,
    );
  })
  .catch((e: unknown) => {
    root.textContent = `Cannot reach the node: ${e instanceof Error ? e.message : String(e)}`;
    root.className = "error";
  });
