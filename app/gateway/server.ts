// The x402 inference gateway (fastify): POST /v1/models/:id/infer answers 402 with PAYMENT-REQUIRED
// until a PAYMENT-SIGNATURE carries a DGrid tx that pays for exactly this call; then it settles the
// payment on chain, follows the request to its result and answers 200 with the outputs, a receipt and
// PAYMENT-RESPONSE. GET /supported, POST /verify and POST /settle serve x402 facilitator clients.

import { maxHeaderSize } from "node:http";
import {
  decodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
} from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements, SettleResponse } from "@x402/core/types";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type pino from "pino";
import { dgridExtra } from "../../client/x402-terms.ts";
import type { Model } from "../../proto/gen/dgrid/registry/v1/registry.ts";
import { ChainRefusal, type DGridFacilitator } from "./facilitator.ts";
import { OTHER_HEADERS, paymentSignatureSize } from "./header-limit.ts";
import type { NodeChain } from "./node-chain.ts";
import { PaymentError } from "./payment.ts";
import { receiptFor, refundReason } from "./receipt.ts";
import {
  GatewayError,
  type PricingOptions,
  parseInputs,
  paymentRequired,
  requirementsFor,
  sameTerms,
} from "./terms.ts";

export interface GatewayOptions {
  pricing: Omit<PricingOptions, "chainId">;
  /** executors per request (0 = the chain's default_redundancy) */
  redundancy: number;
  /** largest request body, bytes */
  bodyLimit?: number;
  /**
   * largest request header section the server reads, bytes (default: Node's, 16 KiB unless
   * --max-http-header-size): an input whose paid retry would not fit is refused with a 413
   */
  maxHeaderBytes?: number;
}

export interface GatewayDeps {
  chain: NodeChain;
  facilitator: DGridFacilitator;
  logger: pino.Logger;
}

const EXPOSE = "PAYMENT-REQUIRED, PAYMENT-RESPONSE";

