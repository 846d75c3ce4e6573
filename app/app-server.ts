// `dgrid start --abci ADDR`: the DGrid application alone, served over CometBFT's ABCI socket protocol
// for an engine in another process — CometBFT (`cometbft start --proxy_app ADDR`) or our own
// (`dgrid start --proxy-app ADDR`). The app keeps its state in its own database,
// `<home>/data/app.db` (under the `state` sublevel, the key layout of the embedded app), and runs the
// validator's inference services beside it, as the embedded app does (dgridAppFactory).
//
// From its home it reads: config.json (app, inference, models; `rpc.laddr` is the RPC of the engine in
// front of it, through which the inference services send their transactions), genesis.json (the
// chain id, for an app restarted after InitChain) and priv_validator_key.json's public key (the
// validator address the inference duties answer for; the private key is not used).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AbstractLevel } from "abstract-level";
import { ClassicLevel } from "classic-level";
import { RequestQuery } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import { AbciSocketServer } from "../chain/abci/server.ts";
import { dataDir, genesisPath, type NodeConfig, parseLaddr, privValidatorKeyPath } from "../chain/node/config.ts";
import type { BuiltApp } from "../chain/node/node.ts";
import { loadGenesis } from "../chain/types/genesis.ts";
import { address, pubKeyFromJson } from "../chain/types/keys.ts";
import type { NodeInference } from "../validator/node-inference.ts";
import { dgridAppFactory } from "./node.ts";

export const appDbPath = (home: string) => join(dataDir(home), "app.db");

export interface DGridAppServerOptions {
  home: string;
  /** `abci.laddr` is where the app is served */
  config: NodeConfig;
}

export class DGridAppServer {
  /** the bound ABCI address, once started */
  address = "";
  /** model store, executor, duties and model sync (config inference.enabled), once started */
  inference?: NodeInference;
  private db?: ClassicLevel<Uint8Array, Uint8Array>;
  private built?: BuiltApp;
  private server?: AbciSocketServer;
  private stopping?: Promise<void>;
  private readonly log: Logger;

  constructor(
    readonly options: DGridAppServerOptions,
    private readonly deps: { logger: Logger },
  ) {
    this.log = deps.logger.child({ module: "app-server" });
  }

  async start(): Promise<void> {
    const { home, config } = this.options;
    if (!config.abci.laddr) throw new Error("no ABCI listen address (flag --abci or config abci.laddr)");
    const chainId = loadGenesis(genesisPath(home)).chain_id;
    const db = new ClassicLevel<Uint8Array, Uint8Array>(appDbPath(home), {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    await db.open();
    this.db = db;
    const state = db.sublevel<Uint8Array, Uint8Array>("state", {
      keyEncoding: "view",
      valueEncoding: "view",
    }) as unknown as AbstractLevel<any, Uint8Array, Uint8Array>;
    const built = await dgridAppFactory({
      onInference: (inference) => {
        this.inference = inference;
      },
    })({
      home,
      chainId,
      config,
      db: state,
      logger: this.deps.logger,
      validatorAddress: config.inference.enabled ? validatorAddressOf(home) : new Uint8Array(),
    });
    this.built = built;
    const server = new AbciSocketServer({ laddr: config.abci.laddr }, { app: built.app, logger: this.deps.logger });
    this.server = server;
    await server.start();
    this.address = server.address;
    const rpcUrl = engineRpcUrl(config.rpc.laddr);
    const query = async (path: string, data: Uint8Array) => {
      const res = await built.app.query(RequestQuery.fromPartial({ path, data, height: 0n, prove: false }));
      if (res.code !== 0) throw new Error(`query ${path} failed with code ${res.code}: ${res.log}`);
      return res.value;
    };
    for (const svc of built.services ?? []) svc.afterStart?.({ rpcUrl, query });
    this.log.info(
      {
        abci: this.address,
        chainId,
        db: appDbPath(home),
        engineRpc: rpcUrl,
        ...Object.assign({}, ...(built.services ?? []).map((svc) => svc.startInfo?.() ?? {})),
      },
      "DGrid app serving ABCI",
    );
  }

  /** Stops serving (waiting for the request in hand), then the services, the app and its database. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.server?.close();
      for (const svc of this.built?.services ?? []) await svc.close();
      await this.built?.close?.();
      await this.db?.close();
      this.log.info("DGrid app stopped");
    })();
    return this.stopping;
  }
}

/** The validator's consensus address from the public key in priv_validator_key.json. */
function validatorAddressOf(home: string): Uint8Array {
  const path = privValidatorKeyPath(home);
  let json: { pub_key?: unknown };
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(
      `the inference duties need this validator's public key: cannot read ${path} (${(e as Error).message}); ` +
        "copy the validator's priv_validator_key.json there or set inference.enabled to false",
    );
  }
  return address(pubKeyFromJson(json.pub_key));
}

/** "tcp://0.0.0.0:26657" -> "http://127.0.0.1:26657": where this machine reaches the engine's RPC. */
function engineRpcUrl(laddr: string): string {
  const { host, port } = parseLaddr(laddr);
  const reach = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reach.includes(":") ? `[${reach}]` : reach}:${port}`;
}
