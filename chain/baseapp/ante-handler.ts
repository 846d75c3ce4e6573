// The ante handler's shape (SDK types.AnteHandler): the checks and charges that run on a tx's own
// branch before its messages (fee, sequence, signatures). The app sets one; chain/ defines no checks.
import type { Context } from "./context.ts";
import type { DecodedTx } from "./tx.ts";

export type AnteHandler = (ctx: Context, tx: DecodedTx) => Promise<void>;
