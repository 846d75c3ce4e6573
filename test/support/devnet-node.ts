// One `dgrid start` process from the devnet genesis (app/devnet.ts) on free ports: the validator
// bonded by a gentx, vote extensions on, redundancy 1, the demo MLP in genesis and in the node's
// model store, so a request for it is assigned, committed, revealed and finalized within a few blocks.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { addDevnetOperatorKey, buildDevnetGenesis, prepareDevnetHome } from "../../app/devnet.ts";
import { loadConfig, writeConfig } from "../../chain/node/config.ts";
import { genesisToJson } from "../../chain/types/genesis.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { freePort, spawnNode } from "./node-process.ts";
import { testTempDir } from "./temp-dir.ts";

export interface DevnetNode {
  home: string;
  rpcUrl: string;
  /** the REST gateway (CORS on, as the devnet has it) */
  apiUrl: string;
  /** the gRPC server, host:port */
  grpcAddress: string;
  /** the node process's id (benches read its CPU time from /proc) */
  pid: number | undefined;
  logs: string[];
  stop(): Promise<void>;
}

export interface DevnetNodeOptions {
  timeoutCommitMs?: number;
  /**
   * registered in genesis and served by the validator (app/devnet.ts buildDevnetGenesis); their files
   * are NOT put in the node's model store, so a request for one is assigned but never committed
   * (the chain refunds it as expired at the commit deadline)
   */
  extraModels?: Model[];
}

export async function startDevnetNode(opts: DevnetNodeOptions = {}): Promise<DevnetNode> {
  const home = testTempDir("dgrid-devnode-");
  prepareDevnetHome(home);
  await addDevnetOperatorKey(home);
  if (opts.extraModels?.length)
    writeFileSync(
      join(home, "config", "genesis.json"),
      genesisToJson(await buildDevnetGenesis({ extraModels: opts.extraModels })),
    );
  const cfg = loadConfig(home);
  const rpcPort = await freePort();
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  cfg.rpc.laddr = `tcp://127.0.0.1:${rpcPort}`;
  cfg.p2p.laddr = `/ip4/127.0.0.1/tcp/${await freePort()}`;
  cfg.instrumentation = { prometheus: false, prometheusLaddr: `tcp://127.0.0.1:${await freePort()}` };
  cfg.models.laddr = `tcp://127.0.0.1:${await freePort()}`;
  // the devnet's REST gateway and gRPC server, on free ports rather than 1317 / 9090
  const apiPort = await freePort();
  cfg.api.address = `tcp://127.0.0.1:${apiPort}`;
  const grpcAddress = `127.0.0.1:${await freePort()}`;
  cfg.grpc.address = grpcAddress;
  cfg.consensus.timeoutCommitMs = opts.timeoutCommitMs ?? 200;
  cfg.inference.syncIntervalMs = 500;
  writeConfig(home, cfg);
  const node = await spawnNode(home, rpcUrl, 3);
  return {
    home,
    rpcUrl,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    grpcAddress,
    pid: node.process.pid,
    logs: node.logs,
    stop: () => node.stop(),
  };
}
