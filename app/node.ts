// The composition root of a DGrid node: the engine's Node (chain/node) with the DGrid application
// built in process over the node's state database and, when inference is enabled, the validator's
// inference services (validator/) beside it — or, with config `proxyApp` (`--proxy-app`), a proxy to
// the DGrid app running in another process (`dgrid start --abci`, app/app-server.ts), which then owns
// the state and the inference services. The CLI's `start`, the devnet and the localnet start nodes
// through here; tests start faulty validators through the same class with decorators
// (test/support/faulty-node-main.ts).

import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { loadConfig } from "../chain/node/config.ts";
import { type AppFactory, type AppServices, Node, type NodeDecorators, type NodeOptions } from "../chain/node/node.ts";
import { proxyAppFactory } from "../chain/node/proxy-app.ts";
import { BECH32_PREFIXES } from "../client/chain-constants.ts";
import type { InferenceExecutor } from "../validator/executor/types.ts";
import { NodeInference } from "../validator/node-inference.ts";
import { APP_VERSION, DGridApp } from "./app.ts";
import { DESCRIPTORS_PATH } from "./descriptors.ts";
import { dgridExplorer } from "./explorer.ts";
import { warnInferenceLimits } from "./limits.ts";
import { MODELS_URL_KEY } from "./node-status.ts";

/** Test-only wrappers (test/support); production never passes them. */
export interface DGridNodeDecorators extends NodeDecorators {
  /** wraps the executor the validator's inference duties run assigned work on */
  inference?(executor: InferenceExecutor): InferenceExecutor;
}

export interface DGridNodeDeps {
  logger: Logger;
  decorators?: DGridNodeDecorators;
  /** called once the node has stopped itself because its app failed (see chain/node Node) */
  onFatal?: (err: Error) => void;
}

export interface DGridAppFactoryOptions {
  /** called with the node's inference services once they started */
  onInference?: (inference: NodeInference) => void;
  decorators?: Pick<DGridNodeDecorators, "inference">;
}

/** The in-process DGrid application with the validator's inference services. */
export function dgridAppFactory(options: DGridAppFactoryOptions = {}): AppFactory {
  return async ({ home, config, db, logger, metricsRegistry, validatorAddress, chainId }) => {
    let inference: NodeInference | undefined;
    if (config.inference.enabled) {
      // every node keeps models and an executor; the duties only ever get work when this node's
      // key is an assigned validator
      inference = new NodeInference(
        {
          home,
          consAddress: validatorAddress,
          models: config.models,
          blobs: config.blobs,
          outputs: config.outputs,
          inference: config.inference,
        },
        {
          logger,
          metricsRegistry,
          keyringPassphrase: process.env.DGRID_KEYRING_PASSPHRASE,
          dutiesExecutor: options.decorators?.inference,
        },
      );
      await inference.start();
      options.onInference?.(inference);
    }
    const app = new DGridApp(
      {
        chainId,
        minGasPrices: config.app.minimumGasPrices,
        haltHeight: config.app.haltHeight,
        keepRecent: config.app.pruningKeepRecent,
        indexEvents: config.app.indexEvents,
      },
      { db, logger, inferenceDuties: inference?.duties },
    );
    // the largest request the inference params admit must fit what this node's mempool and RPC take
    const limits = {
      afterStart: (ctx: { query(path: string, data: Uint8Array): Promise<Uint8Array> }) => {
        void warnInferenceLimits(
          { mempoolMaxTxBytes: config.mempool.maxTxBytes, rpcMaxBodyBytes: config.rpc.maxBodyBytes },
          ctx.query,
          logger,
        );
      },
      close: async () => {},
    };
    const services = inference
      ? [
          {
            afterStart: (ctx: { rpcUrl: string; query(path: string, data: Uint8Array): Promise<Uint8Array> }) =>
              inference.startSync(ctx),
            startInfo: () => ({ models: inference.modelsUrl, executionProvider: inference.executor?.provider }),
            statusInfo: (): Record<string, string> =>
              inference.modelsUrl ? { [MODELS_URL_KEY]: inference.modelsUrl } : {},
            close: () => inference.close(),
          },
        ]
      : [];
    return { app, services: [...services, limits], close: () => app.sigVerifier.close() };
  };
}

/** The DGrid app's services, as the node's REST and gRPC doors serve them. */
export function dgridServices(): AppServices {
  return {
    descriptorSet: readFileSync(DESCRIPTORS_PATH),
    consensusAddressPrefix: BECH32_PREFIXES.consAddr,
    applicationVersion: {
      name: "dgrid",
      appName: "dgrid",
      version: APP_VERSION,
      gitCommit: "",
      buildTags: "",
      runtimeVersion: `node ${process.version} ${process.platform}/${process.arch}`,
      buildDeps: [],
      // the Cosmos SDK API level the REST and gRPC doors follow (explorers pick their routes by it)
      cosmosSdkVersion: "v0.50",
    },
    explorer: dgridExplorer(),
  };
}

/** The factory's app with its services declared (in process or behind the ABCI proxy alike). */
function withServices(factory: AppFactory): AppFactory {
  return async (ctx) => ({ grpcServices: dgridServices(), ...(await factory(ctx)) });
}

/** A DGrid node: the engine with the DGrid app. `inference` reaches the validator's model store. */
export class DGridNode extends Node {
  /** model store, executor, duties and model sync (config inference.enabled), once started */
  inference?: NodeInference;

  constructor(options: NodeOptions, deps: DGridNodeDeps) {
    const config = options.config ?? loadConfig(options.home);
    super(
      { ...options, config },
      {
        logger: deps.logger,
        createApp: withServices(
          config.proxyApp
            ? proxyAppFactory(config.proxyApp)
            : dgridAppFactory({
                onInference: (inference) => {
                  if (this) this.inference = inference;
                },
                decorators: deps.decorators,
              }),
        ),
        decorators: deps.decorators,
        onFatal: deps.onFatal,
      },
    );
  }
}
