// The subset of the ONNX protobuf schema (onnx/onnx.proto, IR version 8) that DGrid needs: enough to
// write small models in code (test fixtures, the provider probe) and to walk a model's tensors to
// refuse external data (a content-addressed model must be self-contained). Field numbers are those of
// onnx.proto; fields we never read or write are left out (protobufjs skips unknown fields).
import protobuf from "protobufjs";

const SCHEMA = `
syntax = "proto2";
package onnx;
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  optional int32 type = 20;
  optional SparseTensorProto sparse_tensor = 22;
  repeated SparseTensorProto sparse_tensors = 23;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
  repeated FunctionProto functions = 25;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
  repeated SparseTensorProto sparse_initializer = 15;
}
message TensorProto {
  repeated int64 dims = 1 [packed = true];
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
}
message SparseTensorProto {
  optional TensorProto values = 1;
  optional TensorProto indices = 2;
  repeated int64 dims = 3 [packed = true];
}
message TensorShapeProto {
  message Dimension { optional int64 dim_value = 1; optional string dim_param = 2; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  optional Tensor tensor_type = 1;
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message FunctionProto {
  optional string name = 1;
  repeated NodeProto node = 7;
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const ModelProtoType = root.lookupType("onnx.ModelProto");

/** onnx.TensorProto.DataType values used here. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  DOUBLE: 11,
} as const;

/** onnx.AttributeProto.AttributeType values. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

// Plain-object shapes of the messages (keepCase field names), as protobufjs `fromObject` accepts them.
export interface TensorProtoObj {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int64_data?: (number | bigint | string)[];
  data_location?: number;
  external_data?: { key: string; value: string }[];
}
export interface AttributeProtoObj {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProtoObj;
  g?: GraphProtoObj;
  ints?: number[];
  floats?: number[];
}
export interface NodeProtoObj {
  op_type: string;
  input: string[];
  output: string[];
  name?: string;
  attribute?: AttributeProtoObj[];
  domain?: string;
}
export interface ValueInfoProtoObj {
  name: string;
  type?: { tensor_type: { elem_type: number; shape?: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}
export interface GraphProtoObj {
  name?: string;
  node: NodeProtoObj[];
  initializer?: TensorProtoObj[];
  input: ValueInfoProtoObj[];
  output: ValueInfoProtoObj[];
}
export interface ModelProtoObj {
  ir_version: number;
  producer_name?: string;
  opset_import: { domain?: string; version: number }[];
  graph: GraphProtoObj;
}

export function encodeModel(model: ModelProtoObj): Uint8Array {
  const msg = ModelProtoType.fromObject(model);
  const err = ModelProtoType.verify(msg);
  if (err) throw new Error(`invalid ModelProto: ${err}`);
  const b = ModelProtoType.encode(msg).finish(); // a Buffer under Node: hand out a plain Uint8Array
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Decodes a ModelProto; throws on malformed protobuf. Returned objects are protobufjs messages. */
export function decodeModel(bytes: Uint8Array): any {
  return ModelProtoType.decode(bytes);
}

/** A value-info entry for a tensor of the given element type and shape (numbers fixed, strings symbolic). */
export function tensorValueInfo(name: string, elemType: number, shape: (number | string)[]): ValueInfoProtoObj {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** A float32 initializer stored as little-endian raw_data. */
export function floatInitializer(name: string, dims: number[], values: Float32Array | number[]): TensorProtoObj {
  const f = values instanceof Float32Array ? values : Float32Array.from(values);
  return { name, dims, data_type: OnnxDataType.FLOAT, raw_data: littleEndianBytes(f) };
}

export function int64Initializer(name: string, dims: number[], values: bigint[]): TensorProtoObj {
  return { name, dims, data_type: OnnxDataType.INT64, raw_data: littleEndianBytes(BigInt64Array.from(values)) };
}

export function boolInitializer(name: string, dims: number[], values: boolean[]): TensorProtoObj {
  return { name, dims, data_type: OnnxDataType.BOOL, raw_data: Uint8Array.from(values.map((v) => (v ? 1 : 0))) };
}

function littleEndianBytes(view: Float32Array | BigInt64Array): Uint8Array {
  // Every platform onnxruntime-node ships for (x64, arm64) is little-endian; the executor asserts it.
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/**
 * Names of the tensors (initializers, attribute tensors, sparse tensors, in the main graph, every
 * subgraph and every local function) whose data lives outside the file. A content-addressed model
 * must have none: its sha256 would not cover that data, and onnxruntime would read paths of the
 * uploader's choosing from the node's disk.
 */
export function externalDataTensors(model: any): string[] {
  const found: string[] = [];
  const tensor = (t: any) => {
    if (!t) return;
    if (t.data_location === 1 || (t.external_data && t.external_data.length > 0)) found.push(t.name || "(unnamed)");
  };
  const sparse = (s: any) => {
    if (!s) return;
    tensor(s.values);
    tensor(s.indices);
  };
  const nodes = (list: any[] | undefined) => {
    for (const n of list ?? []) {
      for (const a of n.attribute ?? []) {
        tensor(a.t);
        for (const t of a.tensors ?? []) tensor(t);
        sparse(a.sparse_tensor);
        for (const s of a.sparse_tensors ?? []) sparse(s);
        graph(a.g);
        for (const g of a.graphs ?? []) graph(g);
      }
    }
  };
  const graph = (g: any) => {
    if (!g) return;
    for (const t of g.initializer ?? []) tensor(t);
    for (const s of g.sparse_initializer ?? []) sparse(s);
    nodes(g.node);
  };
  graph(model.graph);
  for (const f of model.functions ?? []) nodes(f.node);
  return found;
}
