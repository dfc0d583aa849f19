import * as azure from "@pulumi/azure-native";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CoreOutputs } from "../core-outputs";
import type { CrossCuttingArgs, PlacementArgs } from "../cross-cutting";
import { GATEWAY_BUNDLE_PATH, GATEWAY_MAIN_MODULE } from "../../contracts/gateway-bundle";
import { OVERLAP_BINDINGS, type VpcBinding } from "../../contracts/gateway";
import { addDays, unixSeconds } from "../../lib/dates";
import { cidrRange } from "../../lib/ipv4";
import type { KeyVaultRef } from "../keyvault";
import { type GatewayRoute, plainText, routesJson, secretText } from "./bindings";

export type { GatewayRoute } from "./bindings";

export const GATEWAY_BUNDLE = join(__dirname, "..", "..", GATEWAY_BUNDLE_PATH);

/**
 * Tunnel mode (default): a Cloudflare Tunnel into the VNet (its connector, cloudflared, is a Container App reading the
 * token from KV) and Workers VPC: each private origin is a Connectivity Directory service reached only through a
 * `vpc_service` binding on the Worker. No public DNS record points at the tunnel, so nothing reaches an origin
 * without passing the Worker. https://developers.cloudflare.com/workers-vpc/configuration/vpc-services/
 */
export interface TunnelConnectivity {
  readonly mode: "tunnel";
  /** One VPC service per origin, bound to the Worker under `binding` (routes name the binding). */
  readonly origins: readonly {
    readonly binding: VpcBinding;
    /**
     * The origin's own (private endpoint) host name; cloudflared resolves it inside the VNet, where the privatelink
     * zones answer with the private IP. The Worker's upstream URL uses the same name (Host header and SNI).
     */
    readonly host: pulumi.Input<string>;
  }[];
}

/** Allowlist mode: Synapse firewall opened to Cloudflare's published IPv4 ranges + a shared secret header. */
export interface AllowlistConnectivity {
  readonly mode: "allowlist";
  /** The workspace whose firewall admits Cloudflare's ranges (the Synapse component). */
  readonly synapse: { readonly name: pulumi.Input<string>; readonly resourceGroupName: pulumi.Input<string> };
}

export interface GatewayArgs extends PlacementArgs, Pick<CrossCuttingArgs, "tags"> {
  readonly accountId: pulumi.Input<string>;
  readonly zoneId: pulumi.Input<string>;
  /** Public host name of the gateway (a Workers custom domain in the zone). */
  readonly hostname: pulumi.Input<string>;
  readonly scriptName: string;
  /** Fixed so that a deploy never silently changes runtime semantics. */
  readonly compatibilityDate: string;
  readonly oidc: {
    readonly issuer: pulumi.Input<string>;
    readonly audience: pulumi.Input<string>;
    /** Default: the Worker discovers it from the issuer's OpenID configuration. */
    readonly jwksUri?: pulumi.Input<string>;
    /** Entra tenants whose tokens are accepted. Default: no restriction beyond `issuer`. */
    readonly allowedTenants?: readonly pulumi.Input<string>[];
  };
  readonly routes: readonly GatewayRoute[];
  /** The gateway-<env> Entra app: client-credentials tokens for `entra` routes. */
  readonly upstreamIdentity: {
    /** Default: `https://login.microsoftonline.com`. */
    readonly authorityHost?: string;
    readonly tenantId: pulumi.Input<string>;
    readonly clientId: pulumi.Input<string>;
    /** The current client secret (AZURE_CLIENT_SECRET), the one Entra has had longest. */
    readonly clientSecret: pulumi.Input<string>;
    /**
     * The app's other client secret (AZURE_CLIENT_SECRET_NEXT), tried once when Entra refuses the current one with
     * `invalid_client`: the rotation overlap (docs/gateway.md#rotation). Default: none.
     */
    readonly clientSecretNext?: pulumi.Input<string>;
  };
  /** Secret bindings named by `basic` routes (e.g. PREFECT_AUTH = "user:password"). Default: none. */
  readonly basicAuthSecrets?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Per-subject limit (Workers rate-limit binding; per location, approximate). Default: no limit. */
  readonly rateLimit?: { readonly namespaceId: string; readonly limit: number; readonly period: 10 | 60 };
  /** Logpush of Workers Trace Events (the audit records). Default: none, only sampled Workers Logs. */
  readonly auditLogpush?: { readonly destinationConf: pulumi.Input<string> };
  readonly connectivity: TunnelConnectivity | AllowlistConnectivity;
  /** Receives the tunnel token (tunnel mode) or the shared secret (allowlist mode, so the origin side can require it). */
  readonly keyVault: KeyVaultRef;
  /** The Worker bundle. Default: gateway/dist/worker.js (npm run build:gateway). */
  readonly bundlePath?: string;
  /**
   * Days between rotations of the secrets this component writes to Key Vault: the shared secret gets a new value, the
   * tunnel token secret a new expiry (30 days past the deadline, so a late `up` still works). Default: 90.
   */
  readonly secretRotationDays?: number;
}

