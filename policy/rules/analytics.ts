import { get, is } from "../props";
import { resourceRule } from "../rule";
import { T } from "../../contracts/resource-types";

export const synapseManagedNetwork = resourceRule({
  name: "synapse-managed-network",
  description: "Synapse workspaces run in a managed virtual network with data exfiltration protection on.",
  severity: "high",
  benchmarks: { mcsb: ["NS-2"], checkov: ["CKV_AZURE_58", "CKV_AZURE_157"] },
  remediationSteps: "Set managedVirtualNetwork: \"default\" and managedVirtualNetworkSettings.preventDataExfiltration: true (both are create-only).",
  types: [T.synapseWorkspace],
  check(props, _ctx, report) {
    if (!is(props["managedVirtualNetwork"], "default")) report("workspace has no managed virtual network");
    if (get(props, "managedVirtualNetworkSettings.preventDataExfiltration") !== true) report("data exfiltration protection is off");
  },
});

export const synapseEntraOnly = resourceRule({
  name: "synapse-entra-only",
  description: "Synapse SQL accepts Entra ID authentication only: azureADOnlyAuthentication=true and no SQL administrator password.",
  severity: "high",
  benchmarks: { mcsb: ["IM-1"] },
  remediationSteps: "Set azureADOnlyAuthentication: true, drop sqlAdministratorLoginPassword, add a WorkspaceAadAdmin group.",
  types: [T.synapseWorkspace],
  check(props, _ctx, report) {
    if (props["azureADOnlyAuthentication"] !== true) report("azureADOnlyAuthentication is not true");
    if (props["sqlAdministratorLoginPassword"]) report("a SQL administrator password is set");
  },
});

export const synapsePublicAccess = resourceRule({
  name: "synapse-no-public-access",
  description:
    "Synapse workspaces disable public network access. Exception only through config allowCloudflareAllowlist=true, for stacks with dataplatform:cloudflare.connectivity=allowlist, where the firewall admits Cloudflare's published ranges only (see synapse firewall rules in no-public-network-access).",
  severity: "high",
  benchmarks: { mcsb: ["NS-2"] },
  remediationSteps: "Set publicNetworkAccess: \"Disabled\" and reach the workspace through private endpoints (tunnel mode).",
  types: [T.synapseWorkspace],
  config: { allowCloudflareAllowlist: { type: "boolean", default: false } },
  check(props, ctx, report) {
    if (ctx.config["allowCloudflareAllowlist"] === true) return;
    if (!is(props["publicNetworkAccess"], "Disabled")) report(`publicNetworkAccess is ${JSON.stringify(props["publicNetworkAccess"])}; must be Disabled`);
  },
});

export const dataFactoryNoPublicAccess = resourceRule({
  name: "datafactory-no-public-access",
  description: "Data Factories disable public network access; integration runs in the managed VNet with approved managed private endpoints.",
  severity: "high",
  benchmarks: { mcsb: ["NS-2"], checkov: ["CKV_AZURE_104"] },
  remediationSteps: "Set publicNetworkAccess: \"Disabled\".",
  types: [T.dataFactory],
  check(props, _ctx, report) {
    if (!is(props["publicNetworkAccess"], "Disabled")) report(`publicNetworkAccess is ${JSON.stringify(props["publicNetworkAccess"])}; must be Disabled`);
  },
});

export const dataFactoryManagedIdentity = resourceRule({
  name: "datafactory-managed-identity",
  description: "Data Factories have a system-assigned managed identity, so linked services authenticate without stored credentials.",
  severity: "medium",
  benchmarks: { mcsb: ["IM-3"] },
  remediationSteps: "Set identity: { type: \"SystemAssigned\" }.",
  types: [T.dataFactory],
  check(props, _ctx, report) {
    if (!/SystemAssigned/i.test(String(get(props, "identity.type") ?? ""))) report("factory has no system-assigned managed identity");
  },
});

export const logAnalyticsNoLocalAuth = resourceRule({
  name: "loganalytics-no-local-auth",
  description: "Log Analytics workspaces disable local (shared key) authentication: only Entra identities read or write.",
  severity: "high",
  benchmarks: { mcsb: ["IM-1"] },
  remediationSteps: "Set features.disableLocalAuth: true.",
  types: [T.logAnalytics],
  check(props, _ctx, report) {
    if (get(props, "features.disableLocalAuth") !== true) report("features.disableLocalAuth is not true");
  },
});

export const logAnalyticsRetention = resourceRule({
  name: "loganalytics-retention",
  description: "Log Analytics workspaces keep data at least minRetentionDays (default 30) so incidents can be investigated.",
  severity: "medium",
  benchmarks: { mcsb: ["LT-6"] },
  remediationSteps: "Raise dataplatform:monitoring.retentionInDays.",
  types: [T.logAnalytics],
  config: { minRetentionDays: { type: "integer", default: 30 } },
  check(props, ctx, report) {
    const days = props["retentionInDays"];
    const min = ctx.config["minRetentionDays"] as number;
    if (typeof days !== "number" || days < min) report(`retentionInDays is ${String(days)}; at least ${min} required`);
  },
});
