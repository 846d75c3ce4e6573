// A gRPC client that holds no .proto file: it learns the server's services and types through gRPC
// server reflection (grpc.reflection.v1 or v1alpha, the ServerReflectionInfo stream), builds them with
// @bufbuild/protobuf, and calls methods with raw bytes, the way grpcurl does. The reflection messages
// are small and encoded here by hand (their field numbers are those of grpc's reflection.proto).
import {
  create,
  createFileRegistry,
  type DescMethod,
  type FileRegistry,
  fromBinary,
  fromJson,
  type JsonValue,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";

export type ReflectionVersion = "v1" | "v1alpha";

/** A reflection error answer (ErrorResponse) or a failed call. */
export class ReflectionError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ReflectionError";
  }
}

/** The one-of of ServerReflectionRequest this client uses: field 3 file_by_filename, 4 file_containing_symbol, 7 list_services. */
type ReflectionRequest = { fileByFilename: string } | { fileContainingSymbol: string } | { listServices: string };

interface ReflectionResponse {
  files: Uint8Array[];
  services: string[];
  error?: { code: number; message: string };
}

const identity = (b: Buffer): Buffer => b;

function encodeRequest(req: ReflectionRequest): Buffer {
  const w = new BinaryWriter();
  if ("fileByFilename" in req) w.tag(3, WireType.LengthDelimited).string(req.fileByFilename);
  else if ("fileContainingSymbol" in req) w.tag(4, WireType.LengthDelimited).string(req.fileContainingSymbol);
  else w.tag(7, WireType.LengthDelimited).string(req.listServices);
  return Buffer.from(w.finish());
}

/** ServerReflectionResponse: 4 file_descriptor_response {1 repeated bytes}, 6 list_services_response {1 repeated {1 name}}, 7 error_response {1 code, 2 message}. */
function decodeResponse(bytes: Uint8Array): ReflectionResponse {
  const out: ReflectionResponse = { files: [], services: [] };
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field === 4) {
      const sub = new BinaryReader(r.bytes());
      while (sub.pos < sub.len) {
        const [f, t] = sub.tag();
        if (f === 1) out.files.push(sub.bytes());
        else sub.skip(t);
      }
    } else if (field === 6) {
      const sub = new BinaryReader(r.bytes());
      while (sub.pos < sub.len) {
        const [f, t] = sub.tag();
        if (f !== 1) {
          sub.skip(t);
          continue;
        }
        const svc = new BinaryReader(sub.bytes());
        while (svc.pos < svc.len) {
          const [sf, st] = svc.tag();
          if (sf === 1) out.services.push(svc.string());
          else svc.skip(st);
        }
      }
    } else if (field === 7) {
      const sub = new BinaryReader(r.bytes());
      const error = { code: 0, message: "" };
      while (sub.pos < sub.len) {
        const [f, t] = sub.tag();
        if (f === 1) error.code = sub.int32();
        else if (f === 2) error.message = sub.string();
        else sub.skip(t);
      }
      out.error = error;
    } else r.skip(wt);
  }
  return out;
}

export interface CallAnswer {
  /** the response as proto3 JSON (the proto's field names) */
  json: JsonValue;
  bytes: Uint8Array;
  /** the x-cosmos-block-height response metadata, when sent */
  height?: string;
}

export class GrpcReflectionClient {
  private readonly client: grpc.Client;
  private readonly version: ReflectionVersion;
  private readonly files = new Map<string, FileDescriptorProto>();

  constructor(options: { address: string; version?: ReflectionVersion }) {
    this.client = new grpc.Client(options.address, grpc.credentials.createInsecure());
    this.version = options.version ?? "v1";
  }

  close(): void {
    this.client.close();
  }

  /** The full names of the services the server lists. */
  async listServices(): Promise<string[]> {
    return (await this.reflect({ listServices: "*" })).services;
  }

  /** The file declaring `symbol` and the files the server sent with it. */
  async fileContainingSymbol(symbol: string): Promise<FileDescriptorProto[]> {
    return this.keep((await this.reflect({ fileContainingSymbol: symbol })).files);
  }

  async fileByFilename(name: string): Promise<FileDescriptorProto[]> {
    return this.keep((await this.reflect({ fileByFilename: name })).files);
  }

