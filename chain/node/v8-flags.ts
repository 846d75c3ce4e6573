// V8 flags a node process runs with. A validator allocates a lot of short-lived objects per tx (decoded
// txs, store entries, events) while its mempool and caches keep thousands alive across scavenges; a
// 128 MB semi-space (default 16) scavenged less often took the node's GC time from ~2.0 s to ~1.65 s
// per 15,000 MsgSends in bench:tx (--trace-gc; 256 MB was no better). The localnet launcher starts its
// nodes with these; a node started by hand gets them through NODE_OPTIONS (V8 accepts this one there).
export const NODE_V8_FLAGS: readonly string[] = ["--max-semi-space-size=128"];
