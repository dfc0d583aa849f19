import { asArray, get, is, type Props } from "../props";
import { resourceRule } from "../rule";
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
