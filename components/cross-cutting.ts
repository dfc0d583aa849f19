import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "./naming";
import { PRIVATE_DNS_ZONES, type PrivateLinkGroup } from "./network/private-dns";
import { assignRole, roleAssignmentChildNames, type RoleAssignmentSpec } from "./identity/roles";
import { tryParseResourceId } from "../lib/resource-id";

export type LockLevel = "CanNotDelete" | "ReadOnly";

/**
 * The optional inputs every platform component accepts, like Azure Verified Modules: where its diagnostics go,
 * whether it is locked and protected, where its private endpoints live, who gets which role on it, extra tags.
 *
 * They describe the component, not each of its resources (issue 9 D6): `roleAssignments` land on the component's main
 * resource only, once (`attachCrossCutting` refuses a second target in the same component). Which resources send
 * diagnostics, carry the lock or get private endpoints is the component's own fixed choice, documented per field.
 */
export interface CrossCuttingArgs {
  /**
   * Log Analytics workspace for diagnostics. The component decides which of its resources send (its main resource,
   * plus the sub-resources operations need: e.g. the lake's blob service, the Orchestrator's Postgres server and apps,
   * the Synapse pools, the NSGs); each gets exactly one setting. Default: no diagnostic settings.
   */
  readonly diagnostics?: { readonly workspaceId: pulumi.Input<string> };
  /**
   * Management lock on the component's stateful resources, one lock each (prod: CanNotDelete): the main resource,
   * except the Orchestrator, whose only stateful resource is its Postgres server; Synapse also locks its dedicated SQL
   * pool (policy `stateful-durability` checks every stateful resource). Default: no lock.
   */
  readonly lock?: LockLevel;
  /** Pulumi `protect` on the component's stateful resources, so `up`/`destroy` cannot delete them. Default: false. */
  readonly protect?: boolean;
  /** Subnet and private DNS zones (zone name → zone ID) for the component's private endpoints. Default: no private endpoints. */
  readonly privateEndpoints?: PrivateEndpointPlacement;
  /** Role assignments on the component's main resource (and on nothing else). Default: none. */
  readonly roleAssignments?: readonly RoleAssignmentSpec[];
  /** Tags beyond the platform's own (those are applied to every resource by `registerPlatformTags`). Default: none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What every component needs to place its resources. */
export interface PlacementArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  readonly naming: Naming;
}

export interface PrivateEndpointPlacement {
  readonly subnetId: pulumi.Input<string>;
  readonly dnsZoneIds: Readonly<Record<string, pulumi.Input<string>>>;
}

/** Which diagnostic categories a resource type supports: Azure rejects a setting that names one it lacks. */
export interface DiagnosticSupport {
  readonly logs: "allLogs" | "audit" | "none";
  readonly metrics: boolean;
}

