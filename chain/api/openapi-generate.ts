// `npm run proto` runs this after `buf build`: writes the REST gateway's OpenAPI document for the
// descriptor set (node --import tsx chain/api/openapi-generate.ts <descriptors.binpb> <openapi.json>).
// The node serves the same document, built from the same catalog, at /swagger/openapi.json.
import { readFileSync, writeFileSync } from "node:fs";
import { loadServiceCatalog } from "../services/catalog.ts";
import { buildOpenApi, OPENAPI_INFO } from "./openapi.ts";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write("usage: openapi-generate.ts <descriptors.binpb> <openapi.json>\n");
  process.exit(2);
}
const doc = buildOpenApi(loadServiceCatalog(readFileSync(input)), OPENAPI_INFO);
writeFileSync(output, `${JSON.stringify(doc, null, 2)}\n`);
