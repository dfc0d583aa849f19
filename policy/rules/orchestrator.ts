import { get, is } from "../props";
import { resourceRule } from "../rule";
import { T } from "../../contracts/resource-types";

export const containerAppInternalIngress = resourceRule({
  name: "containerapp-internal-ingress",
  description:
    "Container Apps have no external ingress (ingress.external=false keeps them inside their environment) and never allow insecure HTTP. An app that is meant to be external must be named in config intendedExternalIngress (default: none; the gateway reaches apps through the Cloudflare tunnel).",
  severity: "high",
  benchmarks: { mcsb: ["NS-2"], psrule: ["Azure.ContainerApp.Insecure"] },
  remediationSteps: "Set configuration.ingress.external: false and allowInsecure: false, or drop ingress for workers.",
  types: [T.containerApp],
  config: { intendedExternalIngress: { type: "array", items: { type: "string" }, default: [] } },
  check(props, ctx, report) {
    const ingress = get(props, "configuration.ingress");
    if (!ingress) return;
    const allowed = (ctx.config["intendedExternalIngress"] as string[]).includes(ctx.args.name);
    if (get(ingress, "external") !== false && !allowed) report("ingress is external (or external is unset); set external: false");
    if (get(ingress, "allowInsecure") === true) report("ingress allows insecure HTTP");
  },
});

export const containerAppsEnvironmentInternal = resourceRule({
  name: "containerapps-environment-internal",
  description: "Container Apps environments are VNet-injected and internal (no public load balancer), and do not enable public network access.",
  severity: "high",
  benchmarks: { mcsb: ["NS-2"], psrule: ["Azure.ContainerApp.PublicAccess"] },
  remediationSteps: "Set vnetConfiguration: { internal: true, infrastructureSubnetId } and publicNetworkAccess: \"Disabled\".",
  types: [T.managedEnvironment],
  check(props, _ctx, report) {
    if (get(props, "vnetConfiguration.internal") !== true) report("environment is not internal (vnetConfiguration.internal)");
    if (!get(props, "vnetConfiguration.infrastructureSubnetId")) report("environment is not VNet-injected (no infrastructureSubnetId)");
    if (is(props["publicNetworkAccess"], "Enabled")) report("publicNetworkAccess is Enabled");
  },
});

export const containerAppsEnvironmentZoneRedundant = resourceRule({
  name: "containerapps-environment-zone-redundant",
  description:
    "prod Container Apps environments are zone redundant. dev and test exception: single-zone is allowed there (cheap, disposable; docs/environments.md).",
  severity: "medium",
  benchmarks: { mcsb: ["BR-1"] },
  remediationSteps: "Set zoneRedundant: true (dataplatform:containerApps.zoneRedundant, default true in prod).",
  types: [T.managedEnvironment],
  check(props, ctx, report) {
    if (ctx.env === "prod" && props["zoneRedundant"] !== true) report("prod environment is not zone redundant");
  },
});

export const postgresPrivate = resourceRule({
  name: "postgres-no-public-access",
  description: "PostgreSQL flexible servers disable public network access (private endpoint or VNet integration only).",
  severity: "critical",
  benchmarks: { mcsb: ["NS-2"] },
  remediationSteps: "Set network.publicNetworkAccess: \"Disabled\".",
  types: [T.postgres],
  check(props, _ctx, report) {
    if (!is(get(props, "network.publicNetworkAccess"), "Disabled")) {
      report(`network.publicNetworkAccess is ${JSON.stringify(get(props, "network.publicNetworkAccess"))}; must be Disabled`);
    }
  },
});

export const postgresEntraAuth = resourceRule({
  name: "postgres-entra-auth",
  description: "PostgreSQL flexible servers authenticate with Entra ID only (activeDirectoryAuth Enabled, passwordAuth Disabled).",
  severity: "high",
  benchmarks: { mcsb: ["IM-1"], psrule: ["Azure.PostgreSQL.AAD", "Azure.PostgreSQL.AADOnly"] },
  remediationSteps: "Set authConfig: { activeDirectoryAuth: \"Enabled\", passwordAuth: \"Disabled\", tenantId }.",
  types: [T.postgres],
  check(props, _ctx, report) {
    if (!is(get(props, "authConfig.activeDirectoryAuth"), "Enabled")) report("Entra ID authentication is not enabled");
    if (!is(get(props, "authConfig.passwordAuth"), "Disabled")) report("password authentication is not disabled");
    if (props["administratorLoginPassword"]) report("an administrator password is set");
  },
});

export const postgresProdResilience = resourceRule({
  name: "postgres-prod-resilience",
  description:
    "prod PostgreSQL servers use zone-redundant high availability and geo-redundant backups. dev and test exception: no HA and locally redundant backups there (Prefect state is rebuildable; docs/environments.md).",
  severity: "high",
  benchmarks: { mcsb: ["BR-1"], psrule: ["Azure.PostgreSQL.GeoRedundantBackup"], checkov: ["CKV_AZURE_136"] },
  remediationSteps: "Set highAvailability.mode: \"ZoneRedundant\" and backup.geoRedundantBackup: \"Enabled\" (create-only).",
  types: [T.postgres],
  check(props, ctx, report) {
    if (ctx.env !== "prod") return;
    if (!is(get(props, "highAvailability.mode"), "ZoneRedundant")) report("prod server is not zone-redundant HA");
    if (!is(get(props, "backup.geoRedundantBackup"), "Enabled")) report("prod server backups are not geo-redundant");
  },
});
