// gRPC server reflection (grpc.reflection.v1 and v1alpha) over the catalog's FileDescriptorSet, through
// @grpc/reflection. That library takes a @grpc/proto-loader PackageDefinition, but proto-loader's own
// loader (loadFileDescriptorSetFromBuffer) merges every file of a package into one renamed file and
// drops the import lists, so a client could not ask for "dgrid/registry/v1/query.proto" by name. The
// definition given here carries the set's files as they are; the library reads nothing else from it.

import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type * as grpc from "@grpc/grpc-js";
import type { PackageDefinition } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import type { ServiceCatalog } from "../services/catalog.ts";

/** Adds both reflection services to `server`, listing the catalog's services. */
export function addReflection(server: Pick<grpc.Server, "addService">, catalog: ServiceCatalog): void {
  const fileDescriptorProtos = catalog.fileDescriptorSet.file.map((f) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, f)),
  );
  // @grpc/reflection indexes the `fileDescriptorProtos` of every entry (by file name) and ignores the rest
  const definition = {
    "dgrid.descriptors": { format: "FileDescriptorSet", type: {}, fileDescriptorProtos },
  } as unknown as PackageDefinition;
  const services = [...new Set(catalog.methods.map((m) => m.service.typeName))];
  new ReflectionService(definition, { services }).addToServer(server);
}
