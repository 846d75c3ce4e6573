// TEST ONLY: the faults a test validator can run with (NodeFaults), the DGridNode decorators that
// implement them, and the command-line flags that carry them to faulty-node-main.ts (the entry point
// the multi-process helpers start for a faulty validator instead of `bin/dgrid.js start`).
import { parseArgs } from "node:util";
import type { Logger } from "pino";
import type { DGridNodeDecorators } from "../../app/node.ts";
import { genesisPath, privValidatorKeyPath } from "../../chain/node/config.ts";
import { loadGenesis } from "../../chain/types/genesis.ts";
import { loadPrivValidatorKey } from "../../chain/types/keys.ts";
import { DoubleSigner } from "./double-signer.ts";
import {
  CorruptingExecutor,
  type FaultModels,
  formatFaultModels,
  parseFaultModels,
  SilentExecutor,
} from "./faulty-executor.ts";
import { FilePeerGate } from "./file-peer-gate.ts";

export interface NodeFaults {
  /** double-sign a prevote per height until evidence against it is committed (DoubleSigner) */
  doubleSign?: boolean;
  /** commit to and reveal corrupted outputs for these models (CorruptingExecutor) */
  corruptOutputs?: FaultModels;
  /** never run assigned work for these models (SilentExecutor) */
  silentExecutor?: FaultModels;
  /** a file of peer ids this node must not talk to, rewritten by the test to partition the network (FilePeerGate) */
  blockedPeersFile?: string;
}

/** The faulty-node-main.ts flags for `faults`. */
export function faultFlags(faults: NodeFaults): string[] {
  const flags: string[] = [];
  if (faults.doubleSign) flags.push("--double-sign");
  if (faults.corruptOutputs) flags.push("--corrupt-outputs", formatFaultModels(faults.corruptOutputs));
  if (faults.silentExecutor) flags.push("--silent-executor", formatFaultModels(faults.silentExecutor));
  if (faults.blockedPeersFile) flags.push("--blocked-peers-file", faults.blockedPeersFile);
  return flags;
}

/** faulty-node-main.ts's command line: `--home H [--log-level L]` and the fault flags. */
export function parseFaultyNodeArgs(args: string[]): { home: string; logLevel?: string; faults: NodeFaults } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      home: { type: "string" },
      "log-level": { type: "string" },
      "double-sign": { type: "boolean" },
      "corrupt-outputs": { type: "string" },
      "silent-executor": { type: "string" },
      "blocked-peers-file": { type: "string" },
    },
  });
  if (!values.home) throw new Error("--home is required");
  const faults: NodeFaults = {};
  if (values["double-sign"]) faults.doubleSign = true;
  if (values["corrupt-outputs"] !== undefined) faults.corruptOutputs = parseFaultModels(values["corrupt-outputs"]);
  if (values["silent-executor"] !== undefined) faults.silentExecutor = parseFaultModels(values["silent-executor"]);
  if (values["blocked-peers-file"] !== undefined) faults.blockedPeersFile = values["blocked-peers-file"];
  return { home: values.home, logLevel: values["log-level"], faults };
}

/** The DGridNode decorators that make the node at `home` run with `faults`. */
export function faultyNodeDecorators(home: string, faults: NodeFaults, logger: Logger): DGridNodeDecorators {
  const decorators: DGridNodeDecorators = {};
  if (faults.doubleSign) {
    decorators.consensusHooks = new DoubleSigner(
      { chainId: loadGenesis(genesisPath(home)).chain_id },
      { key: loadPrivValidatorKey(privValidatorKeyPath(home)), logger },
    );
  }
  if (faults.blockedPeersFile) decorators.peerGate = new FilePeerGate({ path: faults.blockedPeersFile }, { logger });
  const { corruptOutputs, silentExecutor } = faults;
  if (corruptOutputs || silentExecutor) {
    decorators.inference = (executor) => {
      let wrapped = executor;
      if (corruptOutputs) wrapped = new CorruptingExecutor({ models: corruptOutputs }, { inner: wrapped, logger });
      // outermost: a model listed in both is never run
      if (silentExecutor) wrapped = new SilentExecutor({ models: silentExecutor }, { inner: wrapped, logger });
      return wrapped;
    };
  }
  return decorators;
}
