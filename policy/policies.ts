import type { Policies } from "@pulumi/policy";
import { containerAppInternalIngress, containerAppsEnvironmentInternal, containerAppsEnvironmentZoneRedundant, postgresEntraAuth, postgresPrivate, postgresProdResilience } from "./rules/orchestrator";
import { roleAssignmentCatalogue, roleAssignmentInEnvironment, roleAssignmentNoBroadScope } from "./rules/access";
import { deployRightsPreview } from "./rules/deploy-rights";
import { backupVaultGeo, backupVaultProtection } from "./rules/backup";
import { dataFactoryManagedIdentity, dataFactoryNoPublicAccess, logAnalyticsNoLocalAuth, logAnalyticsRetention, synapseEntraOnly, synapseManagedNetwork, synapsePublicAccess } from "./rules/analytics";
import { noPublicNetworkAccess, tunnelHostnameGuarded } from "./rules/exposure";
import { keyVaultKeyRotation, keyVaultNetwork, keyVaultRbac, keyVaultRecoverable, keyVaultSecretHygiene } from "./rules/keyvault";
import { diagnosticsEverywhere, statefulDurability } from "./rules/operations";
import { secretsNeverPlaintext } from "./rules/secrets";
import { storageGeoRedundancy, storageLakeHns, storageNoPublicAccess, storageNoSharedKey, storageSecureTransport } from "./rules/storage";
import { requiredTags } from "./rules/tags";

/**
 * The platform's rules, written once. The CrossGuard pack (policy/index.ts) and the graph runner
 * (policy/run-on-graph.ts, used by the offline plan and the tests) both run exactly this list.
 */
export const platformPolicies: Policies = [
  keyVaultRbac,
  keyVaultRecoverable,
  keyVaultNetwork,
  keyVaultSecretHygiene,
  keyVaultKeyRotation,
  storageSecureTransport,
  storageNoSharedKey,
  storageNoPublicAccess,
  storageLakeHns,
  storageGeoRedundancy,
  synapseManagedNetwork,
  synapseEntraOnly,
  synapsePublicAccess,
  dataFactoryNoPublicAccess,
  dataFactoryManagedIdentity,
  containerAppInternalIngress,
  containerAppsEnvironmentInternal,
  containerAppsEnvironmentZoneRedundant,
  postgresPrivate,
  postgresEntraAuth,
  postgresProdResilience,
  backupVaultProtection,
  backupVaultGeo,
  logAnalyticsNoLocalAuth,
  logAnalyticsRetention,
  noPublicNetworkAccess,
  tunnelHostnameGuarded,
  requiredTags,
  roleAssignmentCatalogue,
  roleAssignmentNoBroadScope,
  roleAssignmentInEnvironment,
  secretsNeverPlaintext,
  diagnosticsEverywhere,
  statefulDurability,
  deployRightsPreview,
];
