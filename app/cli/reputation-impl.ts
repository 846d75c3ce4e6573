// The reputation queries of the CLI (ABCI queries to /dgrid.reputation.v1.Query/...).
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { snakeKeys } from "../../chain/types/proto-json.ts";
import { samplesInOrder } from "../../modules/reputation/validator-stats.ts";
import {
  QueryAllValidatorStatsRequest,
  QueryAllValidatorStatsResponse,
  QueryValidatorStatsRequest,
  QueryValidatorStatsResponse,
} from "../../proto/gen/dgrid/reputation/v1/query.ts";
import { Reputation, ScoreSample, type ValidatorStats } from "../../proto/gen/dgrid/reputation/v1/reputation.ts";
import { type PageFlags, pageRequest } from "./authz-impl.ts";
import { withNode } from "./node-client.ts";

async function abci(url: string, path: string, data: Uint8Array): Promise<Uint8Array> {
  return withNode(url, async () => {
    const comet = await Comet38Client.connect(url);
    try {
      return (await new QueryClient(comet).queryAbci(`/dgrid.reputation.v1.Query/${path}`, data)).value;
    } finally {
      comet.disconnect();
    }
  });
}

/** The proto JSON of the stats, with score_history unrolled oldest first (the ring's order is storage). */
function statsJson(s: ValidatorStats): Record<string, unknown> {
  return {
    validator: s.validator,
    jobs_done: s.jobsDone.toString(),
    jobs_missed: s.jobsMissed.toString(),
    jobs_dissented: s.jobsDissented.toString(),
    jobs_unresolved: s.jobsUnresolved.toString(),
    last_job_height: s.lastJobHeight.toString(),
    score_history: samplesInOrder(s).map((x) => snakeKeys(ScoreSample.toJSON(x))),
  };
}

export async function validatorStats(url: string, validator: string) {
  const res = QueryValidatorStatsResponse.decode(
    await abci(url, "ValidatorStats", QueryValidatorStatsRequest.encode({ validator }).finish()),
  );
  return {
    stats: res.stats ? statsJson(res.stats) : null,
    reputation: res.reputation ? snakeKeys(Reputation.toJSON(res.reputation)) : null,
  };
}

export async function allValidatorStats(url: string, f: PageFlags) {
  const res = QueryAllValidatorStatsResponse.decode(
    await abci(url, "AllValidatorStats", QueryAllValidatorStatsRequest.encode({ pagination: pageRequest(f) }).finish()),
  );
  const key = res.pagination?.nextKey;
  return {
    stats: res.stats.map(statsJson),
    pagination: {
      next_key: key && key.length > 0 ? Buffer.from(key).toString("base64") : null,
      total: String(res.pagination?.total ?? 0n),
    },
  };
}
