// Where the FileDescriptorSet of every DGrid and SDK proto lives (built by `npm run proto`): the node's
// REST/gRPC doors and the CLI's any-type proto JSON both read it from here.
import { resolve } from "node:path";

export const DESCRIPTORS_PATH = resolve(import.meta.dirname, "..", "proto", "gen", "descriptors.binpb");
