// `npm run devnet:genesis`: regenerates the committed genesis.json from chain/node/devnet.ts.
import { repoGenesisPath, writeRepoGenesis } from "./devnet.ts";

await writeRepoGenesis();
process.stdout.write(`wrote ${repoGenesisPath}\n`);
