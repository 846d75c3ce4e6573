// The node config: its schema (unknown keys and wrong types refused, each named by its dotted key),
// the TOML files (config.toml + app.toml) and the JSON form reading to the same NodeConfig, defaults
// for what a file leaves out, and the CLI flags that override a key only when given.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parse as parseToml } from "smol-toml";
import type { CliIO } from "../../app/cli/context.ts";
import { buildProgram } from "../../app/cli/program.ts";
import { fieldEntries } from "../../chain/node/config/fields.ts";
import { formatDuration, parseDuration } from "../../chain/node/config/kinds.ts";
import {
  ConfigError,
  configJsonPath,
  defaultConfig,
  loadConfig,
  type NodeConfig,
  writeConfig,
} from "../../chain/node/config.ts";
import { cli } from "../cli/helpers.ts";
import { testTempDir } from "../support/temp-dir.ts";

function home(files: { "config.toml"?: string; "app.toml"?: string; "config.json"?: unknown } = {}): string {
  const h = testTempDir("dgrid-config-");
  mkdirSync(join(h, "config"), { recursive: true });
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(h, "config", name), typeof content === "string" ? content : JSON.stringify(content));
  return h;
}

/** The ConfigError loadConfig throws for `h` (fails the test when it loads). */
function configError(h: string): ConfigError {
  try {
    loadConfig(h);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail("the config was accepted");
}

/** A config with every section changed from its defaults (only keys the TOML files hold). */
function sampleConfig(): NodeConfig {
  const c = defaultConfig("sample-node");
  c.logLevel = "warn";
  c.rpc = {
    laddr: "tcp://0.0.0.0:36657",
    maxBodyBytes: 2048,
    maxSubscriptionsPerClient: 9,
    timeoutBroadcastTxCommitMs: 1500,
    corsAllowedOrigins: ["http://127.0.0.1:*", "https://app.example"],
    corsAllowedMethods: ["GET"],
    corsAllowedHeaders: ["Content-Type"],
  };
  c.p2p = {
    laddr: "/ip4/127.0.0.1/tcp/36656",
    persistentPeers: ["aa@10.0.0.1:26656", "bb@10.0.0.2:26656"],
    seeds: ["cc@10.0.0.3:26656"],
    maxPeers: 7,
    maxMsgBytes: 4096,
    blockSyncWaitMs: 250,
  };
  c.mempool = { size: 11, maxTxsBytes: 12, maxTxBytes: 13, cacheSize: 14, recheck: false };
  c.consensus = {
    ...c.consensus,
    timeoutProposeMs: 90_000,
    timeoutProposeDeltaMs: 1,
    timeoutPrevoteMs: 2,
    timeoutPrevoteDeltaMs: 3,
    timeoutPrecommitMs: 4,
    timeoutPrecommitDeltaMs: 5,
    timeoutCommitMs: 250,
    skipTimeoutCommit: true,
    createEmptyBlocks: false,
  };
  c.app = {
    minimumGasPrices: "0.1udgrid",
    pruningKeepRecent: 100,
    haltHeight: 77,
    indexEvents: ["transfer.recipient", "request_finalized.id"],
  };
  c.txIndex = { indexer: "null" };
  c.instrumentation = { prometheus: false, prometheusLaddr: ":36660" };
  c.api = {
    enable: true,
    swagger: false,
    explorer: true,
    address: "tcp://0.0.0.0:1318",
    maxOpenConnections: 5,
    readTimeoutMs: 2500,
    maxBodyBytes: 4096,
    enabledUnsafeCors: true,
  };
  c.models = {
    laddr: "",
    maxModelBytes: 1000,
    peers: ["http://10.0.0.2:26659"],
    import: ["/m/a.onnx", 'we"ird\\path'],
  };
  c.inference = {
    ...c.inference,
    enabled: false,
    executionProvider: "cuda",
    workers: 3,
    timeoutMs: 1234,
    operatorKey: "validator",
    keyringBackend: "test",
    syncIntervalMs: 60_000,
  };
  return c;
}

describe("node config: schema", () => {
  it("refuses a misspelled key, naming it and the key it is likely meant to be", () => {
    const err = configError(home({ "config.toml": '[rpc]\nladr = "tcp://127.0.0.1:1"\n' }));
    assert.equal(err.issues.length, 1);
    assert.equal(err.issues[0].key, "rpc.ladr");
    assert.match(err.message, /config\.toml: rpc\.ladr: unknown key \(did you mean "rpc\.laddr"\?\)/);
  });

  it("suggests the TOML name for the JSON form's camelCase, and the right section for a misplaced key", () => {
    const err = configError(
      home({
        "config.toml": "[p2p]\npersistentPeers = []\nprometheus = true\n",
        "app.toml": '[inference]\nexecution_provider = "cpu"\n',
      }),
    );
    const byKey = new Map(err.issues.map((i) => [i.key, i.message]));
    assert.match(byKey.get("p2p.persistentPeers") ?? "", /did you mean "p2p\.persistent_peers"/);
    assert.match(byKey.get("p2p.prometheus") ?? "", /did you mean "instrumentation\.prometheus"/);
    assert.match(byKey.get("inference.execution_provider") ?? "", /did you mean "inference\.execution-provider"/);
  });

  it("refuses an unknown section and CometBFT keys DGrid does not have", () => {
    const err = configError(home({ "config.toml": 'db_backend = "goleveldb"\n[statesync]\nenable = false\n' }));
    assert.deepEqual(err.issues.map((i) => i.key).sort(), ["db_backend", "statesync"]);
  });

  it("refuses a wrong type, naming the key and the expected type", () => {
    let err = configError(home({ "config.toml": '[mempool]\nsize = "big"\n[consensus]\ntimeout_commit = true\n' }));
    const byKey = new Map(err.issues.map((i) => [i.key, i.message]));
    assert.equal(byKey.get("mempool.size"), 'expected an integer >= 1, got "big"');
    assert.match(byKey.get("consensus.timeout_commit") ?? "", /^expected a duration .* got true$/);

    err = configError(home({ "app.toml": '[inference]\nexecution-provider = "gpu"\nworkers = 0\n' }));
    assert.match(err.message, /inference\.execution-provider: expected one of "cpu", "cuda", got "gpu"/);
    assert.match(err.message, /inference\.workers: expected an integer >= 1, got 0/);

    err = configError(home({ "config.toml": "rpc = 5\n" }));
    assert.match(err.message, /: rpc: expected a table, got 5/);

    err = configError(home({ "config.json": { consensus: { timeoutCommitMs: "1s" }, rpc: { laddr: 7 } } }));
    assert.match(err.message, /config\.json: consensus\.timeoutCommitMs: expected integer milliseconds, got "1s"/);
    assert.match(err.message, /config\.json: rpc\.laddr: expected a string, got 7/);
  });

  it("refuses a duration that is not whole milliseconds, and names a TOML syntax error's file", () => {
    let err = configError(home({ "config.toml": '[consensus]\ntimeout_propose = "1.5us"\n' }));
    assert.match(err.message, /consensus\.timeout_propose: .*not a whole number of milliseconds/);
    err = configError(home({ "config.toml": 'moniker = "unterminated\n' }));
    assert.match(err.message, /config\.toml: cannot parse/);
  });

  it("refuses a home with both the TOML files and config.json", () => {
    const err = configError(home({ "config.toml": "", "config.json": {} }));
    assert.match(err.message, /config\.json: the TOML files replace it/);
  });
});

describe("node config: forms and defaults", () => {
  it("no config files: every default", () => {
    assert.deepEqual(loadConfig(home()), defaultConfig());
  });

  it("defaults fill what a TOML or JSON file leaves out", () => {
    const expected = defaultConfig();
    expected.rpc.laddr = "tcp://127.0.0.1:1234";
    expected.app.haltHeight = 9;
    assert.deepEqual(
      loadConfig(home({ "config.toml": '[rpc]\nladdr = "tcp://127.0.0.1:1234"\n', "app.toml": "halt-height = 9\n" })),
      expected,
    );
    assert.deepEqual(
      loadConfig(home({ "config.json": { rpc: { laddr: "tcp://127.0.0.1:1234" }, app: { haltHeight: 9 } } })),
      expected,
    );
  });

  it("the TOML files and the JSON form load to the same NodeConfig", () => {
    const sample = sampleConfig();
    const tomlHome = home();
    writeConfig(tomlHome, sample);
    assert.ok(existsSync(join(tomlHome, "config", "config.toml")) && existsSync(join(tomlHome, "config", "app.toml")));
    const jsonHome = home({ "config.json": sample });
    assert.deepEqual(loadConfig(tomlHome), sample);
    assert.deepEqual(loadConfig(jsonHome), sample);
  });

  it("reads TOML as CometBFT and the SDK write it: durations, comma-separated peers, quoted pruning-keep-recent", () => {
    const cfg = loadConfig(
      home({
        "config.toml": [
          'moniker = "m"',
          "[p2p]",
          'persistent_peers = "aa@10.0.0.1:26656, bb@10.0.0.2:26656"',
          'seeds = ""',
          "[consensus]",
          'timeout_propose = "1m30s"',
          'timeout_commit = "5s"',
          "timeout_prevote = 250",
          'timeout_precommit_delta = "0"',
          "[instrumentation]",
          'prometheus_listen_addr = ":26660"',
        ].join("\n"),
        "app.toml": 'minimum-gas-prices = "0udgrid"\npruning-keep-recent = "362880"\n',
      }),
    );
    assert.deepEqual(cfg.p2p.persistentPeers, ["aa@10.0.0.1:26656", "bb@10.0.0.2:26656"]);
    assert.deepEqual(cfg.p2p.seeds, []);
    assert.equal(cfg.consensus.timeoutProposeMs, 90_000);
    assert.equal(cfg.consensus.timeoutCommitMs, 5000);
    assert.equal(cfg.consensus.timeoutPrevoteMs, 250);
    assert.equal(cfg.consensus.timeoutPrecommitDeltaMs, 0);
    assert.equal(cfg.app.pruningKeepRecent, 362880);
    assert.equal(cfg.instrumentation.prometheusLaddr, ":26660");
  });

  it("writes commented TOML in CometBFT's / the SDK's names; a JSON-form home stays JSON", () => {
    const h = home();
    writeConfig(h, sampleConfig());
    const text = readFileSync(join(h, "config", "config.toml"), "utf8");
    assert.match(text, /\n# TCP address the RPC server listens on\nladdr = "tcp:\/\/0\.0\.0\.0:36657"\n/);
    assert.match(text, /\[consensus\][^[]*\ntimeout_propose = "90s"\n/);
    assert.match(text, /\npersistent_peers = "aa@10\.0\.0\.1:26656,bb@10\.0\.0\.2:26656"\n/);
    const app = parseToml(readFileSync(join(h, "config", "app.toml"), "utf8")) as any;
    assert.equal(app["minimum-gas-prices"], "0.1udgrid");
    assert.equal(app.inference["execution-provider"], "cuda");
    assert.equal(app.inference["sync-interval"], "60s");

    const j = home({ "config.json": { moniker: "old" } });
    const cfg = loadConfig(j);
    cfg.rpc.laddr = "tcp://127.0.0.1:5";
    writeConfig(j, cfg);
    assert.equal(existsSync(join(j, "config", "config.toml")), false);
    assert.equal(JSON.parse(readFileSync(configJsonPath(j), "utf8")).rpc.laddr, "tcp://127.0.0.1:5");
  });

  it("durations: Go's text to milliseconds and back", () => {
    assert.equal(parseDuration("1h1m1s1ms"), 3_661_001);
    assert.equal(parseDuration("1.5s"), 1500);
    assert.equal(parseDuration("2000000ns"), 2);
    assert.throws(() => parseDuration("3x"), /not a duration/);
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 12 }), (ms) => {
        assert.equal(parseDuration(formatDuration(ms)), ms);
      }),
    );
  });

  it("any string value survives the TOML round trip", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.array(fc.string({ unit: "grapheme" })), (moniker, imports) => {
        const c = defaultConfig(moniker);
        c.models.import = imports;
        const h = home();
        writeConfig(h, c);
        assert.deepEqual(loadConfig(h), c);
      }),
      { numRuns: 30 },
    );
  });
});

