/**
 * The role definitions CI and the admin hold, as Azure defines them (Actions, NotActions, DataActions, NotDataActions),
 * copied from the role JSON on https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (category
 * pages general/privileged, storage, security; MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/*.md),
 * plus bootstrap's custom role from contracts/ci-access.ts. As of {@link DEPLOY_RIGHTS_AS_OF}.
 */
import { CI_CUSTOM_ROLES } from "../ci-access";
import { OWNER_ROLE_ID, ROLE_CATALOGUE, USER_ACCESS_ADMINISTRATOR_ROLE_ID } from "../roles";
import type { RoleDefinitionData } from "./types";

const BUILT_IN = "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles";
const GENERAL = `${BUILT_IN}/general (MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/general.md)`;

export const ROLE_DEFINITIONS: Readonly<Record<string, RoleDefinitionData>> = {
  Owner: { id: OWNER_ROLE_ID, actions: ["*"], notActions: [], dataActions: [], notDataActions: [], source: GENERAL },
  Contributor: {
    id: ROLE_CATALOGUE.Contributor,
    actions: ["*"],
    notActions: [
      "Microsoft.Authorization/*/Delete",
      "Microsoft.Authorization/*/Write",
      "Microsoft.Authorization/elevateAccess/Action",
      "Microsoft.Blueprint/blueprintAssignments/write",
      "Microsoft.Blueprint/blueprintAssignments/delete",
      "Microsoft.Compute/galleries/share/action",
      "Microsoft.Purview/consents/write",
      "Microsoft.Purview/consents/delete",
    ],
    dataActions: [],
    notDataActions: [],
    source: GENERAL,
  },
  Reader: { id: ROLE_CATALOGUE.Reader, actions: ["*/read"], notActions: [], dataActions: [], notDataActions: [], source: GENERAL },
  "Role Based Access Control Administrator": {
    id: ROLE_CATALOGUE["Role Based Access Control Administrator"],
    actions: ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"],
    notActions: [],
    dataActions: [],
    notDataActions: [],
    source: GENERAL,
  },
  "User Access Administrator": {
    id: USER_ACCESS_ADMINISTRATOR_ROLE_ID,
    actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
    notActions: [],
    dataActions: [],
    notDataActions: [],
    source: GENERAL,
  },
  "Storage Blob Data Contributor": {
    id: ROLE_CATALOGUE["Storage Blob Data Contributor"],
    actions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
      "Microsoft.Storage/storageAccounts/blobServices/containers/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/write",
      "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
    ],
    notActions: [],
    dataActions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
      "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    ],
    notDataActions: [],
    source: `${BUILT_IN}/storage`,
  },
  "Storage Blob Data Reader": {
    id: ROLE_CATALOGUE["Storage Blob Data Reader"],
    actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
    notActions: [],
    dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
    notDataActions: [],
    source: `${BUILT_IN}/storage`,
  },
  "Key Vault Crypto User": {
    id: ROLE_CATALOGUE["Key Vault Crypto User"],
    actions: [],
    notActions: [],
    dataActions: [
      "Microsoft.KeyVault/vaults/keys/read",
      "Microsoft.KeyVault/vaults/keys/update/action",
      "Microsoft.KeyVault/vaults/keys/backup/action",
      "Microsoft.KeyVault/vaults/keys/encrypt/action",
      "Microsoft.KeyVault/vaults/keys/decrypt/action",
      "Microsoft.KeyVault/vaults/keys/wrap/action",
      "Microsoft.KeyVault/vaults/keys/unwrap/action",
      "Microsoft.KeyVault/vaults/keys/sign/action",
      "Microsoft.KeyVault/vaults/keys/verify/action",
    ],
    notDataActions: [],
    source: `${BUILT_IN}/security`,
  },
  "Key Vault Secrets User": {
    id: ROLE_CATALOGUE["Key Vault Secrets User"],
    actions: [],
    notActions: [],
    dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
    notDataActions: [],
    source: `${BUILT_IN}/security`,
  },
  "dataplatform lock writer": {
    id: "(custom, defined by bootstrap)",
    actions: CI_CUSTOM_ROLES["dataplatform lock writer"].actions,
    notActions: [],
    dataActions: [],
    notDataActions: [],
    source: "contracts/ci-access.ts CI_CUSTOM_ROLES",
  },
};

