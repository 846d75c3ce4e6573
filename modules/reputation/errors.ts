// Reputation errors, codespace "reputation".
import { register } from "../../chain/errors/errors.ts";

export const Codespace = "reputation";
export const ErrInvalidParams = register(Codespace, 2, "invalid reputation params");
export const ErrInvalidValidator = register(Codespace, 3, "invalid validator address");
