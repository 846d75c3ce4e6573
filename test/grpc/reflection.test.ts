// A client with no .proto file learns everything through server reflection (v1 and v1alpha): it lists
// the services, resolves the files declaring a service, builds the types, encodes a request, calls the
// method with raw bytes and decodes the reply. And cosmos.reflection.v1 FileDescriptors hands out the
// whole set.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DescMessage, fromJson, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import type { GrpcServer } from "../../chain/grpc/server.ts";
import { FILE_DESCRIPTORS_PATH, fileDescriptorsHandler } from "../../chain/services/reflection-file-descriptors.ts";
import { GrpcReflectionClient, ReflectionError } from "../support/grpc-reflection-client.ts";
import { FakeDispatcher, startServer, testCatalog } from "./fixture.ts";

const catalog = testCatalog();
const MODEL = "/dgrid.registry.v1.Query/Model";
const fileDescriptors = fileDescriptorsHandler(catalog.fileDescriptorSet);

/** A reply the real registry module could give: the requested model, its id echoed. */
function modelReply(request: Uint8Array): Uint8Array {
  const method = catalog.method(MODEL);
  assert.ok(method);
  const id = new TextDecoder().decode(request.subarray(2));
  const output = method.desc.output as DescMessage;
  return toBinary(
    output,
    fromJson(output, { model: { id, name: "mnist", price_per_call: { denom: "udgrid", amount: "5" } } }),
  );
}

describe("gRPC server reflection", () => {
  const dispatcher = new FakeDispatcher(async (c) => {
    if (c.path === FILE_DESCRIPTORS_PATH) return { value: await fileDescriptors(c.request, c.ctx) };
    if (c.path === MODEL) return { value: modelReply(c.request), height: 9n };
    return { value: new Uint8Array() };
  });
  let server: GrpcServer;
  before(async () => {
    server = await startServer(dispatcher, {}, catalog);
  });
  after(() => server.close(1_000));

  for (const version of ["v1", "v1alpha"] as const)
    describe(`grpc.reflection.${version}`, () => {
      let client: GrpcReflectionClient;
      before(() => {
        client = new GrpcReflectionClient({ address: server.address, version });
      });
      after(() => client.close());

      it("lists the catalog's services and no Msg service", async () => {
        const services = await client.listServices();
        const expected = [...new Set(catalog.methods.map((m) => m.service.typeName))].sort();
        assert.deepEqual([...services].sort(), expected);
        for (const s of [
          "dgrid.registry.v1.Query",
          "dgrid.inference.v1.Query",
          "cosmos.reflection.v1.ReflectionService",
        ])
          assert.ok(services.includes(s), s);
        assert.ok(!services.includes("dgrid.registry.v1.Msg"));
      });

      it("resolves a service's file under its own name, with the files it imports", async () => {
        const [file, ...deps] = await client.fileContainingSymbol("dgrid.registry.v1.Query");
        assert.equal(file.name, "dgrid/registry/v1/query.proto");
        assert.ok(file.service.some((s) => s.name === "Query"));
        assert.ok(deps.some((d) => d.name === "dgrid/registry/v1/registry.proto"));
        const byName = await client.fileByFilename("cosmos/base/query/v1beta1/pagination.proto");
        assert.equal(byName[0]?.name, "cosmos/base/query/v1beta1/pagination.proto");
      });

      it("fetches by file name the imports a file needs only for its options", async () => {
        // tx.proto imports cosmos/msg/v1/msg.proto for an option alone: the server does not send it
        // (nor descriptor.proto, which msg.proto extends) with the file; the client asks (as grpcurl)
        const registry = await client.registryFor("dgrid.registry.v1.MsgRegisterModel");
        assert.ok(registry.getMessage("dgrid.registry.v1.MsgRegisterModel"));
        assert.ok(registry.getFile("cosmos/msg/v1/msg.proto"));
        assert.ok(registry.getFile("google/protobuf/descriptor.proto"));
      });

      it("calls a method knowing only what reflection told it", async () => {
        const answer = await client.call(MODEL, { id: "m7" }, { height: 3n });
        assert.equal(answer.height, "9");
        assert.deepEqual(answer.json, {
          model: { id: "m7", name: "mnist", price_per_call: { denom: "udgrid", amount: "5" } },
        });
        assert.equal(dispatcher.calls.at(-1)?.ctx.height, 3n);
      });

      it("answers NOT_FOUND for a symbol it does not know", async () => {
        await assert.rejects(client.fileContainingSymbol("no.such.Symbol"), (e: ReflectionError) => {
          assert.ok(e instanceof ReflectionError);
          assert.equal(e.code, grpc.status.NOT_FOUND);
          return true;
        });
      });
    });

  it("cosmos.reflection.v1 FileDescriptors returns every file of the set", async () => {
    const client = new GrpcReflectionClient({ address: server.address });
    try {
      const answer = await client.call("/cosmos.reflection.v1.ReflectionService/FileDescriptors", {});
      const files = (answer.json as { files: { name: string }[] }).files.map((f) => f.name);
      assert.deepEqual(
        files,
        catalog.fileDescriptorSet.file.map((f) => f.name),
      );
      assert.ok(files.includes("google/protobuf/descriptor.proto"));
      // FileDescriptorsResponse.files and FileDescriptorSet.file are both field 1: the same bytes,
      // custom options (google.api.http, amino, cosmos.msg.v1) kept
      assert.ok(Buffer.from(answer.bytes).equals(toBinary(FileDescriptorSetSchema, catalog.fileDescriptorSet)));
    } finally {
      client.close();
    }
  });
});
