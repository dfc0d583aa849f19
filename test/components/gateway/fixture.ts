import * as pulumi from "@pulumi/pulumi";
import { Gateway } from "../../../components/gateway";
import { Naming } from "../../../components/naming";
import { GATEWAY_COMPATIBILITY_DATE } from "../../../contracts/gateway";

/** A tiny program with only the Gateway component, evaluated under mocks by gateway.test.ts (mode from config). */
const config = new pulumi.Config("fixture");
const mode = config.require("mode") as "tunnel" | "allowlist";
const vaultId = "/subscriptions/00000000-0000-4000-8000-00000000c0de/resourceGroups/rg-dp-dev/providers/Microsoft.KeyVault/vaults/kv-dp-dev";
const gatewaySecret = pulumi.secret("rotated-gateway-client-secret");

const gateway = new Gateway("gw", {
  resourceGroupName: "rg-dp-dev",
  location: "westeurope",
  naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" }),
  accountId: "0123456789abcdef0123456789abcdef",
  zoneId: "fedcba9876543210fedcba9876543210",
  hostname: "gateway.dev.example.com",
  scriptName: "dataplatform-gateway-dev",
  compatibilityDate: GATEWAY_COMPATIBILITY_DATE,
  oidc: {
    issuer: "https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0",
    audience: "api://dataplatform-gateway-dev",
    allowedTenants: ["11111111-2222-4333-8444-555555555555"],
  },
  routes: [
    {
      prefix: "/synapse",
      upstream: "https://synw-dp-dev.dev.azuresynapse.net",
      binding: "VPC_SYNAPSE",
      methods: ["GET", "POST"],
      groups: [pulumi.output("aaaaaaaa-0000-4000-8000-000000000001")],
      upstreamAuth: { type: "entra", scope: "https://dev.azuresynapse.net/.default" },
    },
    { prefix: "/prefect", upstream: "https://ca-prefect-server.internal.example.azurecontainerapps.io/api", binding: "VPC_PREFECT", methods: ["GET"], groups: ["eng"], upstreamAuth: { type: "basic", secret: "PREFECT_AUTH" } },
  ],
  upstreamIdentity: {
    tenantId: "11111111-2222-4333-8444-555555555555",
    clientId: "gateway-client-id",
    clientSecret: gatewaySecret,
    // The overlap's other value in tunnel mode only: allowlist mode shows the binding is absent without it.
    ...(mode === "tunnel" ? { clientSecretNext: pulumi.secret("next-gateway-client-secret") } : {}),
  },
  basicAuthSecrets: { PREFECT_AUTH: pulumi.secret("admin:prefect") },
  rateLimit: { namespaceId: "1001", limit: 600, period: 60 },
  auditLogpush: { destinationConf: pulumi.secret("r2://audit-logs/gateway?account-id=x&access-key-id=y&secret-access-key=z") },
  keyVault: {
    id: vaultId,
    name: "kv-dp-dev",
    uri: "https://kv-dp-dev.vault.azure.net/",
    resourceGroupName: "rg-dp-dev",
    secret: () => {
      throw new Error("the Gateway writes its secrets itself");
    },
  },
  connectivity:
    mode === "tunnel"
      ? {
          mode: "tunnel",
          origins: [
            { binding: "VPC_SYNAPSE", host: "synw-dp-dev.dev.azuresynapse.net" },
            { binding: "VPC_PREFECT", host: "ca-prefect-server.internal.example.azurecontainerapps.io" },
          ],
        }
      : { mode: "allowlist", synapse: { name: "synw-dp-dev", resourceGroupName: "rg-dp-dev" } },
});

export const url = gateway.url;
