// TEST SEAM: which peers a node may exchange traffic with. Production never sets one (`dgrid start`
// passes no decorators); the chaos suite (bench/chaos) gives nodes a gate read from a file it rewrites,
// to partition the network. With a gate the switch neither dials nor keeps a connection to a peer the
// gate refuses, and drops what such a peer sends: a partition as TCP sees one (connections reset,
// dials fail), healed by the switch's ordinary redial of persistent peers.
export interface PeerGate {
  /** whether the node may talk to the peer of this CometBFT node id now */
  allows(nodeId: string): boolean;
  /** `onChange` is called whenever `allows` may answer differently (the switch then drops refused peers) */
  subscribe(onChange: () => void): void;
}
