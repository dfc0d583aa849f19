import { createHash } from "node:crypto";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { SecretSpec } from "../../../components/keyvault";
import { Naming } from "../../../components/naming";
import { Orchestrator } from "../../../components/orchestrator";

/** What rotation.test.ts and rotation-overlap.test.ts share: the Orchestrator under test and what the services answer. */
export const SUB = "/subscriptions/00000000-0000-4000-8000-00000000c0de/resourceGroups/rg-dp-dev/providers";

/**
 * The state the services return for the resources the rotation touches, beyond the inputs: RandomPassword's value
 * follows its keepers; Key Vault writes a new secret version when (and only when) the value changes; a Container App
 * reports its ingress FQDN and latest revision.
 * Returns false for other types (the caller's own mocks decide those).
 */
export function serviceState(args: pulumi.runtime.MockResourceArgs, state: Record<string, unknown>): boolean {
  switch (args.type) {
    case "random:index/randomPassword:RandomPassword":
      state["result"] = `pw-${createHash("sha256").update(JSON.stringify(args.inputs["keepers"])).digest("hex").slice(0, 32)}`;
      return true;
    case "azure-native:keyvault:Secret": {
      // `properties` arrives as a secret (its value is): unwrap the engine's secret envelope.
      const raw = args.inputs["properties"] ?? {};
      const props = pulumi.runtime.specialSigKey in raw ? raw["value"] : raw;
      const uri = `https://kv-dp-dev.vault.azure.net/secrets/${args.inputs["secretName"]}`;
      const version = createHash("sha256").update(JSON.stringify(props["value"])).digest("hex").slice(0, 32);
      state["properties"] = { ...props, secretUri: uri, secretUriWithVersion: `${uri}/${version}` };
      return true;
    }
    case "azure-native:app:ContainerApp":
      state["configuration"] = { ...args.inputs["configuration"], ingress: { fqdn: `${args.name}.internal.example.azurecontainerapps.io` } };
      state["latestRevisionName"] = `${args.name}--rev`;
      return true;
    case "azure-native:managedidentity:UserAssignedIdentity":
      state["principalId"] = `${args.name}-principal`;
      state["clientId"] = `${args.name}-client`;
      return true;
    default:
      return false;
  }
}

/** The Orchestrator named `<prefix>-orch`, with a Key Vault whose `secret()` reports each spec to `onSecret`. */
export function rotationOrchestrator(
  prefix: string,
  options: { apiAuthRotationDays?: number; onSecret?: (spec: SecretSpec) => void } = {},
): Orchestrator {
  const placement = {
    resourceGroupName: "rg-dp-dev",
    location: "westeurope",
    naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" }),
  };
  const mi = new azure.managedidentity.UserAssignedIdentity(`${prefix}-prefect-server`, { ...placement, resourceName: "id-prefect-server" });
  const holder = new pulumi.ComponentResource("fixture:index:Holder", `${prefix}-holder`);
  return new Orchestrator(`${prefix}-orch`, {
    ...placement,
    tenantId: "11111111-2222-4333-8444-555555555555",
    network: { id: `${SUB}/Microsoft.Network/virtualNetworks/vnet`, containerAppsSubnet: { id: `${SUB}/Microsoft.Network/virtualNetworks/vnet/subnets/aca` } },
    postgres: { tier: "Burstable", sku: "Standard_B1ms", storageSizeGb: 32, highAvailability: "Disabled", geoRedundantBackup: false, backupRetentionDays: 7 },
    containerApps: { serverMinReplicas: 1, zoneRedundant: false },
    identities: { server: { id: mi.id, principalId: mi.principalId, clientId: mi.clientId } },
    ...(options.apiAuthRotationDays ? { apiAuthRotationDays: options.apiAuthRotationDays } : {}),
    keyVault: {
      id: `${SUB}/Microsoft.KeyVault/vaults/kv-dp-dev`,
      name: "kv-dp-dev",
      uri: "https://kv-dp-dev.vault.azure.net/",
      resourceGroupName: "rg-dp-dev",
      secret: (secretName, spec, owner) => {
        options.onSecret?.(spec);
        return new azure.keyvault.Secret(`${owner?.name ?? prefix}-secret-${secretName}`, {
          resourceGroupName: "rg-dp-dev",
          vaultName: "kv-dp-dev",
          secretName,
          properties: { value: pulumi.secret(spec.value), contentType: spec.contentType },
        }, { parent: owner?.parent ?? holder });
      },
    },
  });
}
