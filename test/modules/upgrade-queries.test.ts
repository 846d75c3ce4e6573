import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  QueryModuleVersionsRequest,
  QueryModuleVersionsResponse,
  QueryUpgradedConsensusStateRequest,
  QueryUpgradedConsensusStateResponse,
} from "cosmjs-types/cosmos/upgrade/v1beta1/query";
import pino from "pino";
import { Context } from "../../chain/baseapp/context.ts";
import { Router } from "../../chain/baseapp/module.ts";
import { type ModuleVersion, moduleVersions } from "../../chain/baseapp/module-versions.ts";
import { InfiniteGasMeter } from "../../chain/baseapp/store-deps.ts";
import { CodedError } from "../../chain/errors/errors.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { UpgradeKeeper } from "../../modules/upgrade/keeper.ts";
import { StoreKey, upgradedConsStateKey } from "../../modules/upgrade/keys.ts";
import { UpgradeModule } from "../../modules/upgrade/module.ts";
import { block, genesis, initApp, newApp } from "../app/helpers.ts";
import { MemCacheMultiStore, MemKV } from "../app/memory-store.ts";

const P = "/cosmos.upgrade.v1beta1.Query/";

function setup(versions: ModuleVersion[]) {
  const stores = new Map([["upgrade", new MemKV()]]);
  const ms = new MemCacheMultiStore({ getStore: (n: string) => stores.get(n) as MemKV });
  const ctx = new Context(
    ms,
    { height: 1, timeMs: 0, chainId: "t" },
    new InfiniteGasMeter(),
    "finalize",
    pino({ level: "silent" }),
  );
  const router = new Router();
  new UpgradeModule(
    new UpgradeKeeper({ authority: moduleAddress("gov") }, { moduleVersions: () => versions }),
  ).registerServices(router);
  const call = async (method: string, bytes: Uint8Array) => {
    const h = router.query(`${P}${method}`);
    if (!h) throw new Error(`${method} is not served`);
    return h(ctx, bytes);
  };
  const moduleVersionsOf = async (moduleName: string) =>
    QueryModuleVersionsResponse.decode(
      await call("ModuleVersions", QueryModuleVersionsRequest.encode({ moduleName }).finish()),
    ).moduleVersions;
  const consensusStateAt = async (lastHeight: bigint) =>
    QueryUpgradedConsensusStateResponse.decode(
      await call("UpgradedConsensusState", QueryUpgradedConsensusStateRequest.encode({ lastHeight }).finish()),
    );
  return { ctx, moduleVersionsOf, consensusStateAt };
}

describe("x/upgrade queries: ModuleVersions, UpgradedConsensusState", () => {
  it("moduleVersions: every module sorted by name, a module without a version at 0", () => {
    assert.deepEqual(
      moduleVersions([
        { name: "staking", consensusVersion: 5 },
        { name: "bank", consensusVersion: 4 },
        { name: "genutil" },
      ]),
      [
        { name: "bank", version: 4n },
        { name: "genutil", version: 0n },
        { name: "staking", version: 5n },
      ],
    );
  });

  it("ModuleVersions: all, one by module_name, and an unknown one is sdk NotFound (38)", async () => {
    const versions = moduleVersions([
      { name: "upgrade", consensusVersion: 3 },
      { name: "auth", consensusVersion: 5 },
    ]);
    const s = setup(versions);
    assert.deepEqual(await s.moduleVersionsOf(""), versions);
    assert.deepEqual(await s.moduleVersionsOf("upgrade"), [{ name: "upgrade", version: 3n }]);
    await assert.rejects(s.moduleVersionsOf("nope"), (e: unknown) => {
      assert.ok(e instanceof CodedError);
      assert.equal(`${e.codespace}:${e.code}`, "sdk:38");
      assert.equal(e.message, "x/upgrade: QueryModuleVersions module nope not found: not found");
      return true;
    });
  });

  it("UpgradedConsensusState: empty when none is stored (DGrid: never), the stored bytes otherwise", async () => {
    const s = setup([]);
    assert.deepEqual(await s.consensusStateAt(5n), { upgradedConsensusState: new Uint8Array() });
    // what IBC's client module would write at a plan's height - 1, under the SDK's key
    assert.equal(new TextDecoder().decode(upgradedConsStateKey(5n)), "upgradedIBCState/5/upgradedConsState");
    s.ctx.kvStore(StoreKey).set(upgradedConsStateKey(5n), Uint8Array.from([1, 2, 3]));
    assert.deepEqual(await s.consensusStateAt(5n), { upgradedConsensusState: Uint8Array.from([1, 2, 3]) });
    assert.deepEqual(await s.consensusStateAt(6n), { upgradedConsensusState: new Uint8Array() });
  });

  it("the app lists its modules with the SDK v0.50 consensus versions (DGrid's own at 1)", async () => {
    const app = newApp();
    await initApp(app, genesis([]));
    await block(app, 1, []);
    const r = await app.query({
      path: `${P}ModuleVersions`,
      data: QueryModuleVersionsRequest.encode({ moduleName: "" }).finish(),
      height: 0n,
      prove: false,
    });
    assert.equal(r.code, 0, r.log);
    assert.deepEqual(
      QueryModuleVersionsResponse.decode(r.value).moduleVersions.map((m) => `${m.name}=${m.version}`),
      [
        "auth=5",
        "authz=2",
        "bank=4",
        "consensus=1",
        "feegrant=2",
        "genutil=1",
        "gov=5",
        "inference=1",
        "registry=2",
        "reputation=1",
        "slashing=4",
        "staking=5",
        "upgrade=3",
      ],
    );
  });
});
