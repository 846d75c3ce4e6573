// cosmos.reflection.v1.ReflectionService/FileDescriptors (SDK v0.50): every FileDescriptorProto the
// node knows, so a client can build all its types from one call. Served by the node (a MethodHandler
// for the dispatcher, hence on gRPC and at GET /cosmos/reflection/v1/descriptors alike). The response
// is encoded here by hand (FileDescriptorsResponse { repeated FileDescriptorProto files = 1; }) so it
// needs no generated type for the reflection proto.
import { toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { FileDescriptorProtoSchema, type FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import type { MethodHandler } from "./dispatcher.ts";

export const FILE_DESCRIPTORS_PATH = "/cosmos.reflection.v1.ReflectionService/FileDescriptors";

/** The handler; the answer is encoded once, on the first call, and the same bytes served after. */
export function fileDescriptorsHandler(set: FileDescriptorSet): MethodHandler {
  let encoded: Uint8Array | undefined;
  return async () => {
    if (!encoded) {
      const w = new BinaryWriter();
      // field 1, length-delimited, once per file (unknown fields such as custom options kept)
      for (const file of set.file) w.tag(1, WireType.LengthDelimited).bytes(toBinary(FileDescriptorProtoSchema, file));
      encoded = w.finish();
    }
    return encoded;
  };
}
