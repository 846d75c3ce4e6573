// The error answer of the node's model and blob endpoints: a registered error as {codespace, code,
// message} with the HTTP status the endpoint gives its kind; anything else is logged and answered 500
// without details.
import type { FastifyReply } from "fastify";
import { CodedError } from "../chain/errors/errors.ts";

export function sendCodedError(
  reply: FastifyReply,
  e: unknown,
  statusOf: (e: CodedError) => number,
  what: string,
): FastifyReply {
  if (e instanceof CodedError) {
    return reply.code(statusOf(e)).send({ codespace: e.codespace, code: e.code, message: e.message });
  }
  reply.log.error({ err: e }, `${what} failed`);
  return reply.code(500).send({ codespace: "undefined", code: 1, message: "internal error" });
}
