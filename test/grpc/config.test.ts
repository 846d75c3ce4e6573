// The gRPC server's config: app.toml [grpc] as the SDK writes it (sizes quoted), the defaults `dgrid
// init` writes, and `dgrid start --grpc.laddr` overriding grpc.address only when given.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse as parseToml } from "smol-toml";
import type { CliIO } from "../../app/cli/context.ts";
import { buildProgram } from "../../app/cli/program.ts";
import { appTomlPath, defaultConfig, loadConfig, type NodeConfig, writeConfig } from "../../chain/node/config.ts";
import { testTempDir } from "../support/temp-dir.ts";

function home(appToml?: string): string {
  const h = testTempDir("dgrid-grpc-config-");
  mkdirSync(join(h, "config"), { recursive: true });
  if (appToml !== undefined) writeFileSync(appTomlPath(h), appToml);
  return h;
}

describe("gRPC config", () => {
  it("defaults: off (as api.enable; localnet, devnet and --grpc.laddr turn it on), 127.0.0.1:9090, 10 MiB in, 2^31-1 out", () => {
    assert.deepEqual(defaultConfig().grpc, {
      enable: false,
      address: "127.0.0.1:9090",
      maxRecvMsgSize: 10_485_760,
      maxSendMsgSize: 2_147_483_647,
    });
  });

  it("writes a [grpc] section in app.toml and reads it back", () => {
    const h = home();
    const c = defaultConfig();
    c.grpc = { enable: false, address: "0.0.0.0:9191", maxRecvMsgSize: 1024, maxSendMsgSize: 2048 };
    writeConfig(h, c);
    const toml = parseToml(readFileSync(appTomlPath(h), "utf8")) as { grpc: Record<string, unknown> };
    assert.deepEqual(
      { ...toml.grpc },
      {
        enable: false,
        address: "0.0.0.0:9191",
        "max-recv-msg-size": 1024,
        "max-send-msg-size": 2048,
      },
    );
    assert.deepEqual(loadConfig(h).grpc, c.grpc);
  });

  it("reads the SDK's app.toml [grpc] (quoted sizes) and refuses a wrong key by name", () => {
    const sdk =
      '[grpc]\nenable = true\naddress = "localhost:9090"\nmax-recv-msg-size = "4194304"\nmax-send-msg-size = "2147483647"\n';
    assert.deepEqual(loadConfig(home(sdk)).grpc, {
      enable: true,
      address: "localhost:9090",
      maxRecvMsgSize: 4_194_304,
      maxSendMsgSize: 2_147_483_647,
    });
    assert.throws(() => loadConfig(home('[grpc]\nmax-recv-msg-size = "lots"\n')), /grpc\.max-recv-msg-size/);
    assert.throws(() => loadConfig(home("[grpc]\nenabled = true\n")), /grpc\.enabled/);
  });

  it("dgrid start --grpc.laddr overrides grpc.address (and turns gRPC on) only when given", async () => {
    const io: CliIO = { out: () => {}, err: () => {}, readStdin: async () => "", readLine: async () => "", env: {} };
    const startConfig = async (args: string[]): Promise<NodeConfig> => {
      let seen: NodeConfig | undefined;
      const program = await buildProgram(io, async (_home, config) => {
        seen = config;
      });
      await program.parseAsync(["start", ...args], { from: "user" });
      assert.ok(seen);
      return seen;
    };
    const h = home('[grpc]\naddress = "127.0.0.1:9191"\n');
    const plain = await startConfig(["--home", h]);
    assert.equal(plain.grpc.address, "127.0.0.1:9191");
    assert.equal(plain.grpc.enable, false);
    const flagged = await startConfig(["--home", h, "--grpc.laddr", "tcp://0.0.0.0:9292"]);
    assert.equal(flagged.grpc.address, "tcp://0.0.0.0:9292");
    assert.equal(flagged.grpc.enable, true);
  });
});
