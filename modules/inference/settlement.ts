// Fee split of a finalized request (pure, bigint): nothing created, nothing lost.
//
//   creator    = floor(fee x creatorSharePpm / 10^6)
//   pool       = floor((fee - creator) x executorSharePpm / 10^6)
//   perExec    = floor(pool / agreeing)            (0 when nobody agreed)
//   executors  = perExec x agreeing
//   community  = fee - creator - executors         (includes the rounding dust)
export const PPM = 1_000_000n;

export interface FeeSplit {
  creator: bigint;
  perExecutor: bigint;
  executors: bigint;
  community: bigint;
}

export function splitFee(fee: bigint, creatorSharePpm: bigint, executorSharePpm: bigint, agreeing: number): FeeSplit {
  if (fee < 0n) throw new Error("negative fee");
  if (creatorSharePpm < 0n || creatorSharePpm > PPM) throw new Error("creator share out of range");
  if (executorSharePpm < 0n || executorSharePpm > PPM) throw new Error("executor share out of range");
  const creator = (fee * creatorSharePpm) / PPM;
  const pool = ((fee - creator) * executorSharePpm) / PPM;
  const perExecutor = agreeing > 0 ? pool / BigInt(agreeing) : 0n;
  const executors = perExecutor * BigInt(agreeing);
  return { creator, perExecutor, executors, community: fee - creator - executors };
}
