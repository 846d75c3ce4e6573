// What a DGrid node adds to the RPC `status` result's `node_info.other` (chain/node NodeService
// `statusInfo`), so a client finds the node's own endpoints instead of guessing their ports.

/** base URL of the node's model endpoint (PUT /models from loopback; GET/HEAD /models/:id) */
export const MODELS_URL_KEY = "models_url";
