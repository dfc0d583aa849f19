import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "./naming";
import { PRIVATE_DNS_ZONES, type PrivateLinkGroup } from "./network/private-dns";
import { assignRole, type RoleAssignmentSpec } from "./identity/roles";

export type LockLevel = "CanNotDelete" | "ReadOnly";

/**
 * The optional inputs every platform component accepts, like Azure Verified Modules: where its diagnostics go,
 * whether it is locked and protected, where its private endpoints live, who gets which role on it, extra tags.
 */
export interface CrossCuttingArgs {
  /** Send allLogs/audit and AllMetrics to this Log Analytics workspace. Default: no diagnostic settings. */
  readonly diagnostics?: { readonly workspaceId: pulumi.Input<string> };
  /** Management lock on the component's stateful resources (prod: CanNotDelete). Default: no lock. */
  readonly lock?: LockLevel;
  /** Pulumi `protect` on the component's stateful resources, so `up`/`destroy` cannot delete them. Default: false. */
  readonly protect?: boolean;
  /** Subnet and private DNS zones (zone name → zone ID) for the component's private endpoints. Default: no private endpoints. */
  readonly privateEndpoints?: PrivateEndpointPlacement;
  /** Extra role assignments on the component's main resource. Default: none. */
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
  (args.roleAssignments ?? []).forEach((spec, i) => {
    assignRole(`${name}-${target.purpose}-ra-${i}`, target.id, spec, opts);
  });
  return { ...(diagnostic ? { diagnosticSetting: diagnostic } : {}), ...(lock ? { lock } : {}), privateEndpoints };
}

export function diagnosticSetting(
  name: string,
  targetId: pulumi.Input<string>,
  workspaceId: pulumi.Input<string>,
  support: DiagnosticSupport,
  opts: pulumi.CustomResourceOptions,
): azure.monitor.DiagnosticSetting {
  return new azure.monitor.DiagnosticSetting(
    name,
    {
      name: "to-log-analytics",
      resourceUri: targetId,
      workspaceId,
      logAnalyticsDestinationType: "Dedicated",
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
