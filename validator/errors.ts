// Registered error codes of the validator-side services (model store, executor, conformance). They
// never reach consensus, but they travel in logs, HTTP answers and CLI output with a stable code.
import { register } from "../chain/errors/errors.ts";

export const ModelStoreCodespace = "modelstore";
export const ErrInvalidModelId = register(ModelStoreCodespace, 2, "invalid model id (want 64 lowercase hex sha256)");
export const ErrModelTooLarge = register(ModelStoreCodespace, 3, "model file over the size limit");
export const ErrInvalidModel = register(ModelStoreCodespace, 4, "not a loadable ONNX model");
export const ErrModelNotFound = register(ModelStoreCodespace, 5, "model not found");
export const ErrModelCorrupt = register(ModelStoreCodespace, 6, "stored model does not match its sha256 id");
export const ErrModelHashMismatch = register(ModelStoreCodespace, 7, "model bytes do not match the expected sha256");
export const ErrModelUnavailable = register(ModelStoreCodespace, 8, "model could not be fetched from any peer");
export const ErrModelExternalData = register(ModelStoreCodespace, 9, "model refers to external data files");
export const ErrModelEmpty = register(ModelStoreCodespace, 10, "empty model file");

export const ExecutorCodespace = "executor";
export const ErrQueueFull = register(ExecutorCodespace, 2, "inference queue is full");
export const ErrTimeout = register(ExecutorCodespace, 3, "inference timed out");
export const ErrBadInput = register(ExecutorCodespace, 4, "input tensors do not match the model");
export const ErrRunFailed = register(ExecutorCodespace, 5, "model run failed");
export const ErrModelLoad = register(ExecutorCodespace, 6, "model could not be loaded");
export const ErrWorkerCrashed = register(ExecutorCodespace, 7, "inference worker process exited");
export const ErrProviderUnavailable = register(ExecutorCodespace, 8, "execution provider not available");
export const ErrExecutorClosed = register(ExecutorCodespace, 9, "executor is closed");
export const ErrUnsupportedDType = register(ExecutorCodespace, 10, "unsupported tensor element type");
export const ErrConformance = register(ExecutorCodespace, 11, "golden vectors failed");
/** onnxruntime refused to run the model on this input (deterministic: an error outcome, not a node failure) */
export const ErrModelRuntime = register(ExecutorCodespace, 12, "the model failed on this input");

export const BlobStoreCodespace = "blobstore";
export const ErrInvalidBlobHash = register(BlobStoreCodespace, 2, "invalid blob hash (want 64 lowercase hex sha256)");
export const ErrBlobTooLarge = register(BlobStoreCodespace, 3, "blob over the size limit");
export const ErrBlobHashMismatch = register(
  BlobStoreCodespace,
  4,
  "blob bytes do not match the expected sha256 or size",
);
export const ErrBlobNotFound = register(BlobStoreCodespace, 5, "blob not found");
export const ErrBlobUnavailable = register(
  BlobStoreCodespace,
  6,
  "blob could not be obtained from this node or any peer",
);
