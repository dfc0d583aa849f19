import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { Connector } from "../../../components/connector";
import { Naming } from "../../../components/naming";
import { Orchestrator } from "../../../components/orchestrator";

/**
 * A small program with the Orchestrator and (mode `tunnel`) the Connector component, evaluated under the mocks by
 * connector.test.ts: the platform wires the connector only once a Gateway writes the tunnel token, so this exercises
 * it directly. The connector's identity is created here as Identity creates it in the platform.
 */
const config = new pulumi.Config("fixture");
const rg = "rg-dp-dev";
const sub = "/subscriptions/00000000-0000-4000-8000-00000000c0de";
const vaultId = `${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/kv-dp-dev`;
const placement = {
  resourceGroupName: rg,
  location: "westeurope",
  naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" }),
};
const identity = (purpose: string) => {
  const mi = new azure.managedidentity.UserAssignedIdentity(`fx-${purpose}`, { ...placement, resourceName: `id-${purpose}` });
  return { id: mi.id, principalId: mi.principalId, clientId: mi.clientId };
};
const parent = new pulumi.ComponentResource("fixture:index:Holder", "fx");

const orchestrator = new Orchestrator("orch", {
  ...placement,
  tenantId: "11111111-2222-4333-8444-555555555555",
  network: {
    id: `${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet`,
    containerAppsSubnet: { id: `${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aca` },
  },
  postgres: { tier: "Burstable", sku: "Standard_B1ms", storageSizeGb: 32, highAvailability: "Disabled", geoRedundantBackup: false, backupRetentionDays: 7 },
  containerApps: { serverMinReplicas: 1, zoneRedundant: false },
  identities: { server: identity("prefect-server") },
  keyVault: {
    id: vaultId,
    name: "kv-dp-dev",
    uri: "https://kv-dp-dev.vault.azure.net/",
    resourceGroupName: rg,
    secret: (secretName, spec, owner) =>
      new azure.keyvault.Secret(`${owner?.name ?? "kv"}-secret-${secretName}`, {
        resourceGroupName: rg,
        vaultName: "kv-dp-dev",
        secretName,
        properties: { value: pulumi.secret(spec.value), contentType: spec.contentType },
      }, { parent: owner?.parent ?? parent }),
  },
});
if (config.require("mode") === "tunnel") {
  new Connector("conn", {
    ...placement,
    tunnelTokenSecretUri: "https://kv-dp-dev.vault.azure.net/secrets/cloudflared-tunnel-token",
    environment: orchestrator,
    identity: identity("cloudflared"),
    keyVault: { id: vaultId },
  });
}

export const apiUrl = orchestrator.apiUrl;
