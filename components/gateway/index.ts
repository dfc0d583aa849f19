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
import { addDays, unixSeconds } from "../../lib/dates";
import { cidrRange } from "../../lib/ipv4";
import type { KeyVaultRef } from "../keyvault";
import { type GatewayRoute, plainText, routesJson, secretText } from "./bindings";

export type { GatewayRoute } from "./bindings";

export const GATEWAY_BUNDLE = join(__dirname, "..", "..", GATEWAY_BUNDLE_PATH);

/** Tunnel mode (default): a Cloudflare Tunnel into the VNet; its connector (cloudflared) is a Container App reading the token from KV. */
export interface TunnelConnectivity {
  readonly mode: "tunnel";
  /** Public tunnel host names the Worker's routes use, each mapped to a private origin (`https://<pe-fqdn>`). */
  readonly origins: readonly {
    readonly hostname: string;
    readonly service: pulumi.Input<string>;
    /** TLS server name and Host header cloudflared sends to the origin. Default: the host name in `service`. */
    readonly originServerName?: pulumi.Input<string>;
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
    readonly clientSecret: pulumi.Input<string>;
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
        { parent: this },
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

    if (args.connectivity.mode === "tunnel") {
      const tunnel = this.tunnel(name, args, args.connectivity);
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

  private tunnel(name: string, args: GatewayArgs, c: TunnelConnectivity): cloudflare.ZeroTrustTunnelCloudflared {
    // Remotely managed tunnel: its ingress lives in Cloudflare (the config below), the connector only needs the token.
    const tunnel = new cloudflare.ZeroTrustTunnelCloudflared(
      `${name}-tunnel`,
      { accountId: args.accountId, name: `${args.scriptName}-tunnel`, configSrc: "cloudflare" },
      { parent: this },
    );
    new cloudflare.ZeroTrustTunnelCloudflaredConfig(
      `${name}-tunnel-config`,
      {
        accountId: args.accountId,
        tunnelId: tunnel.id,
        config: {
          ingresses: [
            ...c.origins.map((o) => ({
              hostname: o.hostname,
              service: o.service,
              originRequest: { ...(o.originServerName ? { originServerName: o.originServerName, httpHostHeader: o.originServerName } : {}), connectTimeout: 10 },
            })),
            // Anything else that reaches the tunnel is refused.
            { service: "http_status:404" },
          ],
        },
      },
      { parent: this },
    );
    for (const [i, o] of c.origins.entries()) {
      new cloudflare.DnsRecord(
        `${name}-tunnel-dns-${i}`,
        { zoneId: args.zoneId, name: o.hostname, type: "CNAME", content: pulumi.interpolate`${tunnel.id}.cfargotunnel.com`, proxied: true, ttl: 1 },
        { parent: this },
      );
    }
    return tunnel;
  }

  private allowCloudflareRanges(name: string, args: GatewayArgs, c: AllowlistConnectivity): void {
    // Synapse workspace firewall rules are IPv4 only; Workers subrequests to Azure leave over IPv4.
    const ranges = cloudflare.getIpRangesOutput({}, { parent: this });
    ranges.ipv4Cidrs.apply((cidrs) =>
      cidrs.map((cidr, i) => {
        const { start, end } = cidrRange(cidr);
        return new azure.synapse.IpFirewallRule(
          `${name}-cf-${i}`,
          { resourceGroupName: c.synapse.resourceGroupName, workspaceName: c.synapse.name, ruleName: `cloudflare-${i}`, startIpAddress: start, endIpAddress: end },
          { parent: this },
        );
      }),
    );
  }
}

function readBundle(path: string, gateway: pulumi.Resource): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new pulumi.ResourceError(`Gateway bundle ${path} not found: run \`npm run build:gateway\` before the Pulumi program`, gateway);
  }
}
