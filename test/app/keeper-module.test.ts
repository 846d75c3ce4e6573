// KeeperModule (chain/baseapp/keeper-module.ts): the module plumbing calls the definition with the
// module's keeper, under the module's name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Context } from "../../chain/baseapp/context.ts";
import { type KeeperGenesis, KeeperModule } from "../../chain/baseapp/keeper-module.ts";
import { type Invariant, Router } from "../../chain/baseapp/module.ts";

interface FakeKeeper {
  calls: string[];
}

const ctx = {} as Context;

const genesis: KeeperGenesis<FakeKeeper> = {
  defaultGenesis: () => ({ n: 0 }),
  validateGenesis: (json) => {
    if ((json as { n?: unknown }).n === undefined) throw new Error("n is required");
  },
  initGenesis: async (_ctx, k, json) => {
    k.calls.push(`init ${JSON.stringify(json)}`);
  },
  exportGenesis: async (_ctx, k) => ({ n: k.calls.length }),
};

function fakeModule(withGenesis: boolean) {
  const keeper: FakeKeeper = { calls: [] };
  const m = new KeeperModule<FakeKeeper>(
    {
      name: "fake",
      storeKey: "fakestore",
      services: (cfg, k) => cfg.registerQuery("/fake.Query/Calls", async () => Uint8Array.of(k.calls.length)),
      genesis: withGenesis ? genesis : undefined,
      invariants: { "no-calls": async (_ctx, k) => ({ broken: k.calls.length > 0, message: "calls" }) },
    },
    keeper,
  );
  return { m, keeper };
}

describe("KeeperModule", () => {
  it("registers services, runs genesis and invariants with its keeper, under its name", async () => {
    const { m, keeper } = fakeModule(true);
    assert.deepEqual([m.name, m.storeKey], ["fake", "fakestore"]);
    const router = new Router();
    m.registerServices(router);
    assert.deepEqual(router.queryPaths(), ["/fake.Query/Calls"]);
    assert.deepEqual(m.defaultGenesis(), { n: 0 });
    assert.throws(() => m.validateGenesis({}), /n is required/);
    await m.initGenesis(ctx, { n: 1 });
    assert.deepEqual(keeper.calls, ['init {"n":1}']);
    assert.deepEqual(await m.exportGenesis(ctx), { n: 1 });
    const registered: [string, string, Invariant][] = [];
    m.registerInvariants({ register: (module, route, check) => registered.push([module, route, check]) });
    assert.deepEqual(
      registered.map(([module, route]) => [module, route]),
      [["fake", "no-calls"]],
    );
    assert.deepEqual(await registered[0][2](ctx), { broken: true, message: "calls" });
  });

  it("without a genesis definition keeps no state: undefined out, anything in", async () => {
    const { m, keeper } = fakeModule(false);
    assert.equal(m.defaultGenesis(), undefined);
    m.validateGenesis({});
    assert.equal(await m.initGenesis(ctx, { n: 1 }), undefined);
    assert.equal(await m.exportGenesis(ctx), undefined);
    assert.deepEqual(keeper.calls, []);
  });
});
