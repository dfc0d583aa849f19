import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_APP_ROLE, PREFECT_AUTH_BINDING, VPC_BINDINGS } from "../../contracts/gateway";
import type { GatewayRoute } from "./bindings";


/** The Entra resource of the Synapse development endpoint (REST: artifacts, pipelines, Spark jobs). */
const SYNAPSE_DEV_SCOPE = "https://dev.azuresynapse.net/.default";

export interface PlatformRouteArgs {
  /** People groups (Entra object IDs) as they appear in the callers' `groups` claim. */
  readonly groups: { readonly admins: pulumi.Input<string>; readonly engineers: pulumi.Input<string>; readonly analysts: pulumi.Input<string> };
  /** Synapse's dev endpoint (`https://<workspace>.dev.azuresynapse.net`): its own name in either mode. */
  readonly synapseUpstream: pulumi.Input<string>;
  /** The Prefect API (`https://<app>.internal…/api`), when Cloudflare can reach it (tunnel mode). Default: no `/prefect` route. */
  readonly prefectUpstream?: pulumi.Input<string>;
  /** Tunnel mode: each route travels through its origin's Workers VPC binding; otherwise over the internet (allowlist). */
  readonly viaVpc: boolean;
  /** Engineers change orchestration in this environment (dev), otherwise only admins do. */
  readonly engineersWrite: boolean;
}

/**
 * Who reaches what through the gateway (docs/gateway.md#routes). No route, no access; each route names its groups.
 * - `/synapse` → Synapse's dev endpoint as the gateway identity (Synapse User: read-only on the workspace), so the
 *   route admits reads only. Analysts have no Azure role at all: this is their one way to Synapse. App-only callers
 *   holding the gateway app's role (`Gateway.Access`) read too.
 * - `/prefect` → the Prefect API with its basic-auth string. Prefect queries are POSTs (`/flows/filter`), so read
 *   and run cannot be split by method: the route is for admins, and engineers too where they write (dev).
 *   PUT/PATCH/DELETE (changing or deleting deployments, work pools) stay out of the gateway.
 */
export function platformRoutes(args: PlatformRouteArgs): GatewayRoute[] {
  const { admins, engineers, analysts } = args.groups;
  const routes: GatewayRoute[] = [
    {
      prefix: "/synapse",
      upstream: args.synapseUpstream,
      ...(args.viaVpc ? { binding: VPC_BINDINGS.synapse } : {}),
      methods: ["GET", "HEAD"],
      // App-only callers (pipelines, services) with the gateway app's role read Synapse like analysts do.
      groups: [analysts, engineers, admins, GATEWAY_APP_ROLE],
      upstreamAuth: { type: "entra", scope: SYNAPSE_DEV_SCOPE },
    },
  ];
  if (args.prefectUpstream !== undefined) {
    routes.push({
      prefix: "/prefect",
      upstream: args.prefectUpstream,
      ...(args.viaVpc ? { binding: VPC_BINDINGS.prefect } : {}),
      methods: ["GET", "HEAD", "POST"],
      groups: args.engineersWrite ? [engineers, admins] : [admins],
      upstreamAuth: { type: "basic", secret: PREFECT_AUTH_BINDING },
    });
  }
  return routes;
}

/** `https://<host>[/path]` → `<host>`: the origin's own name, which the VPC service resolves inside the VNet. */
export function hostOf(url: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(url).apply((u) => new URL(u).host);
}
