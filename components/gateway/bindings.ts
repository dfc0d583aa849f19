import * as pulumi from "@pulumi/pulumi";
import type * as cloudflare from "@pulumi/cloudflare";
import type { GatewayBinding, RouteEntry } from "../../contracts/gateway";

/** One ROUTES entry of the Worker, with the upstream and groups possibly known only at deploy time. */
export type GatewayRoute = RouteEntry<pulumi.Input<string>>;

export const plainText = (name: GatewayBinding, text: pulumi.Input<string>): cloudflare.types.input.WorkersScriptBinding => ({
  type: "plain_text",
  name,
  text,
});

/** Secret bindings: the value stays a Pulumi secret in state and is write-only at Cloudflare. */
export const secretText = (name: string, text: pulumi.Input<string>): cloudflare.types.input.WorkersScriptBinding => ({
  type: "secret_text",
  name,
  text: pulumi.secret(text),
});

/** The ROUTES binding: JSON with the deploy-time upstream URLs and group IDs resolved. */
export function routesJson(routes: readonly GatewayRoute[]): pulumi.Output<string> {
  return pulumi.jsonStringify(
    routes.map((r) => ({
      prefix: r.prefix,
      upstream: r.upstream,
      ...(r.binding ? { binding: r.binding } : {}),
      methods: r.methods,
      groups: r.groups,
      upstreamAuth: r.upstreamAuth,
    })),
  );
}