/**
 * The identity-aware edge: the gateway Worker (bundle from gateway/), its bindings and custom domain, rate-limit and
 * audit log shipping, plus the path to the private origins — a Cloudflare Tunnel (default) or, in allowlist mode,
 * Synapse firewall rules for Cloudflare's IP ranges and a shared secret the Worker sends upstream.
 */
export class Gateway extends pulumi.ComponentResource implements Omit<CoreOutputs, "location"> {
  readonly script: cloudflare.WorkersScript;
  /** The Worker script's; a Worker runs at every Cloudflare location, so the gateway has no `location`. */
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;
  readonly tunnelId?: pulumi.Output<string>;
  readonly tunnelTokenSecretUri?: pulumi.Output<string>;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:gateway:Gateway", name, {}, opts);

    const bundle = readBundle(args.bundlePath ?? GATEWAY_BUNDLE, this);
    const bindings: pulumi.Input<cloudflare.types.input.WorkersScriptBinding>[] = [
      plainText("OIDC_ISSUER", args.oidc.issuer),
      plainText("OIDC_AUDIENCE", args.oidc.audience),
      plainText("ROUTES", routesJson(args.routes)),
      plainText("AZURE_AUTHORITY_HOST", args.upstreamIdentity.authorityHost ?? "https://login.microsoftonline.com"),
      plainText("AZURE_TENANT_ID", args.upstreamIdentity.tenantId),
      plainText("AZURE_CLIENT_ID", args.upstreamIdentity.clientId),
      secretText("AZURE_CLIENT_SECRET", args.upstreamIdentity.clientSecret),
      ...(args.upstreamIdentity.clientSecretNext === undefined ? [] : [secretText(OVERLAP_BINDINGS.AZURE_CLIENT_SECRET, args.upstreamIdentity.clientSecretNext)]),
      ...Object.entries(args.basicAuthSecrets ?? {}).map(([k, v]) => secretText(k, v)),
    ];
    if (args.oidc.jwksUri) bindings.push(plainText("OIDC_JWKS_URI", args.oidc.jwksUri));
    if (args.oidc.allowedTenants?.length) {
      bindings.push(plainText("OIDC_ALLOWED_TENANTS", pulumi.all([...args.oidc.allowedTenants]).apply((t) => t.join(","))));
    }
    if (args.rateLimit) {
      const { namespaceId, limit, period } = args.rateLimit;
      bindings.push({ type: "ratelimit", name: "RATE_LIMITER", namespaceId, simple: { limit, period } });
    }