describe("node config: documentation", () => {
  it("chain/node/README.md's key table lists every TOML key with its default", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "chain", "node", "README.md"), "utf8");
    for (const [path, f] of fieldEntries()) {
      if (!f.toml) continue;
      const row = `| ${f.toml.file} | \`${f.toml.key}\` | \`${f.kind.toToml(f.default as never)}\` | \`${path}\` |`;
      assert.ok(readme.includes(row), `missing or stale row: ${row}`);
    }
  });
});

describe("node config: CLI", () => {
  const io: CliIO = { out: () => {}, err: () => {}, readStdin: async () => "", readLine: async () => "", env: {} };

  /** The config `dgrid start <args>` would run the node with. */
  async function startConfig(args: string[]): Promise<NodeConfig> {
    let seen: NodeConfig | undefined;
    const program = await buildProgram(io, async (_home, config) => {
      seen = config;
    });
    await program.parseAsync(["start", ...args], { from: "user" });
    assert.ok(seen, "the node was not started");
    return seen;
  }

  it("--log-level (and the other config flags) override the file only when given", async () => {
    const h = home({
      "config.toml": 'log_level = "warn"\nlog_format = "json"\n[rpc]\nladdr = "tcp://127.0.0.1:1111"\n',
      "app.toml": '[models]\nladdr = "tcp://127.0.0.1:2222"\n',
    });
    let cfg = await startConfig(["--home", h]);
    assert.equal(cfg.logLevel, "warn");
    assert.equal(cfg.logFormat, "json");
    assert.equal((await startConfig(["--home", h, "--log-format", "plain"])).logFormat, "plain");
    assert.equal(cfg.rpc.laddr, "tcp://127.0.0.1:1111");
    assert.equal(cfg.models.laddr, "tcp://127.0.0.1:2222");
    assert.equal(cfg.inference.executionProvider, "cpu");

    cfg = await startConfig(["--home", h, "--log-level", "debug", "--rpc.laddr", "tcp://127.0.0.1:3333"]);
    assert.equal(cfg.logLevel, "debug");
    assert.equal(cfg.rpc.laddr, "tcp://127.0.0.1:3333");
    cfg = await startConfig([
      "--log-level",
      "error",
      "--home",
      h,
      "--execution-provider",
      "cuda",
      "--models.laddr",
      "",
    ]);
    assert.equal(cfg.logLevel, "error");
    assert.equal(cfg.inference.executionProvider, "cuda");
    assert.equal(cfg.models.laddr, "");
  });

  it("`dgrid start` refuses a bad config before starting anything", async () => {
    const h = home({ "config.toml": "[rpc]\nladr = 1\n" });
    await assert.rejects(startConfig(["--home", h]), /rpc\.ladr: unknown key/);
  });

  it("`dgrid config validate` reports each problem; `dgrid config migrate` turns config.json into TOML", async () => {
    const bad = home({ "app.toml": "[models]\nmax_model_bytes = 5\n" });
    let r = await cli(["config", "validate", "--home", bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /models\.max_model_bytes: unknown key \(did you mean "models\.max-model-bytes"\?\)/);

    const sample = sampleConfig();
    const j = home({ "config.json": sample });
    r = await cli(["config", "validate", "--home", j]);
    assert.equal(r.code, 0, r.stderr);
    r = await cli(["config", "migrate", "--home", j]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(configJsonPath(j)), false);
    assert.ok(existsSync(`${configJsonPath(j)}.bak`));
    assert.deepEqual(loadConfig(j), sample);
    r = await cli(["config", "migrate", "--home", j]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no config\.json to migrate/);
  });
});
