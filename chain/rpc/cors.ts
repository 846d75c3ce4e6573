// CORS as CometBFT configures it (rs/cors): `cors_allowed_origins` lists origins, "*" allows any, and
// an origin may hold one "*" wildcard ("http://127.0.0.1:*", "https://*.example.com"); matching
// ignores case. Turned into @fastify/cors options for the RPC server.
import type { FastifyCorsOptions } from "@fastify/cors";

export interface CometCorsConfig {
  allowedOrigins: readonly string[];
  allowedMethods?: readonly string[];
  allowedHeaders?: readonly string[];
}

/** CometBFT's defaults for cors_allowed_methods and cors_allowed_headers. */
export const DEFAULT_CORS_METHODS = ["HEAD", "GET", "POST"] as const;
export const DEFAULT_CORS_HEADERS = ["Origin", "Accept", "Content-Type", "X-Requested-With", "X-Server-Time"] as const;

/** A predicate for the configured origins ("*" anywhere: every origin). */
export function originMatcher(allowed: readonly string[]): (origin: string) => boolean {
  if (allowed.includes("*")) return () => true;
  const exact = new Set<string>();
  const wildcards: { prefix: string; suffix: string }[] = [];
  for (const raw of allowed) {
    const o = raw.toLowerCase();
    const star = o.indexOf("*");
    if (star < 0) exact.add(o);
    else wildcards.push({ prefix: o.slice(0, star), suffix: o.slice(star + 1) });
  }
  return (origin) => {
    const o = origin.toLowerCase();
    if (exact.has(o)) return true;
    return wildcards.some(
      (w) => o.length >= w.prefix.length + w.suffix.length && o.startsWith(w.prefix) && o.endsWith(w.suffix),
    );
  };
}

/** @fastify/cors options for a CometBFT CORS config (the caller registers none when no origin is allowed). */
export function cometCorsOptions(cfg: CometCorsConfig): FastifyCorsOptions {
  const any = cfg.allowedOrigins.includes("*");
  const matches = originMatcher(cfg.allowedOrigins);
  return {
    // rs/cors answers "*" when every origin is allowed, else echoes the allowed origin
    origin: (origin, cb) => cb(null, origin === undefined || !matches(origin) ? false : any ? "*" : origin),
    methods: [...(cfg.allowedMethods ?? DEFAULT_CORS_METHODS)],
    allowedHeaders: [...(cfg.allowedHeaders ?? DEFAULT_CORS_HEADERS)],
    // a preflight without Access-Control-Request-Method is still answered (as before: 204)
    strictPreflight: false,
  };
}