    // Key Vault secrets carry an expiry (policy keyvault-secret-expiry); the next `up` after the deadline renews it.
    const rotation = new time.Rotating(`${name}-secret-rotation`, { rotationDays: args.secretRotationDays ?? 90 }, { parent: this });
    const expires = rotation.rotationRfc3339.apply((deadline) => unixSeconds(addDays(deadline, 30)));
    const vaultSecret = (suffix: string, secretName: string, value: pulumi.Input<string>, contentType: string) => {
      return new azure.keyvault.Secret(
        `${name}-${suffix}`,
        {
          resourceGroupName: args.keyVault.resourceGroupName,
          vaultName: args.keyVault.name,
          secretName,
          properties: { value: pulumi.secret(value), contentType, attributes: { enabled: true, expires } },
          tags: args.tags,
        },
        // Deleted only through the vault's data plane, unreachable from CI (KeyVault.secret explains): never by Pulumi.
        { parent: this, retainOnDelete: true },
      );
    };

    if (args.connectivity.mode === "allowlist") {
      // Other tenants' Workers egress from the same Cloudflare ranges: the firewall alone proves nothing.
      const shared = new random.RandomPassword(
        `${name}-shared-secret`,
        { length: 48, special: false, keepers: { rotation: rotation.rfc3339 } },
        { parent: this },
      );
      bindings.push(secretText("UPSTREAM_SHARED_SECRET", shared.result));
      vaultSecret("shared-secret", "gateway-upstream-shared-secret", shared.result, "text/plain; gateway shared secret header X-Gateway-Secret");
      this.allowCloudflareRanges(name, args, args.connectivity);
    }

    let tunnel: cloudflare.ZeroTrustTunnelCloudflared | undefined;
    if (args.connectivity.mode === "tunnel") {
      tunnel = this.tunnel(name, args);
      for (const origin of args.connectivity.origins) {
        const service = this.vpcService(name, args, tunnel, origin);
        // The binding's service_id is the VPC service's ID: the provider sets `id` = `service_id`
        // (cloudflare/terraform-provider-cloudflare internal/services/connectivity_directory_service/resource.go).
        bindings.push({ type: "vpc_service", name: origin.binding, serviceId: service.id });
      }
    }

    this.script = new cloudflare.WorkersScript(
      `${name}-worker`,
      {
        accountId: args.accountId,
        scriptName: args.scriptName,
        // `content`, not `contentFile`: an absolute file path would differ between machines and cause a diff.
        content: bundle,
        mainModule: GATEWAY_MAIN_MODULE,
        compatibilityDate: args.compatibilityDate,
        bindings,
        // Workers Logs are sampled and only for debugging; the audit trail is shipped by Logpush.
        observability: { enabled: true, headSamplingRate: 1, logs: { enabled: true, invocationLogs: false } },
        logpush: args.auditLogpush !== undefined,
      },
      { parent: this },
    );

    new cloudflare.WorkersCustomDomain(
      `${name}-domain`,
      { accountId: args.accountId, zoneId: args.zoneId, hostname: args.hostname, service: this.script.scriptName },
      { parent: this },
    );

    if (args.auditLogpush) {
      new cloudflare.LogpushJob(
        `${name}-audit-logpush`,
        {
          accountId: args.accountId,
          name: `${args.scriptName}-audit`,
          dataset: "workers_trace_events",
          destinationConf: pulumi.secret(args.auditLogpush.destinationConf),
          filter: JSON.stringify({ where: { key: "ScriptName", operator: "eq", value: args.scriptName } }),
          outputOptions: { fieldNames: ["EventTimestampMs", "ScriptName", "Outcome", "Logs", "Exceptions"], timestampFormat: "rfc3339" },
          enabled: true,
        },
        { parent: this },
      );
    }

    if (tunnel) {
      this.tunnelId = tunnel.id;
      const token = cloudflare.getZeroTrustTunnelCloudflaredTokenOutput({ accountId: args.accountId, tunnelId: tunnel.id }, { parent: this });
      const secret = vaultSecret("tunnel-token", "cloudflared-tunnel-token", token.token, "text/plain; cloudflared TUNNEL_TOKEN");
      // `properties` holds the value and is secret as a whole; the URI is not, and must not taint the connector's inputs.
      this.tunnelTokenSecretUri = pulumi.unsecret(secret.properties.secretUri);
    }

