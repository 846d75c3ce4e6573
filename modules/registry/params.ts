// Registry params: size limits. Defaults and validation.
import { Params } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ErrInvalidParams } from "./errors.ts";

export type RegistryParams = Params;

export function defaultParams(): RegistryParams {
  return {
    maxModelBytes: 256n * 1024n * 1024n,
    maxTensorBytes: 1024n * 1024n,
    maxGoldenVectors: 8,
    maxTensors: 16,
    maxRank: 8,
    maxNameLength: 128,
    maxGoldenBytes: 4n * 1024n * 1024n,
  };
}

export function validateParams(p: RegistryParams): void {
  if (p.maxModelBytes <= 0n) throw ErrInvalidParams.wrap("max_model_bytes must be positive");
  if (p.maxTensorBytes <= 0n) throw ErrInvalidParams.wrap("max_tensor_bytes must be positive");
  if (p.maxGoldenVectors < 1) throw ErrInvalidParams.wrap("max_golden_vectors must be at least 1");
  if (p.maxTensors < 1) throw ErrInvalidParams.wrap("max_tensors must be at least 1");
  if (p.maxRank < 1) throw ErrInvalidParams.wrap("max_rank must be at least 1");
  if (p.maxNameLength < 1) throw ErrInvalidParams.wrap("max_name_length must be at least 1");
  if (p.maxGoldenBytes <= 0n) throw ErrInvalidParams.wrap("max_golden_bytes must be positive");
}

export function encodeParams(p: RegistryParams): Uint8Array {
  return Params.encode(p).finish();
}

export function decodeParams(b: Uint8Array): RegistryParams {
  return Params.decode(b);
}
