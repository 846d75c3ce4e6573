// What the gRPC tests share: the real catalog (proto/gen/descriptors.binpb, plus the
// cosmos.reflection.v1 declaration when the set does not hold it yet), a fake dispatcher that records
// its calls, and a GrpcServer on a free port.
import { readFileSync } from "node:fs";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { pino } from "pino";
import { GrpcServer, type GrpcServerOptions } from "../../chain/grpc/server.ts";
import { loadServiceCatalog, type ServiceCatalog } from "../../chain/services/catalog.ts";
import type { CallContext, CallResult } from "../../chain/services/dispatcher.ts";

const DESCRIPTORS = new URL("../../proto/gen/descriptors.binpb", import.meta.url);
const REFLECTION_FILE = "cosmos/reflection/v1/reflection.proto";

/** cosmos.reflection.v1 as SDK v0.50 declares it (without its http option), for sets built before it landed. */
function reflectionFile() {
  return create(FileDescriptorProtoSchema, {
    name: REFLECTION_FILE,
    package: "cosmos.reflection.v1",
    dependency: ["google/protobuf/descriptor.proto"],
    syntax: "proto3",
    messageType: [
      { name: "FileDescriptorsRequest" },
      {
        name: "FileDescriptorsResponse",
        field: [
          {
            name: "files",
            jsonName: "files",
            number: 1,
            label: FieldDescriptorProto_Label.REPEATED,
            type: FieldDescriptorProto_Type.MESSAGE,
            typeName: ".google.protobuf.FileDescriptorProto",
          },
        ],
      },
    ],
    service: [
      {
        name: "ReflectionService",
        method: [
          {
            name: "FileDescriptors",
            inputType: ".cosmos.reflection.v1.FileDescriptorsRequest",
            outputType: ".cosmos.reflection.v1.FileDescriptorsResponse",
          },
        ],
      },
    ],
  });
}

export function testCatalog(): ServiceCatalog {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTORS));
  if (!set.file.some((f) => f.name === REFLECTION_FILE)) set.file.push(reflectionFile());
  return loadServiceCatalog(toBinary(FileDescriptorSetSchema, set));
}

export interface RecordedCall {
  path: string;
  request: Uint8Array;
  ctx: CallContext;
}

/** A dispatcher answering `answer(call)` and recording every call it gets. */
export class FakeDispatcher {
  readonly calls: RecordedCall[] = [];
  constructor(private readonly answer: (call: RecordedCall) => Promise<CallResult> | CallResult) {}

  async callWithHeight(path: string, request: Uint8Array, ctx: CallContext = {}): Promise<CallResult> {
    const call = { path, request: Uint8Array.from(request), ctx };
    this.calls.push(call);
    return this.answer(call);
  }
}

export async function startServer(
  dispatcher: FakeDispatcher,
  options: Partial<GrpcServerOptions> = {},
  catalog: ServiceCatalog = testCatalog(),
): Promise<GrpcServer> {
  const server = new GrpcServer(
    { laddr: "tcp://127.0.0.1:0", ...options },
    { catalog, dispatcher, logger: pino({ level: "silent" }) },
  );
  await server.start();
  return server;
}
