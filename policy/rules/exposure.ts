import { asArray, get, is, type Props } from "../props";
import { resourceRule, stackRule } from "../rule";
import { T } from "../../contracts/resource-types";
import { parseCidr } from "../../lib/ipv4";

/**
 * Public endpoints the platform intends, with the reason. Anything else with public network access enabled fails.
 * Log Analytics: diagnostic settings ingest over the Azure backbone and a private link scope (AMPLS) would capture
 * DNS for every workspace in the VNet; access stays Entra-only (loganalytics-no-local-auth).
 */
export const INTENDED_PUBLIC_ENDPOINTS: readonly { type: string; path: string; reason: string }[] = [
  { type: T.logAnalytics, path: "publicNetworkAccessForIngestion", reason: "diagnostic ingestion; Entra-only access" },
  { type: T.logAnalytics, path: "publicNetworkAccessForQuery", reason: "portal/KQL queries; Entra-only access" },
];

const PUBLIC_ACCESS_PATHS = [
  "publicNetworkAccess",
  "properties.publicNetworkAccess",
  "network.publicNetworkAccess",
  "publicNetworkAccessForIngestion",
  "publicNetworkAccessForQuery",
];

/**
 * "The whole internet", measured rather than spelled: one rule admitting more than a /8 (16.7 M addresses) is open to
 * the internet whatever its exact bounds (0.0.0.1-255.255.255.255, 0.0.0.0/1 + 128.0.0.0/1 …). Cloudflare's largest
 * published range is a /13, so the allowlist opt-in stays well inside.
 */
const MAX_RULE_ADDRESSES = 2 ** 24;

function openCidr(value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (["*", "internet", "any", "::/0"].includes(value.toLowerCase())) return true;
  const cidr = parseCidr(value);
  return cidr !== undefined && 2 ** (32 - cidr.prefixLength) > MAX_RULE_ADDRESSES;
}

export const noPublicNetworkAccess = resourceRule({
  name: "no-public-network-access",
  description:
    "No Azure resource enables public network access unless listed in INTENDED_PUBLIC_ENDPOINTS (policy/rules/exposure.ts) with its reason; no firewall rule or IP rule opens a resource to the whole internet (measured: no single rule spans more than a /8). The one configurable exception: allowCloudflareAllowlist=true admits a Synapse workspace's public endpoint for stacks with dataplatform:cloudflare.connectivity=allowlist (its firewall then admits Cloudflare's published ranges only; the same opt-in as synapse-no-public-access).",
  severity: "critical",
  benchmarks: { mcsb: ["NS-2"] },
  remediationSteps: "Set publicNetworkAccess to Disabled and use the private endpoints from attachCrossCutting; or add the endpoint to INTENDED_PUBLIC_ENDPOINTS with a reason reviewers accept.",
  types: "*",
  config: { allowCloudflareAllowlist: { type: "boolean", default: false } },
  check(props, ctx, report) {
    if (!ctx.args.type.startsWith("azure-native:")) return;
    const allowlistOptIn = ctx.config["allowCloudflareAllowlist"] === true && ctx.args.type === T.synapseWorkspace;
    for (const path of PUBLIC_ACCESS_PATHS) {
      const value = get(props, path);
      if (!is(value, "Enabled")) continue;
      const intended =
        INTENDED_PUBLIC_ENDPOINTS.some((e) => e.type === ctx.args.type && e.path === path) || (allowlistOptIn && path === "publicNetworkAccess");
      if (!intended) report(`${path} is Enabled and not an intended public endpoint`);
    }
    const span = ctx.args.type === T.synapseFirewallRule ? rangeSize(props) : undefined;
    if (span !== undefined && span > MAX_RULE_ADDRESSES) {
      report(`Synapse firewall rule ${String(props["startIpAddress"])}-${String(props["endIpAddress"])} admits more than a /8 of the IPv4 internet`);
    }
    for (const path of ["properties.networkAcls.ipRules", "networkRuleSet.ipRules"]) {
      for (const rule of asArray(get(props, path))) {
        if (openCidr(get(rule, "value")) || openCidr(get(rule, "iPAddressOrRange"))) report(`${path} opens the resource to the internet`);
      }
    }
    if (ctx.args.type === T.networkSecurityGroup) {
      for (const rule of asArray(props["securityRules"])) {
        const inboundAllow = is(get(rule, "direction"), "Inbound") && is(get(rule, "access"), "Allow");
        if (inboundAllow && openCidr(get(rule, "sourceAddressPrefix"))) report(`NSG rule ${String(get(rule, "name"))} allows inbound from the internet`);
      }
    }
  },
});

/** How many addresses a start-end firewall rule admits; undefined when either end is no IPv4 address. */
function rangeSize(props: Props): number | undefined {
  const address = (value: unknown) => (typeof value === "string" ? parseCidr(`${value}/32`)?.network : undefined);
  const start = address(props["startIpAddress"]);
  const end = address(props["endIpAddress"]);
  return start === undefined || end === undefined ? undefined : end - start + 1;
}

const CLOUDFLARE = {
  dnsRecord: "cloudflare:index/dnsRecord:DnsRecord",
  tunnelConfig: "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig",
  accessApplication: "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication",
  workersCustomDomain: "cloudflare:index/workersCustomDomain:WorkersCustomDomain",
  workersRoute: "cloudflare:index/workersRoute:WorkersRoute",
} as const;

/** A CNAME to `<tunnel-id>.cfargotunnel.com` publishes the tunnel under that name (Cloudflare Tunnel DNS routing). */
const TUNNEL_TARGET = /\.cfargotunnel\.com\.?$/i;

