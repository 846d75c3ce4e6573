// The node's REST gateway (the SDK's grpc-gateway JSON). A route the node does not have (an older
// node, or a query another module adds later) is NotAvailable: the pages show "not available". The
// routes are learnt once from the node's OpenAPI document, so the page never asks for one that is
// missing (a 404 would be a console error in the browser); without the document every route is tried.
export class NotAvailable extends Error {
  constructor(readonly route: string) {
    super(`not available on this node: ${route}`);
    this.name = "NotAvailable";
  }
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "RestError";
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export class Rest {
  private routes?: Promise<RegExp[] | undefined>;

  constructor(readonly url: string) {}

  /** Route templates ("/a/{b}/c") of the node's OpenAPI document as patterns, or undefined without one. */
  private knownRoutes(): Promise<RegExp[] | undefined> {
    this.routes ??= fetch(`${this.url}/swagger/openapi.json`)
      .then(async (r) => {
        if (!r.ok) return undefined;
        const doc = (await r.json()) as { paths: Record<string, unknown> };
        return Object.keys(doc.paths).map(
          (t) => new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
        );
      })
      .catch(() => undefined);
    return this.routes;
  }

  async has(path: string): Promise<boolean> {
    const routes = await this.knownRoutes();
    return !routes || routes.some((r) => r.test(path));
  }

  async get<T>(path: string, query: Query = {}): Promise<T> {
    if (!(await this.has(path))) throw new NotAvailable(path);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, String(v));
    const res = await fetch(`${this.url}${path}${q.size ? `?${q}` : ""}`);
    const body = (await res.json()) as T & { code?: number; message?: string };
    if (res.status === 501 || (res.status === 404 && body.message === "Not Found")) throw new NotAvailable(path);
    if (!res.ok) throw new RestError(res.status, `${path}: ${body.message ?? res.statusText}`);
    return body;
  }
}
