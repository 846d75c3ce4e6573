// Wallet and registry files (app/registry-files.ts, `dgrid chain-registry`): chain.json and
// assetlist.json validate against cosmos/chain-registry's JSON schemas (test/fixtures/chain-registry),
// and Keplr's ChainInfo (client/keplr.ts) says the same as they do.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { run } from "../../app/cli/program.ts";
import { chainRegistryFiles, NETWORKS } from "../../app/registry-files.ts";
import { keplrChainInfo } from "../../client/keplr.ts";

const fixtures = resolve(import.meta.dirname, "..", "fixtures", "chain-registry");

function validator(file: string) {
  const schema = JSON.parse(readFileSync(join(fixtures, file), "utf8"));
  // the registry's schemas name draft-07 by an id Ajv does not hold and use a few later keywords
  // (maxContains): not strict about those, strict about the data
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(schema);
  return (data: unknown) => {
    const ok = validate(data);
    return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

const validChain = validator("chain.schema.json");
const validAssetList = validator("assetlist.schema.json");

describe("wallet and registry files", () => {
  it("the schemas reject what the registry rejects (so a pass below means something)", () => {
    const files = chainRegistryFiles({ network: "localnet" });
    assert.deepEqual(validChain(files["chain.json"]), []);
    assert.notDeepEqual(validChain({ ...files["chain.json"], slip44: "118" }), []);
    assert.notDeepEqual(validChain({ ...files["chain.json"], extra: 1 }), []);
    assert.notDeepEqual(validChain({ ...files["chain.json"], website: "not a uri" }), [], "formats are checked");
    const { status: _, ...noStatus } = files["chain.json"];
    assert.notDeepEqual(validChain(noStatus), []);
    assert.notDeepEqual(validAssetList({ ...files["assetlist.json"], assets: [{ base: "udgrid" }] }), []);
  });

  for (const network of ["localnet", "devnet"] as const) {
    it(`${network}: chain.json and assetlist.json validate against the chain-registry schemas`, () => {
      const files = chainRegistryFiles({
        network,
        endpoints: { rpc: "http://127.0.0.1:36657", rest: "http://127.0.0.1:2317", grpc: "127.0.0.1:19090" },
      });
      const chain = files["chain.json"] as any;
      assert.deepEqual(validChain(chain), []);
      assert.deepEqual(validAssetList(files["assetlist.json"]), []);
      assert.equal(chain.chain_id, NETWORKS[network].chainId);
      assert.equal(chain.bech32_prefix, "dgrid");
      assert.equal(chain.slip44, 118);
      assert.deepEqual(chain.key_algos, ["secp256k1"]);
      assert.equal(chain.fees.fee_tokens[0].denom, "udgrid");
      assert.deepEqual(chain.staking.staking_tokens, [{ denom: "udgrid" }]);
      assert.deepEqual(chain.apis.rest, [{ address: "http://127.0.0.1:2317", provider: NETWORKS[network].prettyName }]);
      assert.equal(chain.apis.grpc[0].address, "127.0.0.1:19090");
      const asset = (files["assetlist.json"] as any).assets[0];
      assert.equal(asset.base, "udgrid");
      assert.deepEqual(asset.denom_units, [
        { denom: "udgrid", exponent: 0 },
        { denom: "dgrid", exponent: 6 },
      ]);
      assert.equal(files["assetlist.json"].chain_name, chain.chain_name);

      // Keplr's ChainInfo agrees with chain.json
      const keplr = files["keplr.json"];
      assert.equal(keplr.chainId, chain.chain_id);
      assert.equal(keplr.rpc, chain.apis.rpc[0].address);
      assert.equal(keplr.rest, chain.apis.rest[0].address);
      assert.equal(keplr.bip44.coinType, chain.slip44);
      assert.deepEqual(keplr.bech32Config, chain.bech32_config);
      const fee = chain.fees.fee_tokens[0];
      assert.deepEqual(keplr.feeCurrencies[0].gasPriceStep, {
        low: fee.low_gas_price,
        average: fee.average_gas_price,
        high: fee.high_gas_price,
      });
      assert.equal(keplr.stakeCurrency.coinMinimalDenom, asset.base);
      assert.equal(keplr.stakeCurrency.coinDecimals, 6);
      assert.equal(keplr.stakeCurrency.coinDenom, asset.symbol);
    });
  }

  it("keplrChainInfo: Keplr's ChainInfo with the dgrid prefixes; bad URLs refused", () => {
    const info = keplrChainInfo({ chainId: "dgrid-x-1", rpc: "http://localhost:26657", rest: "https://lcd.example" });
    assert.deepEqual(info.bech32Config, {
      bech32PrefixAccAddr: "dgrid",
      bech32PrefixAccPub: "dgridpub",
      bech32PrefixValAddr: "dgridvaloper",
      bech32PrefixValPub: "dgridvaloperpub",
      bech32PrefixConsAddr: "dgridvalcons",
      bech32PrefixConsPub: "dgridvalconspub",
    });
    assert.equal(info.chainName, "DGrid dgrid-x-1");
    assert.deepEqual(info.currencies, [{ coinDenom: "DGRID", coinMinimalDenom: "udgrid", coinDecimals: 6 }]);
    assert.deepEqual(info.feeCurrencies[0].gasPriceStep, { low: 0.0025, average: 0.025, high: 0.04 });
    assert.ok(info.feeCurrencies[0].gasPriceStep!.low <= info.feeCurrencies[0].gasPriceStep!.average);
    assert.throws(() => keplrChainInfo({ chainId: "c", rpc: "localhost:26657", rest: "http://x" }), /rpc must be/);
    assert.throws(() => keplrChainInfo({ chainId: "", rpc: "http://x", rest: "http://x" }), /chainId/);
  });

  it("`dgrid chain-registry --out DIR` writes the three files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dgrid-registry-"));
    try {
      const out: string[] = [];
      const io = {
        out: (s: string) => out.push(s),
        err: () => {},
        readStdin: async () => "",
        readLine: async () => "",
        env: {},
      };
      const code = await run(
        ["chain-registry", "--out", dir, "--network", "devnet", "--rest", "http://10.0.0.1:1317"],
        io as any,
      );
      assert.equal(code, 0, out.join(""));
      const chain = JSON.parse(readFileSync(join(dir, "chain.json"), "utf8"));
      assert.equal(chain.chain_id, "dgrid-devnet-1");
      assert.equal(chain.apis.rest[0].address, "http://10.0.0.1:1317");
      assert.deepEqual(validChain(chain), []);
      assert.deepEqual(validAssetList(JSON.parse(readFileSync(join(dir, "assetlist.json"), "utf8"))), []);
      assert.equal(JSON.parse(readFileSync(join(dir, "keplr.json"), "utf8")).rest, "http://10.0.0.1:1317");
      assert.match(out.join(""), /chain\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