export function buildGateway(options: GatewayOptions, deps: GatewayDeps): FastifyInstance {
  const { chain, facilitator } = deps;
  const logger = deps.logger.child({ module: "x402-gateway" });
  const headerLimit = options.maxHeaderBytes ?? maxHeaderSize;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1 << 20,
    http: { maxHeaderSize: headerLimit },
  });
  app.addHook("onResponse", async (request, reply) => {
    logger.info({ method: request.method, url: request.url, status: reply.statusCode }, "request");
  });
  app.setErrorHandler((err, request, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    // a client's malformed request is the client's problem: no stack in the gateway's error log
    if (status < 500) logger.info({ url: request.url, status, reason: (err as Error).message }, "bad request");
    else logger.error({ err, url: request.url }, "request failed");
    reply.code(status).send({
      error: status < 500 ? "bad_request" : "internal_error",
      message: err instanceof Error ? err.message : String(err),
    });
  });
  const pricing: PricingOptions = { ...options.pricing, chainId: chain.chainId };

  const sendError = (reply: FastifyReply, status: number, reason: string, message: string) =>
    reply.code(status).header("access-control-expose-headers", EXPOSE).send({ error: reason, message });

  app.post<{ Params: { id: string } }>("/v1/models/:id/infer", async (request, reply) => {
    const url = `${request.protocol}://${request.host}${request.url}`;
    let model: Model;
    let offered: PaymentRequirements;
    try {
      const m = await chain.model(request.params.id);
      if (!m) throw new GatewayError(404, "unknown_model", `model ${request.params.id} is not registered`);
      if (m.delisted) throw new GatewayError(404, "model_delisted", `model ${m.id} is delisted`);
      model = m;
      const inputs = parseInputs(request.body, model);
      const redundancy = options.redundancy || (await chain.defaultRedundancy());
      offered = requirementsFor(model, inputs, redundancy, pricing);
      // the inputs ride in the terms and again in the payment: refuse what the paid retry cannot carry
      const size = paymentSignatureSize(paymentRequired(url, model, offered), headerLimit);
      if (size.bytes + OTHER_HEADERS > headerLimit)
        throw new GatewayError(
          413,
          "input_too_large",
          `inputs of ${size.inputBytes} bytes need a PAYMENT-SIGNATURE header of about ${size.bytes} bytes, over this ` +
            `gateway's ${headerLimit}-byte HTTP header limit (the x402 terms and the signed tx both carry the inputs); ` +
            `at most about ${size.maxInputBytes} bytes of input data fit`,
        );
    } catch (e) {
      if (e instanceof GatewayError) return sendError(reply, e.status, e.reason, e.message);
      throw e;
    }
    const unpaid = (error?: string, message?: string) =>
      reply
        .code(402)
        .header("PAYMENT-REQUIRED", encodePaymentRequiredHeader(paymentRequired(url, model, offered, error)))
        .header("cache-control", "no-store")
        .header("access-control-expose-headers", EXPOSE)
        .send({
          error: error ?? "payment_required",
          message: message ?? `pay ${offered.amount}udgrid`,
          accepts: [offered],
        });

    const header = request.headers["payment-signature"];
    if (typeof header !== "string" || header === "") return unpaid();
    let payload: PaymentPayload;
    try {
      payload = decodePaymentSignatureHeader(header);
    } catch (e) {
      return unpaid("invalid_payload", `PAYMENT-SIGNATURE does not decode: ${(e as Error).message}`);
    }
    const differs = payload.accepted ? sameTerms(payload.accepted, offered) : "the payment has no accepted terms";
    if (differs) return unpaid("invalid_payment_requirements", differs);

    // verify (incl. the chain's Simulate) then broadcast: every refusal up to CheckTx charges nothing
    let paid: Awaited<ReturnType<DGridFacilitator["check"]>>;
    try {
      paid = await facilitator.check(payload, offered);
    } catch (e) {
      if (e instanceof PaymentError) return unpaid(e.reason, e.message);
      throw e;
    }
    const settled = await facilitator.broadcast(paid, offered.maxTimeoutSeconds * 1000);
    const responseHeader = (s: SettleResponse) => encodePaymentResponseHeader(stripInternal(s));
    if (!settled.success) {
      reply.header("PAYMENT-RESPONSE", responseHeader(settled));
      // included but failed: the tx fee was charged and nothing else
      if (settled.delivered)
        return sendError(reply, 502, settled.errorReason ?? "transaction_failed", settled.errorMessage ?? "");
      return unpaid(settled.errorReason, settled.errorMessage);
    }
    const requestId = settled.requestId;
    if (!requestId) return sendError(reply, 502, "no_request_id", `tx ${paid.txHash} returned no request id`);
    reply.header("PAYMENT-RESPONSE", responseHeader(settled)).header("access-control-expose-headers", EXPOSE);
    let result: Awaited<ReturnType<NodeChain["awaitResult"]>>;
    try {
      result = await chain.awaitResult(requestId, offered.maxTimeoutSeconds * 1000);
    } catch (e) {
      return sendError(reply, 504, "result_timeout", `request ${requestId}: ${(e as Error).message}`);
    }
    const refund = refundReason(result);
    if (refund)
      return sendError(
        reply,
        502,
        `refunded: ${refund}`,
        `request ${requestId} settled without an output (${refund}); the chain returned ${result.refunded?.amount ?? 0}${result.refunded?.denom ?? ""} to ${paid.payer}`,
      );
    // outputs revealed by hash (README#large-outputs) come from the executors' nodes, checked by the client
    try {
      result = { ...result, outputs: await chain.outputsOf(result) };
    } catch (e) {
      return sendError(reply, 502, "outputs_unavailable", `request ${requestId}: ${(e as Error).message}`);
    }
    const extra = dgridExtra(offered);
    return reply.code(200).send({
      requestId,
      txHash: paid.txHash,
      height: settled.height,
      ...receiptFor(result, { txHash: paid.txHash, modelId: extra.modelId, inputHash: extra.inputHash }),
    });
  });

  app.get("/supported", async () => facilitator.getSupported());

  const facilitatorBody = (
    body: unknown,
  ): { paymentPayload: PaymentPayload; paymentRequirements: PaymentRequirements } => {
    const b = body as { paymentPayload?: PaymentPayload; paymentRequirements?: PaymentRequirements } | undefined;
    if (!b?.paymentPayload || !b.paymentRequirements)
      throw new GatewayError(
        400,
        "invalid_request",
        "the body must be {x402Version, paymentPayload, paymentRequirements}",
      );
    return { paymentPayload: b.paymentPayload, paymentRequirements: b.paymentRequirements };
  };
  app.post("/verify", async (request, reply) => {
    try {
      const { paymentPayload, paymentRequirements } = facilitatorBody(request.body);
      return await facilitator.verify(paymentPayload, paymentRequirements);
    } catch (e) {
      if (e instanceof GatewayError) return sendError(reply, e.status, e.reason, e.message);
      throw e;
    }
  });
  app.post("/settle", async (request, reply) => {
    try {
      const { paymentPayload, paymentRequirements } = facilitatorBody(request.body);
      return stripInternal(await facilitator.settle(paymentPayload, paymentRequirements));
    } catch (e) {
      if (e instanceof GatewayError) return sendError(reply, e.status, e.reason, e.message);
      if (e instanceof ChainRefusal) return sendError(reply, 502, "chain_refused", e.message);
      throw e;
    }
  });
  return app;
}

/** The SettleResponse fields only (not the in-process requestId/height/delivered). */
function stripInternal(
  s: SettleResponse & { requestId?: string; height?: number; delivered?: unknown },
): SettleResponse {
  const { requestId: _r, height: _h, delivered: _d, ...rest } = s;
  return rest;
}
