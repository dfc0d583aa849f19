import { KeyVault } from "../../../components/keyvault";
import { Naming } from "../../../components/naming";

/** Only a KeyVault whose key asks for a rotation policy Azure refuses (rotation 7 days before a 10-day expiry). */
new KeyVault("kv", {
  resourceGroupName: "rg-dp-dev",
  location: "westeurope",
  naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" }),
  tenantId: "11111111-2222-4333-8444-555555555555",
  sku: "standard",
  softDeleteRetentionInDays: 90,
  keys: { cmk: { kty: "RSA", keyOps: ["wrapKey"], rotation: { expiryDays: 10, rotateBeforeExpiryDays: 7, notifyBeforeExpiryDays: 7 } } },
});
