// One gRPC query of a node over ABCI (`abci_query` with the method's path), its response printed as the
// SDK's CLI prints it (proto JSON through the descriptor set: snake_case, defaults, Anys expanded).
// Shared by the authz, feegrant and agent commands.
import type { JsonValue } from "@bufbuild/protobuf";
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { parsePositiveInt } from "./args.ts";
import { CliError } from "./context.ts";
import { withNode } from "./node-client.ts";
import { sdkJson } from "./proto-json.ts";

/**
 * `service` is the full service name ("cosmos.authz.v1beta1.Query"), `method` its method ("Grants");
 * the response type is `<package>.Query<method>Response`. A gRPC error status becomes a CliError with
 * the node's reason ("... rpc error: code = NotFound desc = <reason>: key not found" -> "<reason>").
 */
export async function abciQueryJson(
  url: string,
  service: string,
  method: string,
  request: Uint8Array,
  height?: string,
): Promise<JsonValue> {
  const h = height === undefined ? undefined : parsePositiveInt(height, "--height");
  const pkg = service.slice(0, service.lastIndexOf("."));
  return withNode(url, async () => {
    const comet = await Comet38Client.connect(url);
    try {
      const res = await QueryClient.withExtensions(comet).queryAbci(`/${service}/${method}`, request, h);
      return sdkJson(`${pkg}.Query${method}Response`, res.value);
    } catch (e) {
      const m = /desc = (.*?)(?::\s*key not found)?(?: With gas|$)/s.exec((e as Error).message ?? "");
      if (m) throw new CliError(m[1].trim());
      throw e;
    } finally {
      comet.disconnect();
    }
  });
}
