import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { Backup } from "../../../components/backup";
import type { RoleAssignmentSpec } from "../../../components/identity/roles";
import { DataFactory } from "../../../components/datafactory";
import { DataLake } from "../../../components/datalake";
import { KeyVault } from "../../../components/keyvault";
import { Monitoring } from "../../../components/monitoring";
import { Naming } from "../../../components/naming";
import { Network } from "../../../components/network";
import { ALL_PRIVATE_DNS_ZONES } from "../../../components/network/private-dns";
import { Orchestrator } from "../../../components/orchestrator";
import { Synapse } from "../../../components/synapse";
import { PROBES } from "./probes";

/**
 * Every component that takes CrossCuttingArgs, each given ONE role assignment (key `probe`, a principal of its own),
 * a lock and diagnostics; the lake also gets three role assignments in the order `fixture:order` names. Evaluated under
 * the mocks by cross-cutting.test.ts and naming.test.ts.
 */
const config = new pulumi.Config("fixture");
const order = config.get("order") ?? "forward";
const rg = "rg-dp-dev";
const placement = {
  resourceGroupName: rg,
  location: "westeurope",
  naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" }),
};
const tenantId = "11111111-2222-4333-8444-555555555555";

const probe = (component: string): RoleAssignmentSpec[] => [
  { key: "probe", principalId: PROBES[component]!, principalType: "Group", role: "Reader", description: `probe on ${component}` },
];
const crossCutting = (component: string) => ({ roleAssignments: probe(component), lock: "CanNotDelete" as const, protect: true });

const monitoring = new Monitoring("mon", { ...placement, ...crossCutting("monitoring"), retentionInDays: 30, dailyQuotaGb: 1 });
const diagnostics = monitoring.diagnostics;
const network = new Network("net", {
  ...placement,
  roleAssignments: probe("network"),
  diagnostics,
  addressSpace: "10.40.0.0/22",
  subnets: { containerApps: "10.40.0.0/23", privateEndpoints: "10.40.2.0/24" },
  privateDnsZones: ALL_PRIVATE_DNS_ZONES,
});
const privateEndpoints = network.privateEndpoints;
const keyVault = new KeyVault("kv", {
  ...placement,
  ...crossCutting("keyvault"),
  diagnostics,
  privateEndpoints,
  tenantId,
  sku: "standard",
  softDeleteRetentionInDays: 90,
});

const lakeSpecs: RoleAssignmentSpec[] = [
  { key: "engineers", principalId: "00000000-0000-4000-8000-0000000000b1", principalType: "Group", role: "Storage Blob Data Reader", description: "engineers read" },
  { key: "orchestrator", principalId: "00000000-0000-4000-8000-0000000000b2", principalType: "ServicePrincipal", role: "Storage Blob Data Contributor", description: "orchestrator writes" },
  { key: "orchestrator", principalId: "00000000-0000-4000-8000-0000000000b2", principalType: "ServicePrincipal", role: "Reader", description: "orchestrator reads the account" },
];
const dataLake = new DataLake("lake", {
  ...placement,
  ...crossCutting("datalake"),
  roleAssignments:
    order === "duplicate"
      ? [...probe("datalake"), ...probe("datalake")]
      : [...probe("datalake"), ...(order === "reverse" ? [...lakeSpecs].reverse() : lakeSpecs)],
  diagnostics,
  privateEndpoints,
  redundancy: "LRS",
  softDeleteRetentionDays: 7,
  filesystems: ["raw", "synapse"],
});

const identity = (purpose: string) => {
  const mi = new azure.managedidentity.UserAssignedIdentity(`fx-${purpose}`, { ...placement, resourceName: `id-${purpose}` });
  return { id: mi.id, principalId: mi.principalId, clientId: mi.clientId };
};
const orchestrator = new Orchestrator("orch", {
  ...placement,
  ...crossCutting("orchestrator"),
  diagnostics,
  privateEndpoints,
  tenantId,
  network: { id: network.id, containerAppsSubnet: network.containerAppsSubnet },
  postgres: { tier: "Burstable", sku: "Standard_B1ms", storageSizeGb: 32, highAvailability: "Disabled", geoRedundantBackup: false, backupRetentionDays: 7 },
  containerApps: { serverMinReplicas: 1, zoneRedundant: false },
  identities: { server: identity("prefect-server") },
  keyVault,
});

new Backup("bak", {
  ...placement,
  ...crossCutting("backup"),
  diagnostics,
  redundancy: "LocallyRedundant",
  crossRegionRestore: false,
  immutability: "Disabled",
  softDelete: "On",
  softDeleteRetentionDays: 14,
  retentionDays: 30,
});

const synapse = new Synapse("syn", {
  ...placement,
  ...crossCutting("synapse"),
  diagnostics,
  privateEndpoints,
  tenantId,
  entraAdminGroup: { objectId: "00000000-0000-4000-8000-0000000000c1", displayName: "admins" },
  dataLake,
  defaultFilesystem: "synapse",
  dedicatedPool: { sku: "DW100c", storageAccountType: "LRS" },
  sparkPool: { nodeSize: "Small", minNodes: 3, maxNodes: 3, autoPauseMinutes: 15, sparkVersion: "3.4" },
});

new DataFactory("adf", {
  ...placement,
  ...crossCutting("datafactory"),
  diagnostics,
  privateEndpoints,
  keyVault,
  dataLake,
  filesystems: ["raw"],
  synapse,
});

export const apiUrl = orchestrator.apiUrl;
