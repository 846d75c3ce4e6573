// The committed genesis.json is exactly what app/devnet.ts builds (so `npm start` and the
// documented development keys agree), and it passes genesis validation.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { buildDevnetGenesis, devnetValidatorKey, repoGenesisPath } from "../../app/devnet.ts";
import { genesisToJson, parseGenesis } from "../../chain/types/genesis.ts";
import { DEMO_MODEL_PATH } from "../../models/demo.ts";

describe("devnet genesis", () => {
  it("committed genesis.json equals the generated one (run `npm run devnet:genesis` after changing it)", async () => {
    assert.equal(readFileSync(repoGenesisPath, "utf8"), genesisToJson(await buildDevnetGenesis()));
  });
  it("bonds the devnet validator key through one gentx; vote extensions on; demo model registered and served", () => {
    const doc = parseGenesis(JSON.parse(readFileSync(repoGenesisPath, "utf8")));
    const app = doc.app_state as any;
    assert.equal(doc.validators.length, 0); // the set comes from the gentx at InitChain
    assert.equal(app.genutil.gen_txs.length, 1);
    const pub = Buffer.from(devnetValidatorKey().pubKey).toString("base64");
    assert.ok(JSON.stringify(app.genutil.gen_txs[0]).includes(pub));
    assert.equal(doc.consensus_params.abci.vote_extensions_enable_height, "2");
    assert.equal(app.inference.params.default_redundancy, 1);
    const id = createHash("sha256").update(readFileSync(DEMO_MODEL_PATH)).digest("hex");
    assert.deepEqual(
      app.registry.models.map((m: any) => m.id),
      [id],
    );
    assert.equal(app.registry.servers[0].model_id, id);
  });
});
