import type { PolicyResource } from "@pulumi/policy";
import { get, is, known, KNOWN_LATER } from "../props";
import { stackRule } from "../rule";
import { T } from "../../contracts/resource-types";

/**
 * Resource types that support Azure Monitor diagnostic settings (logs and/or metrics), per
 * https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/logs-index. Add a type here when the
 * platform starts creating it. Private DNS zones, private endpoints and role assignments have no diagnostic settings.
 */
export const DIAGNOSTIC_TYPES: readonly string[] = [
  T.vault,
  T.storageAccount,
  T.synapseWorkspace,
  T.synapseSqlPool,
  T.synapseSparkPool,
  T.dataFactory,
  T.managedEnvironment,
  T.containerApp,
  T.postgres,
  T.backupVault,
  T.logAnalytics,
  T.virtualNetwork,
  T.networkSecurityGroup,
];

/**
 * Does `dependent` point at `target` through `input` (resolved value or, during preview, the property dependency)?
 * In a preview the ID of a resource being created, and every input computed from it, is unknown (and reading it
 * would make the whole stack rule a "can't run during preview" advisory): then the property dependency decides.
 */
function targets(dependent: PolicyResource, input: string, target: PolicyResource): boolean {
  if ((dependent.propertyDependencies[input] ?? []).some((r) => r.urn === target.urn)) return true;
  const value = known(dependent.props, input);
  const id = known(target.props, "id");
  if (value === KNOWN_LATER || id === KNOWN_LATER) return false;
  const resolved = String(value ?? "").toLowerCase();
  const targetId = String(id ?? "").toLowerCase();
  return targetId !== "" && (resolved === targetId || resolved.startsWith(`${targetId}/`));
}

/** An input that is set: a known non-empty value, or (preview) one computed from another resource's output. */
function isSet(resource: PolicyResource, input: string): boolean {
  const value = known(resource.props, input);
  return value === KNOWN_LATER ? (resource.propertyDependencies[input] ?? []).length > 0 : Boolean(value);
}

export const diagnosticsEverywhere = stackRule({
  name: "diagnostics-on-supported-resources",
  description:
    "Every resource whose type supports diagnostic settings (DIAGNOSTIC_TYPES in policy/rules/operations.ts) has a DiagnosticSetting whose resourceUri is that resource (or one of its sub-services) sending to a Log Analytics workspace. A Container Apps environment may instead ship logs with appLogsConfiguration destination log-analytics.",
  severity: "medium",
  benchmarks: { mcsb: ["LT-3", "LT-4"], psrule: ["Azure.KeyVault.Logs"] },
  remediationSteps: "Pass `diagnostics: monitoring.diagnostics` to the component and give its target a `diagnostics` support entry in attachCrossCutting.",
  check(resources, _ctx, report) {
    const settings = resources.filter((r) => r.type === T.diagnosticSetting);
    for (const resource of resources.filter((r) => DIAGNOSTIC_TYPES.includes(r.type))) {
      if (resource.type === T.managedEnvironment && is(get(resource.props, "appLogsConfiguration.destination"), "log-analytics")) continue;
      const covered = settings.some((s) => targets(s, "resourceUri", resource) && isSet(s, "workspaceId"));
      if (!covered) report(`${resource.type} ${resource.name} has no diagnostic setting to Log Analytics`, resource.urn);
    }
  },
});

/** Resources whose deletion loses data or keys: protected everywhere, locked in prod. */
export const STATEFUL_TYPES: readonly string[] = [
  T.vault,
  T.storageAccount,
  T.synapseWorkspace,
  T.synapseSqlPool,
  T.postgres,
  T.backupVault,
  T.logAnalytics,
];

export const statefulDurability = stackRule({
  name: "stateful-durability",
  description:
    "Stateful resources (STATEFUL_TYPES in policy/rules/operations.ts) and the resource group holding them are `protect`ed in every environment; in prod each stateful resource also has a CanNotDelete management lock. dev and test exception: no lock, so an admin can tear a disposable environment down after unprotecting it (docs/environments.md).",
  severity: "high",
  benchmarks: { mcsb: ["BR-2"] },
  remediationSteps: "Pass protect/lock from DataPlatform.durability() to the component (dataplatform:durability, prod default CanNotDelete).",
  check(resources, ctx, report) {
    const locks = resources.filter(
      (r) => (r.type === T.lockByScope || r.type === T.lockAtResourceLevel) && is(r.props["level"], "CanNotDelete"),
    );
    const stateful = resources.filter((r) => STATEFUL_TYPES.includes(r.type));
    for (const resource of stateful) {
      if (!resource.opts.protect) report(`${resource.type} ${resource.name} is not protected`, resource.urn);
      if (ctx.env === "prod" && !locks.some((l) => targets(l, "scope", resource))) {
        report(`${resource.type} ${resource.name} has no CanNotDelete lock in prod`, resource.urn);
      }
    }
    if (stateful.length > 0) {
      for (const group of resources.filter((r) => r.type === T.resourceGroup)) {
        if (!group.opts.protect) report(`resource group ${group.name} holds stateful resources but is not protected`, group.urn);
      }
    }
  },
});
