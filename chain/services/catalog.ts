// The query and tx services an app exposes, read from a FileDescriptorSet (proto/gen/descriptors.binpb):
// every method with its gRPC path, request/response descriptors and google.api.http bindings. The REST
// gateway, the gRPC server, reflection and the OpenAPI generator all read this one catalog, so a route
// exists exactly when a proto annotation declares it.
import {
  createFileRegistry,
  type DescExtension,
  type DescMethod,
  type DescService,
  type FileRegistry,
  fromBinary,
  getOption,
  hasOption,
} from "@bufbuild/protobuf";
import { type FileDescriptorSet, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";

/** One HTTP binding of a method (google.api.HttpRule flattened). */
export interface HttpBinding {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** the path template as annotated: "/cosmos/bank/v1beta1/balances/{address}/by_denom" */
  path: string;
  /** "" (no body), "*" (the whole request) or a request field name */
  body: string;
}

export interface CatalogMethod {
  /** "/cosmos.bank.v1beta1.Query/Balance": the gRPC path, also the ABCI query path */
  path: string;
  service: DescService;
  desc: DescMethod;
  http: HttpBinding[];
}

export interface ServiceCatalog {
  /** every file of the set: message types for JSON (Any resolution included) and reflection */
  readonly registry: FileRegistry;
  readonly fileDescriptorSet: FileDescriptorSet;
  /** the methods of the selected services, sorted by path */
  readonly methods: readonly CatalogMethod[];
  method(path: string): CatalogMethod | undefined;
}

export interface CatalogOptions {
  /** which services to expose (full names); default: every service except Msg services */
  services?: (service: DescService) => boolean;
}

const HTTP_RULE = "google.api.http";
const MSG_SERVICE = "cosmos.msg.v1.service";

/** Msg services are executed through transactions, never called over gRPC/REST (as in the SDK). */
export function isMsgService(service: DescService, registry: FileRegistry): boolean {
  const ext = registry.getExtension(MSG_SERVICE);
  return ext !== undefined && hasOption(service, ext) && getOption(service, ext) === true;
}

export function loadServiceCatalog(descriptorSet: Uint8Array, options: CatalogOptions = {}): ServiceCatalog {
  const fileDescriptorSet = fromBinary(FileDescriptorSetSchema, descriptorSet);
  const registry = createFileRegistry(fileDescriptorSet);
  const httpExt = registry.getExtension(HTTP_RULE);
  const select = options.services ?? ((s: DescService) => !isMsgService(s, registry));
  const methods: CatalogMethod[] = [];
  for (const file of registry.files) {
    for (const service of file.services) {
      if (!select(service)) continue;
      for (const desc of service.methods) {
        methods.push({
          path: `/${service.typeName}/${desc.name}`,
          service,
          desc,
          http: httpExt ? httpBindings(desc, httpExt) : [],
        });
      }
    }
  }
  methods.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(methods.map((m) => [m.path, m]));
  return { registry, fileDescriptorSet, methods, method: (path) => byPath.get(path) };
}

interface HttpRuleShape {
  pattern: { case: string | undefined; value?: unknown };
  body: string;
  additionalBindings: HttpRuleShape[];
}

function httpBindings(method: DescMethod, ext: DescExtension): HttpBinding[] {
  if (!hasOption(method, ext)) return [];
  const rule = getOption(method, ext) as unknown as HttpRuleShape;
  const out: HttpBinding[] = [];
  const add = (r: HttpRuleShape) => {
    const { case: verb, value } = r.pattern;
    if (verb === "custom" || verb === undefined || typeof value !== "string") return;
    out.push({ method: verb.toUpperCase() as HttpBinding["method"], path: value, body: r.body });
  };
  add(rule);
  for (const extra of rule.additionalBindings) add(extra);
  return out;
}
