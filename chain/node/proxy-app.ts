// The application factory of an engine whose app runs in another process (`dgrid start --proxy-app`,
// CometBFT's `--proxy_app`): a ProxyApplication over CometBFT's ABCI socket protocol. The app owns its
// state and services; the node's `state` sublevel stays unused.
import { ProxyApplication } from "../abci/proxy-application.ts";
import type { AppFactory } from "./node.ts";

export function proxyAppFactory(address: string, options: { connectTimeoutMs?: number } = {}): AppFactory {
  return async ({ logger }) => {
    const app = new ProxyApplication({ address, connectTimeoutMs: options.connectTimeoutMs }, { logger });
    await app.start();
    return {
      app,
      onFailure: (listener) => app.onFailure(listener),
      close: async () => app.close(),
    };
  };
}