const host = (value: unknown): string | undefined => {
  if (typeof value !== "string" || value === "") return undefined;
  const bare = value.replace(/^[a-z]+:\/\//i, "").split("/")[0]!.toLowerCase().replace(/\.$/, "");
  return bare || undefined;
};

/**
 * Every public host name that reaches a Cloudflare Tunnel: proxied CNAMEs to `*.cfargotunnel.com` and host names in a
 * tunnel's ingress rules (a remotely managed tunnel serves them once any DNS record points there). With where each came from.
 */
export function publicTunnelHostnames(resources: readonly { type: string; name: string; urn: string; props: Props }[]): { hostname: string; urn: string; source: string }[] {
  const found: { hostname: string; urn: string; source: string }[] = [];
  for (const r of resources) {
    if (r.type === CLOUDFLARE.dnsRecord && TUNNEL_TARGET.test(String(r.props["content"] ?? ""))) {
      const name = host(r.props["name"]);
      if (name) found.push({ hostname: name, urn: r.urn, source: `DNS record ${r.name}` });
    }
    if (r.type === CLOUDFLARE.tunnelConfig) {
      for (const ingress of asArray(get(r.props, "config.ingresses"))) {
        const name = host(get(ingress, "hostname"));
        if (name) found.push({ hostname: name, urn: r.urn, source: `ingress of ${r.name}` });
      }
    }
  }
  return found;
}

/** Host names a Worker serves (custom domains, routes) or a Cloudflare Access application with a policy guards. */
function guardedHostnames(resources: readonly { type: string; props: Props }[]): Set<string> {
  const guarded = new Set<string>();
  for (const r of resources) {
    if (r.type === CLOUDFLARE.workersCustomDomain) guarded.add(host(r.props["hostname"]) ?? "");
    if (r.type === CLOUDFLARE.workersRoute) guarded.add(host(r.props["pattern"]) ?? "");
    // Access answers every request to its application's domains and admits only what a policy allows (e.g. the
    // Worker's service token): https://developers.cloudflare.com/cloudflare-one/identity/service-tokens/
    if (r.type === CLOUDFLARE.accessApplication && asArray(r.props["policies"]).length > 0) {
      const domains = [r.props["domain"], ...asArray(r.props["selfHostedDomains"]), ...asArray(r.props["destinations"]).map((d) => get(d, "uri"))];
      for (const d of domains) guarded.add(host(d) ?? "");
    }
  }
  guarded.delete("");
  return guarded;
}

export const tunnelHostnameGuarded = stackRule({
  name: "tunnel-hostname-behind-gateway-or-access",
  description:
    "No public host name reaches a Cloudflare Tunnel (a CNAME to *.cfargotunnel.com or a tunnel ingress host name) unless the gateway Worker serves it or a Cloudflare Access application with a policy (the Worker's service token) covers it. Tunnel-connected origins are reached through Workers VPC bindings, which need no public name at all.",
  severity: "critical",
  benchmarks: { mcsb: ["NS-2"] },
  remediationSteps:
    "Reach the origin through a Workers VPC service binding (components/gateway, tunnel mode) and delete the public record; if it must keep a public name, put a Cloudflare Access application with a service-token policy in front and give only the Worker the token.",
  check(resources, _ctx, report) {
    const guarded = guardedHostnames(resources);
    for (const t of publicTunnelHostnames(resources)) {
      if (!guarded.has(t.hostname)) report(`${t.hostname} (${t.source}) reaches a tunnel with neither the gateway Worker nor Cloudflare Access in front`, t.urn);
    }
  },
});

/**
 * What the stack makes reachable from the internet, for the offline plan: every Cloudflare host name it creates (Workers
 * custom domains and routes, DNS records, tunnel ingress names) with what stands in front, and every Azure resource with
 * public network access Enabled (by the paths this rule checks). Computed from the graph, not declared.
 */
export function publicReachability(resources: readonly { type: string; name: string; urn: string; props: Props }[]): string[] {
  const lines: string[] = [];
  const access = new Set<string>();
  for (const r of resources) {
    if (r.type === CLOUDFLARE.accessApplication && asArray(r.props["policies"]).length > 0) {
      for (const d of [r.props["domain"], ...asArray(r.props["selfHostedDomains"]), ...asArray(r.props["destinations"]).map((x) => get(x, "uri"))]) {
        const h = host(d);
        if (h) access.add(h);
      }
    }
  }
  for (const r of resources) {
    if (r.type === CLOUDFLARE.workersCustomDomain) lines.push(`${host(r.props["hostname"])}: Worker ${String(r.props["service"])} (custom domain ${r.name})`);
    if (r.type === CLOUDFLARE.workersRoute) lines.push(`${String(r.props["pattern"])}: Worker ${String(r.props["script"])} (route ${r.name})`);
    if (r.type === CLOUDFLARE.dnsRecord && !TUNNEL_TARGET.test(String(r.props["content"] ?? ""))) {
      lines.push(`${host(r.props["name"])}: DNS ${String(r.props["type"])} ${String(r.props["content"])}${r.props["proxied"] ? " (proxied)" : ""}`);
    }
  }
  for (const t of publicTunnelHostnames(resources)) {
    lines.push(`${t.hostname}: Cloudflare Tunnel (${t.source}), ${access.has(t.hostname) ? "behind Cloudflare Access" : "NOT GUARDED"}`);
  }
  for (const r of resources) {
    if (!r.type.startsWith("azure-native:")) continue;
    for (const path of PUBLIC_ACCESS_PATHS) {
      if (is(get(r.props, path), "Enabled")) lines.push(`${r.type} ${r.name}: ${path} Enabled (its public endpoint)`);
    }
  }
  return lines;
}