    this.id = this.script.id;
    this.name = this.script.scriptName;
    this.url = pulumi.interpolate`https://${args.hostname}`;
    this.registerOutputs({ id: this.id, name: this.name, url: this.url, tunnelId: this.tunnelId });
  }

  private tunnel(name: string, args: GatewayArgs): cloudflare.ZeroTrustTunnelCloudflared {
    // Remotely managed tunnel: its ingress lives in Cloudflare (the config below), the connector only needs the token.
    const tunnel = new cloudflare.ZeroTrustTunnelCloudflared(
      `${name}-tunnel`,
      { accountId: args.accountId, name: `${args.scriptName}-tunnel`, configSrc: "cloudflare" },
      { parent: this },
    );
    // No public host name routes to the tunnel: Workers VPC traffic does not use ingress rules, and anything that
    // arrives over a public host name (a DNS record added by hand) gets 404.
    new cloudflare.ZeroTrustTunnelCloudflaredConfig(
      `${name}-tunnel-config`,
      { accountId: args.accountId, tunnelId: tunnel.id, config: { ingresses: [{ service: "http_status:404" }] } },
      { parent: this },
    );
    return tunnel;
  }

  /**
   * A Workers VPC service for one private origin: HTTPS on 443 with full certificate verification against the
   * origin's own name (the Azure private endpoint presents the service's public certificate). Named by its binding,
   * not by list position. Host by name with the tunnel as resolver network: cloudflared resolves it with the VNet's
   * DNS (https://developers.cloudflare.com/workers-vpc/configuration/vpc-services/terraform).
   */
  private vpcService(
    name: string,
    args: GatewayArgs,
    tunnel: cloudflare.ZeroTrustTunnelCloudflared,
    origin: TunnelConnectivity["origins"][number],
  ): cloudflare.ConnectivityDirectoryService {
    const key = origin.binding.toLowerCase().replace(/_/g, "-");
    return new cloudflare.ConnectivityDirectoryService(
      `${name}-${key}`,
      {
        accountId: args.accountId,
        name: `${args.scriptName}-${key}`,
        type: "http",
        httpsPort: 443,
        host: { hostname: origin.host, resolverNetwork: { tunnelId: tunnel.id } },
        tlsSettings: { certVerificationMode: "verify_full" },
      },
      { parent: this },
    );
  }

  private allowCloudflareRanges(name: string, args: GatewayArgs, c: AllowlistConnectivity): void {
    // Synapse workspace firewall rules are IPv4 only; Workers subrequests to Azure leave over IPv4.
    const ranges = cloudflare.getIpRangesOutput({}, { parent: this });
    // Named by the range, not its list position: Cloudflare adding or reordering a range must not rewrite the others.
    // The alias keeps the state of rules created under the old positional name (`-cf-<i>`).
    ranges.ipv4Cidrs.apply((cidrs) =>
      cidrs.map((cidr, i) => {
        const { start, end } = cidrRange(cidr);
        const slug = cidrSlug(cidr);
        return new azure.synapse.IpFirewallRule(
          `${name}-cf-${slug}`,
          { resourceGroupName: c.synapse.resourceGroupName, workspaceName: c.synapse.name, ruleName: `cloudflare-${slug}`, startIpAddress: start, endIpAddress: end },
          { parent: this, aliases: [{ name: `${name}-cf-${i}` }] },
        );
      }),
    );
  }
}

/** `173.245.48.0/20` → `173-245-48-0-20`: a rule name from the range itself. */
export function cidrSlug(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}

function readBundle(path: string, gateway: pulumi.Resource): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new pulumi.ResourceError(`Gateway bundle ${path} not found: run \`npm run build:gateway\` before the Pulumi program`, gateway);
  }
}