export interface Target {
  /** Short purpose used in child names (`vault`, `lake`). */
  readonly purpose: string;
  readonly id: pulumi.Input<string>;
  /** The diagnostic categories the target's type supports. Default: the target gets no diagnostic setting. */
  readonly diagnostics?: DiagnosticSupport;
  /** Private Link sub-resources that each get a private endpoint (when `privateEndpoints` is given). Default: none. */
  readonly privateLinkGroups?: readonly PrivateLinkGroup[];
  /** Resources every child created here waits for (a target that takes one operation at a time). Default: none. */
  readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

/** A private endpoint and the DNS zone group that makes its name resolve: the endpoint is usable once both exist. */
export interface PrivateEndpointChildren {
  readonly endpoint: azure.network.PrivateEndpoint;
  readonly dnsZoneGroup: azure.network.PrivateDnsZoneGroup;
}

/** What attachCrossCutting created, for callers that must order other resources after it. */
export interface CrossCuttingChildren {
  readonly diagnosticSetting?: azure.monitor.DiagnosticSetting;
  readonly lock?: azure.authorization.ManagementLockByScope;
  readonly privateEndpoints: readonly PrivateEndpointChildren[];
}

/** Per component: the target its `roleAssignments` went to (a second target is a plumbing bug, refused). */
const roleAssignmentTarget = new WeakMap<pulumi.Resource, string>();

/**
 * Creates the cross-cutting children of one target resource: diagnostic setting, lock, private endpoints (with DNS
 * zone groups) and role assignments. Children are named from `name` (the component's name) and parented to `parent`.
 */
export function attachCrossCutting(
  parent: pulumi.Resource,
  name: string,
  placement: PlacementArgs,
  target: Target,
  args: CrossCuttingArgs,
): CrossCuttingChildren {
  const opts = { parent, ...(target.dependsOn ? { dependsOn: [...target.dependsOn] } : {}) };
  if ((args.roleAssignments ?? []).length > 0) {
    const first = roleAssignmentTarget.get(parent);
    if (first !== undefined && first !== target.purpose) {
      throw new pulumi.ResourceError(
        `${name}: roleAssignments were already attached to ${first}; they apply to the component's main resource only, not also to ${target.purpose}`,
        parent,
      );
    }
    roleAssignmentTarget.set(parent, target.purpose);
  }
  let diagnostic: azure.monitor.DiagnosticSetting | undefined;
  let lock: azure.authorization.ManagementLockByScope | undefined;
  const privateEndpoints: PrivateEndpointChildren[] = [];
  if (args.diagnostics && target.diagnostics) {
    diagnostic = diagnosticSetting(`${name}-${target.purpose}-diag`, target.id, args.diagnostics.workspaceId, target.diagnostics, opts);
  }
  if (args.lock) {
    lock = new azure.authorization.ManagementLockByScope(
      `${name}-${target.purpose}-lock`,
      {
        scope: target.id,
        level: args.lock,
        lockName: placement.naming.name("managementLock", target.purpose),
        notes: "Stateful platform resource: remove the lock through config (dataplatform:durability.lock), never by hand.",
      },
      opts,
    );
  }
  for (const group of target.privateLinkGroups ?? []) {
    if (!args.privateEndpoints) break;
    privateEndpoints.push(privateEndpoint(`${name}-${target.purpose}-${group.toLowerCase()}`, placement, target, group, args.privateEndpoints, opts));
  }
  roleAssignments(parent, `${name}-${target.purpose}`, target.id, args.roleAssignments ?? []);
  return { ...(diagnostic ? { diagnosticSetting: diagnostic } : {}), ...(lock ? { lock } : {}), privateEndpoints };
}

/**
 * The callers' role assignments on one target, named by content (`<prefix>-<key>-<role-slug>`), never by list position:
 * reordering the list changes no URN and no input. Each keeps an alias to the position-based name it had before
 * (`<prefix>-ra-<i>`, https://www.pulumi.com/docs/iac/concepts/options/aliases/), so a stack deployed with those names
 * adopts its assignments instead of creating duplicates (which ARM refuses with RoleAssignmentExists). That alias is
 * right only if the list is in its previously deployed order on the first `up` after this change; reorder afterwards.
 * All names are checked before the first assignment is registered.
 */
function roleAssignments(parent: pulumi.Resource, prefix: string, scope: pulumi.Input<string>, specs: readonly RoleAssignmentSpec[]): void {
  let names: string[];
  try {
    names = roleAssignmentChildNames(prefix, specs);
  } catch (error) {
    throw new pulumi.ResourceError((error as Error).message, parent);
  }
  specs.forEach((spec, i) => {
    assignRole(names[i]!, scope, spec, { parent, aliases: [{ name: `${prefix}-ra-${i}` }] });
  });
}

/**
 * Resource types (lowercase) whose resource logs, for the categories the platform enables, land in resource-specific
 * tables: only for these is `logAnalyticsDestinationType: Dedicated` meaningful. Per type, the "Log table" column of
 * https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/<type>-logs (MicrosoftDocs/azure-reference-other
 * azure-monitor-ref/supported-logs/includes/*-logs-include.md):
 * - keyvault/vaults: AuditEvent → AZKVAuditLogs;
 * - operationalinsights/workspaces: Audit → LAQueryLogs;
 * - storage/storageaccounts/blobservices: StorageRead|Write|Delete → StorageBlobLogs;
 * - app/managedenvironments: ContainerAppConsoleLogs, ContainerAppSystemLogs;
 * - datafactory/factories: ActivityRuns → ADFActivityRun, PipelineRuns → ADFPipelineRun, …;
 * - dataprotection/backupvaults: AddonAzureBackupJobs, CoreAzureBackup, … (the categories are the resource-specific tables);
 * - synapse/workspaces (SynapseRbacOperations, SynapseGatewayApiRequests, …), synapse/workspaces/sqlpools
 *   (SynapseSqlPoolExecRequests, …), synapse/workspaces/bigdatapools (SynapseBigDataPoolApplicationsEnded).
 * Not listed, so no destination type: network/networksecuritygroups and dbforpostgresql/flexibleservers (AzureDiagnostics
 * only), network/virtualnetworks (VMProtectionAlerts: no Log Analytics table), and metrics-only targets (the storage
 * account, container apps). ARM does not keep `Dedicated` for those, so after a refresh it diffs on every preview.
 */
export const RESOURCE_SPECIFIC_LOG_TYPES: readonly string[] = [
  "microsoft.keyvault/vaults",
  "microsoft.operationalinsights/workspaces",
  "microsoft.storage/storageaccounts/blobservices",
  "microsoft.app/managedenvironments",
  "microsoft.datafactory/factories",
  "microsoft.dataprotection/backupvaults",
  "microsoft.synapse/workspaces",
  "microsoft.synapse/workspaces/sqlpools",
  "microsoft.synapse/workspaces/bigdatapools",
];

/** `Dedicated` when the target's type has resource-specific tables and the setting sends logs; otherwise nothing. */
export function logAnalyticsDestinationType(resourceType: string, support: DiagnosticSupport): "Dedicated" | undefined {
  return support.logs !== "none" && RESOURCE_SPECIFIC_LOG_TYPES.includes(resourceType.toLowerCase()) ? "Dedicated" : undefined;
}

export function diagnosticSetting(
  name: string,
  targetId: pulumi.Input<string>,
  workspaceId: pulumi.Input<string>,
  support: DiagnosticSupport,
  opts: pulumi.CustomResourceOptions,
): azure.monitor.DiagnosticSetting {
  const destinationType = pulumi.output(targetId).apply((id) => {
    const parsed = tryParseResourceId(id);
    if (!parsed) throw new pulumi.ResourceError(`diagnostic setting ${name}: "${id}" is not a resource ID`, opts.parent);
    return logAnalyticsDestinationType(parsed.type, support);
  });
  return new azure.monitor.DiagnosticSetting(
    name,
    {
      name: "to-log-analytics",
      resourceUri: targetId,
      workspaceId,
      logAnalyticsDestinationType: destinationType,
      logs: support.logs === "none" ? [] : [{ categoryGroup: support.logs, enabled: true }],
      metrics: support.metrics ? [{ category: "AllMetrics", enabled: true }] : [],
    },
    opts,
  );
}

function privateEndpoint(
  name: string,
  placement: PlacementArgs,
  target: Target,
  group: PrivateLinkGroup,
  where: PrivateEndpointPlacement,
  opts: pulumi.CustomResourceOptions,
): PrivateEndpointChildren {
  const zoneName = PRIVATE_DNS_ZONES[group];
  const zoneId = where.dnsZoneIds[zoneName];
  if (zoneId === undefined) throw new pulumi.ResourceError(`private endpoint ${name}: no private DNS zone ${zoneName} for group ${group}`, opts.parent);
  const endpointName = placement.naming.name("privateEndpoint", `${target.purpose}-${group.toLowerCase()}`);
  const endpoint = new azure.network.PrivateEndpoint(
    name,
    {
      privateEndpointName: endpointName,
      resourceGroupName: placement.resourceGroupName,
      location: placement.location,
      subnet: { id: where.subnetId },
      customNetworkInterfaceName: `${endpointName}-nic`,
      privateLinkServiceConnections: [{ name: endpointName, privateLinkServiceId: target.id, groupIds: [group] }],
    },
    opts,
  );
  const dnsZoneGroup = new azure.network.PrivateDnsZoneGroup(
    `${name}-dns`,
    {
      privateDnsZoneGroupName: "default",
      privateEndpointName: endpoint.name,
      resourceGroupName: placement.resourceGroupName,
      privateDnsZoneConfigs: [{ name: zoneName.replace(/\./g, "-"), privateDnsZoneId: zoneId }],
    },
    opts,
  );
  return { endpoint, dnsZoneGroup };
}
