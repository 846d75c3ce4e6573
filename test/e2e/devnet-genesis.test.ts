// The committed genesis.json is exactly what chain/node/devnet.ts builds (so `npm start` and the
// documented development keys agree), and it passes genesis validation.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { buildDevnetGenesis, devnetValidatorKey, repoGenesisPath } from "../../chain/node/devnet.ts";
import { genesisToJson, parseGenesis } from "../../chain/types/genesis.ts";

describe("devnet genesis", () => {
  it("committed genesis.json equals the generated one (run `npm run devnet:genesis` after changing it)", async () => {
    assert.equal(readFileSync(repoGenesisPath, "utf8"), genesisToJson(await buildDevnetGenesis()));
  });
  it("names the devnet validator key as its only validator", () => {
    const doc = parseGenesis(JSON.parse(readFileSync(repoGenesisPath, "utf8")));
    assert.equal(doc.validators.length, 1);
    assert.equal(doc.validators[0].address, Buffer.from(devnetValidatorKey().address).toString("hex").toUpperCase());
  });
});
