// Registry errors, codespace "registry".
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "registry";
export const ErrInvalidModel = register(Codespace, 2, "invalid model");
export const ErrModelExists = register(Codespace, 3, "model already registered");
export const ErrModelNotFound = register(Codespace, 4, "model not found");
export const ErrModelDelisted = register(Codespace, 5, "model delisted");
export const ErrInvalidTensor = register(Codespace, 6, "tensor does not match the model spec");
export const ErrNotServing = register(Codespace, 7, "validator does not serve the model");
export const ErrInvalidParams = register(Codespace, 8, "invalid registry params");
export const ErrInvalidValidator = register(Codespace, 9, "invalid validator address");
export const ErrInvalidReport = register(Codespace, 10, "invalid conformance report");
export const ErrUnknownValidator = register(Codespace, 11, "validator not found");
export const ErrInvalidCard = register(Codespace, 12, "invalid model card");
export const ErrNotCreator = register(Codespace, 13, "signer is not the model's creator");
export const ErrInvalidLineage = register(Codespace, 14, "invalid model lineage");