  /**
   * The types reachable from `symbol` (a service, method or message full name): the file declaring it
   * and every import, the imports the server did not send asked for by file name.
   */
  async registryFor(symbol: string): Promise<FileRegistry> {
    const [root] = await this.fileContainingSymbol(symbol);
    if (!root) throw new ReflectionError(grpc.status.NOT_FOUND, `no file for ${symbol}`);
    // every file once, imports before the files importing them (what createFileRegistry needs)
    const ordered: FileDescriptorProto[] = [];
    const visited = new Set<string>();
    const visit = async (name: string): Promise<void> => {
      if (visited.has(name)) return;
      visited.add(name);
      if (!this.files.has(name)) await this.fileByFilename(name);
      const file = this.files.get(name);
      if (!file) throw new ReflectionError(grpc.status.NOT_FOUND, `the server did not send ${name}`);
      for (const dep of file.dependency) await visit(dep);
      ordered.push(file);
    };
    await visit(root.name);
    return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
  }

  /** The method `/pkg.Service/Method` described through reflection, with the registry of its types. */
  async method(path: string): Promise<{ method: DescMethod; registry: FileRegistry }> {
    const m = /^\/?([^/]+)\/([^/]+)$/.exec(path);
    if (!m) throw new Error(`expected /package.Service/Method, got ${path}`);
    const registry = await this.registryFor(m[1]);
    const method = registry.getService(m[1])?.methods.find((x) => x.name === m[2]);
    if (!method) throw new ReflectionError(grpc.status.NOT_FOUND, `no method ${path}`);
    return { method, registry };
  }

  /** Calls `/pkg.Service/Method` with a request given as proto3 JSON; answers the response as JSON. */
  async call(path: string, request: JsonValue, options: { height?: bigint } = {}): Promise<CallAnswer> {
    const { method, registry } = await this.method(path);
    const bytes = toBinary(method.input, fromJson(method.input, request, { registry }));
    const answer = await this.callRaw(`/${method.parent.typeName}/${method.name}`, bytes, options);
    const reply = fromBinary(method.output, answer.bytes);
    return { ...answer, json: toJson(method.output, reply, { registry, useProtoFieldName: true }) };
  }

  /** A unary call with the request's bytes as they are; the reply's bytes as they came. */
  callRaw(
    path: string,
    request: Uint8Array,
    options: { height?: bigint; metadata?: grpc.Metadata } = {},
  ): Promise<{ bytes: Uint8Array; height?: string }> {
    const md = options.metadata ?? new grpc.Metadata();
    if (options.height !== undefined) md.set("x-cosmos-block-height", options.height.toString());
    let height: string | undefined;
    return new Promise((resolve, reject) => {
      const call = this.client.makeUnaryRequest<Buffer, Buffer>(
        path,
        identity,
        identity,
        Buffer.from(request),
        md,
        (err, value) => (err ? reject(err) : resolve({ bytes: value ?? new Uint8Array(), height })),
      );
      call.on("metadata", (m: grpc.Metadata) => {
        const v = m.get("x-cosmos-block-height")[0];
        if (v !== undefined) height = String(v);
      });
    });
  }

  private keep(encoded: Uint8Array[]): FileDescriptorProto[] {
    const files = encoded.map((b) => fromBinary(FileDescriptorProtoSchema, b));
    for (const f of files) if (!this.files.has(f.name)) this.files.set(f.name, f);
    return files;
  }

  /** One request on its own ServerReflectionInfo stream. */
  private reflect(req: ReflectionRequest): Promise<ReflectionResponse> {
    const path = `/grpc.reflection.${this.version}.ServerReflection/ServerReflectionInfo`;
    return new Promise((resolve, reject) => {
      const stream = this.client.makeBidiStreamRequest<Buffer, Buffer>(path, identity, identity);
      let answered = false;
      stream.on("data", (bytes: Buffer) => {
        answered = true;
        const res = decodeResponse(bytes);
        stream.end();
        if (res.error) reject(new ReflectionError(res.error.code, res.error.message));
        else resolve(res);
      });
      stream.on("error", (err) => reject(err));
      stream.on("end", () => {
        if (!answered) reject(new ReflectionError(grpc.status.UNKNOWN, "reflection stream ended without an answer"));
      });
      stream.write(encodeRequest(req));
    });
  }
}
