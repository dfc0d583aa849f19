import { asArray, get, is } from "../props";
import { resourceRule } from "../rule";
import { T } from "../../contracts/resource-types";

export const keyVaultRbac = resourceRule({
  name: "keyvault-rbac-authorization",
  description: "Key Vaults use Azure RBAC for the data plane (enableRbacAuthorization=true) and carry no access policies.",
  severity: "high",
  benchmarks: { mcsb: ["PA-7"], psrule: ["Azure.KeyVault.RBAC", "Azure.KeyVault.AccessPolicy"] },
  remediationSteps: "Set properties.enableRbacAuthorization: true, remove accessPolicies, grant roles with assignRole().",
  types: [T.vault],
  check(props, _ctx, report) {
    if (get(props, "properties.enableRbacAuthorization") !== true) report("enableRbacAuthorization is not true (access policies would authorise the data plane)");
    if (asArray(get(props, "properties.accessPolicies")).length > 0) report("vault has access policies; use RBAC role assignments instead");
  },
});

export const keyVaultRecoverable = resourceRule({
  name: "keyvault-recoverable",
  description: "Key Vaults are recoverable: purge protection on, soft delete on with retention of at least 90 days.",
  severity: "high",
  benchmarks: { mcsb: ["DP-8"], psrule: ["Azure.KeyVault.PurgeProtect", "Azure.KeyVault.SoftDelete"], checkov: ["CKV_AZURE_42", "CKV_AZURE_110"] },
  remediationSteps: "Set properties.enablePurgeProtection: true, enableSoftDelete: true, softDeleteRetentionInDays: 90.",
  types: [T.vault],
  config: { minSoftDeleteRetentionDays: { type: "integer", default: 90 } },
  check(props, ctx, report) {
    if (get(props, "properties.enablePurgeProtection") !== true) report("purge protection is not enabled");
    if (get(props, "properties.enableSoftDelete") === false) report("soft delete is disabled");
    const days = get(props, "properties.softDeleteRetentionInDays");
    const min = ctx.config["minSoftDeleteRetentionDays"] as number;
    if (typeof days !== "number" || days < min) report(`soft delete retention is ${String(days)} days; at least ${min} required`);
  },
});

export const keyVaultNetwork = resourceRule({
  name: "keyvault-network-isolation",
  description: "Key Vaults are reachable only through private endpoints: publicNetworkAccess disabled and firewall default action Deny.",
  severity: "high",
  benchmarks: { mcsb: ["NS-2"], psrule: ["Azure.KeyVault.Firewall"], checkov: ["CKV_AZURE_109", "CKV_AZURE_189"] },
  remediationSteps: "Set properties.publicNetworkAccess: \"Disabled\" (the SDK defaults it to enabled) and networkAcls.defaultAction: \"Deny\".",
  types: [T.vault],
  check(props, _ctx, report) {
    if (!is(get(props, "properties.publicNetworkAccess"), "Disabled")) {
      report(`publicNetworkAccess is ${JSON.stringify(get(props, "properties.publicNetworkAccess"))}; must be Disabled`);
    }
    if (!is(get(props, "properties.networkAcls.defaultAction"), "Deny")) report("networkAcls.defaultAction is not Deny");
  },
});

export const keyVaultSecretHygiene = resourceRule({
  name: "keyvault-secret-expiry",
  description: "Key Vault secrets carry an expiry date and a content type, so rotation is due and consumers know the format.",
  severity: "medium",
  benchmarks: { mcsb: ["IM-8"], checkov: ["CKV_AZURE_41"] },
  remediationSteps: "Set properties.attributes.expires (Unix seconds) and properties.contentType.",
  types: [T.vaultSecret],
  check(props, _ctx, report) {
    if (typeof get(props, "properties.attributes.expires") !== "number") report("secret has no expiry (properties.attributes.expires)");
    if (!get(props, "properties.contentType")) report("secret has no content type");
  },
});

export const keyVaultKeyRotation = resourceRule({
  name: "keyvault-key-rotation",
  description: "Key Vault keys have a rotation policy with an automatic rotate action.",
  severity: "medium",
  benchmarks: { mcsb: ["IM-3"], psrule: ["Azure.KeyVault.AutoRotationPolicy"] },
  remediationSteps: "Add properties.rotationPolicy.lifetimeActions with action.type \"rotate\".",
  types: [T.vaultKey],
  check(props, _ctx, report) {
    const actions = asArray(get(props, "properties.rotationPolicy.lifetimeActions"));
    if (!actions.some((a) => is(get(a, "action.type"), "rotate"))) report("key has no automatic rotate action in its rotation policy");
  },
});
