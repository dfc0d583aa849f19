import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "../cross-cutting";

/** The one workload profile the environment runs: serverless Consumption (no dedicated nodes to pay for). */
export const WORKLOAD_PROFILE = "Consumption";

export interface EnvironmentSettings extends PlacementArgs, CrossCuttingArgs {
  /** Subnet delegated to Microsoft.App/environments (/27 or larger for a workload-profiles environment). */
  readonly infrastructureSubnetId: pulumi.Input<string>;
  /** VNet the private DNS zone for the environment's default domain is linked to. */
  readonly virtualNetworkId: pulumi.Input<string>;
  readonly zoneRedundant: boolean;
}

/**
 * An internal, VNet-integrated Container Apps environment (workload profiles, Consumption), plus the private DNS zone
 * that makes its default domain resolvable from the VNet (`*.<defaultDomain>` → the internal load balancer's IP).
 *
 * Logs: the workspace has local (shared-key) auth off, so `appLogsConfiguration.destination = "log-analytics"` (which
 * needs the workspace's shared key) is not possible; the environment sends to `azure-monitor` and a diagnostic setting
 * routes console and system logs to the workspace under Entra authorization.
 */
export function containerAppsEnvironment(
  parent: pulumi.Resource,
  name: string,
  args: EnvironmentSettings,
): azure.app.ManagedEnvironment {
  const environment = new azure.app.ManagedEnvironment(
    `${name}-env`,
    {
      environmentName: args.naming.name("containerAppsEnvironment"),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      vnetConfiguration: { infrastructureSubnetId: args.infrastructureSubnetId, internal: true },
      workloadProfiles: [{ name: WORKLOAD_PROFILE, workloadProfileType: WORKLOAD_PROFILE }],
      zoneRedundant: args.zoneRedundant,
      publicNetworkAccess: "Disabled",
      appLogsConfiguration: { destination: "azure-monitor" },
      // mTLS between the apps' Envoy sidecars: traffic inside the environment is encrypted too.
      peerTrafficConfiguration: { encryption: { enabled: true } },
      tags: args.tags,
    },
    { parent },
  );

  attachCrossCutting(parent, name, args, {
    purpose: "env",
    id: environment.id,
    diagnostics: { logs: "allLogs", metrics: true },
  }, { diagnostics: args.diagnostics, roleAssignments: args.roleAssignments });

  const zone = new azure.privatedns.PrivateZone(
    `${name}-env-dns`,
    { resourceGroupName: args.resourceGroupName, privateZoneName: environment.defaultDomain, location: "global", tags: args.tags },
    { parent },
  );
  new azure.privatedns.PrivateRecordSet(
    `${name}-env-dns-wildcard`,
    {
      resourceGroupName: args.resourceGroupName,
      privateZoneName: zone.name,
      recordType: "A",
      relativeRecordSetName: "*",
      ttl: 300,
      aRecords: [{ ipv4Address: environment.staticIp }],
    },
    { parent },
  );
  new azure.privatedns.VirtualNetworkLink(
    `${name}-env-dns-link`,
    {
      resourceGroupName: args.resourceGroupName,
      privateZoneName: zone.name,
      virtualNetworkLinkName: args.naming.name("privateDnsZoneLink", "cae"),
      location: "global",
      virtualNetwork: { id: args.virtualNetworkId },
      registrationEnabled: false,
      tags: args.tags,
    },
    { parent },
  );
  return environment;
}
