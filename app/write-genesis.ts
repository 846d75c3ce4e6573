// `npm run devnet:genesis`: regenerates the committed genesis.json from app/devnet.ts.
import { repoGenesisPath, writeRepoGenesis } from "./devnet.ts";

await writeRepoGenesis();
process.stdout.write(`wrote ${repoGenesisPath}\n`);
