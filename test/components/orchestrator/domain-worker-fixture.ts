import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../../../components/naming";
import { DomainWorker } from "../../../components/orchestrator/domain-worker";
import { renderPrefectDesiredState } from "../../../components/prefect/desired-state";

/**
 * Three data domains' workers (DomainWorker) on one desired state, evaluated under the mocks by domain-worker.test.ts.
 * `fixture:variant` changes the state: `limit` raises one domain's pool limit, `gcl` a platform-wide limit,
 * `secret` passes the state as a Pulumi secret, `rotated` gives the auth secret a new version (a rotation).
 */
const config = new pulumi.Config("fixture");
const variant = config.get("variant") ?? "base";
const environment = config.get("environment") ?? "dev";
const rg = "rg-dp-dev";
const sub = "00000000-0000-4000-8000-00000000c0de";
const vaultId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/kv-dp-dev`;
const placement = {
  resourceGroupName: rg,
  location: "westeurope",
  naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment, location: "westeurope", locationCode: config.get("region") ?? "weu" }),
};
const domains = [
  { name: "sales", team: "sales-eng", costCenter: "cc-1001", concurrencyLimit: variant === "limit" ? 8 : 4 },
  { name: "finance", team: "fin-data", costCenter: "cc-2002", concurrencyLimit: 2 },
  { name: "customer-analytics", team: "ca-team", costCenter: "cc-3003", concurrencyLimit: 3 },
];
const identities = domains.map((d) => {
  const mi = new azure.managedidentity.UserAssignedIdentity(`fx-${d.name}-id`, { ...placement, resourceName: `id-dp-worker-${d.name}` });
  return { id: mi.id, principalId: mi.principalId, clientId: mi.clientId };
});
const rendered = pulumi.all(identities.map((i) => i.clientId)).apply((clientIds) =>
  renderPrefectDesiredState({
    environment,
    subscriptionId: sub,
    resourceGroupName: rg,
    dataFactoryName: "adf-dataplatform-dev-weu",
    keyVaultUri: "https://kv-dp-dev.vault.azure.net/",
    backupVaults: [{ id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.DataProtection/backupVaults/bv-dp-dev`, region: "westeurope" }],
    ...(variant === "gcl" ? { globalConcurrencyLimits: { "adf-pipeline-runs": 40 } } : {}),
    domains: domains.map((d, i) => ({
      ...d,
      synapse: {
        workspaceName: `synw-${d.name}`,
        devEndpoint: `https://synw-${d.name}.dev.azuresynapse.net`,
        sqlEndpoint: `synw-${d.name}.sql.azuresynapse.net`,
        sqlOnDemandEndpoint: `synw-${d.name}-ondemand.sql.azuresynapse.net`,
      },
      lakeUrls: { raw: `https://dlsdp.dfs.core.windows.net/raw-${d.name}` },
      workerClientId: clientIds[i]!,
    })),
  }),
);
const desiredState = variant === "secret" ? pulumi.secret(rendered) : rendered;

domains.forEach((d, i) => {
  new DomainWorker(`fx-worker-${d.name}`, {
    ...placement,
    domain: d,
    identity: identities[i]!,
    orchestrator: {
      environmentId: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.App/managedEnvironments/cae-dp-dev`,
      apiUrl: "https://ca-dataplatform-prefect-dev-weu.internal.example.westeurope.azurecontainerapps.io/api",
      authStringSecretUrl: `https://kv-dp-dev.vault.azure.net/secrets/prefect-api-auth-string/${variant === "rotated" ? "fedcba9876543210fedcba9876543210" : "0123456789abcdef0123456789abcdef"}`,
    },
    keyVault: { id: vaultId },
    desiredState,
    scale: { minReplicas: 0, maxReplicas: 2 },
  });
});
