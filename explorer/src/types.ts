// The REST answers the pages read (gateway JSON: snake_case, 64-bit integers as strings).
export interface Coin {
  denom: string;
  amount: string;
}
export interface TensorSpec {
  name: string;
  dtype: string;
  shape: { size: number; symbol: string }[];
}
export interface ModelCard {
  task: string;
  description: string;
  license: string;
  tags: string[];
  source_uri: string;
  input_doc: string;
  output_doc: string;
  supersedes: string;
}
export interface Model {
  id: string;
  name: string;
  version: string;
  creator: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  price_per_call: Coin | null;
  creator_share_ppm: string;
  size_bytes: string;
  registered_height: string;
  delisted: boolean;
  card: ModelCard | null;
  superseded_by: string;
}
export interface ModelStats {
  model_id: string;
  requests_finalized: string;
  requests_refunded: string;
  items: string;
  unanimous: string;
  majority: string;
  no_quorum: string;
  creator_fees: Coin[];
  latency_p50: number;
  latency_p99: number;
  agreement_ppm: string;
  last_height: string;
}
export interface DiscoveredModel {
  model: Model;
  stats: ModelStats | null;
}
export interface ModelServer {
  model_id: string;
  validator: string;
  provider: string;
}
export interface ModelDetail {
  model: Model;
  servers: ModelServer[];
  stats: ModelStats | null;
  latest: string;
}
export interface StakingValidator {
  operator_address: string;
  consensus_pubkey: { "@type": string; key: string };
  jailed: boolean;
  status: string;
  tokens: string;
  description: { moniker: string };
  commission: { commission_rates: { rate: string } };
}
export interface SigningInfo {
  address: string;
  missed_blocks_counter: string;
  jailed_until: string;
  tombstoned: boolean;
}
export interface Reputation {
  validator: string;
  score_ppm: string;
  agreed: string;
  dissented: string;
  missed: string;
  updated_height: string;
}
export interface ScoreSample {
  height: string;
  score_ppm: string;
}
/** dgrid.reputation.v1.ValidatorStats: every assignment a validator's settled requests gave it */
export interface ValidatorStats {
  validator: string;
  jobs_done?: string;
  jobs_missed?: string;
  jobs_dissented?: string;
  jobs_unresolved?: string;
  last_job_height?: string;
  score_history?: ScoreSample[];
  history_next?: number;
}
export interface InferenceRequest {
  id: string;
  requester: string;
  model_id: string;
  fee: Coin | null;
  redundancy: number;
  status: string;
  created_height: string;
  commit_deadline: string;
  reveal_deadline: string;
  executors: { validator: string; revealed: boolean; outcome: string }[];
  quorum: number;
}
export interface TallyResult {
  yes_count: string;
  abstain_count: string;
  no_count: string;
  no_with_veto_count: string;
}
export interface Proposal {
  id: string;
  title: string;
  summary: string;
  status: string;
  final_tally_result: TallyResult;
  submit_time: string;
  voting_end_time: string | null;
  messages: { "@type": string }[];
}
