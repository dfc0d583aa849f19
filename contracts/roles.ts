/**
 * Built-in Azure role definition IDs the platform may assign (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
 * This catalogue is also the list the deploy identity's RBAC-administrator condition allows it to hand out.
 * Owner and User Access Administrator are deliberately absent: nothing here may grant them.
 */
export const ROLE_CATALOGUE = {
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
  "Data Factory Contributor": "673868aa-7521-48a0-acc6-0f60742d39f5",
  "Backup Contributor": "5e467623-bb1f-42f4-a55d-6e525e11384b",
  "Backup Operator": "00c29273-979b-4161-815c-10b084fb9324",
  "Backup Reader": "a795c7a0-d4a2-40c1-ae25-d81f01202912",
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Account Backup Contributor": "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1",
  "PostgreSQL Flexible Server Long Term Retention Backup Role": "c088a766-074b-43ba-90d4-1fb21feae531",
  "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
  "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
} as const;

export type RoleName = keyof typeof ROLE_CATALOGUE;

/** Built-in roles outside the catalogue, named so that rules can recognise (and refuse) them. */
export const OWNER_ROLE_ID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
export const USER_ACCESS_ADMINISTRATOR_ROLE_ID = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

/**
 * Privileged roles: whoever may assign one of these can escalate (grant themselves or a principal they control more
 * than the deploy identity holds), so the deploy identity's RBAC-administrator condition never lets it hand them out.
 * Each entry says why, from its definition (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles,
 * MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/privileged.md, security.md, storage.md):
 * - Owner: actions `*` (including Microsoft.Authorization/roleAssignments/write);
 * - User Access Administrator: actions `Microsoft.Authorization/*`;
 * - Role Based Access Control Administrator: actions Microsoft.Authorization/roleAssignments/write|delete
 *   (an unconditioned copy would lift this very condition);
 * - Contributor: actions `*` (every control-plane write except Microsoft.Authorization writes): full control of every
 *   resource in scope, e.g. resetting keys, disabling firewalls, attaching identities;
 * - Key Vault Administrator: dataActions `Microsoft.KeyVault/vaults/*`: every key, secret and certificate, incl. purge;
 * - Storage Blob Data Owner: dataActions `…/containers/blobs/*` which covers `…/blobs/modifyPermissions/action`
 *   (setting POSIX ACLs on ADLS Gen2), i.e. granting data access outside Azure RBAC.
 * The other catalogue roles are scoped to one service's operations (read-only on Microsoft.Authorization, e.g. Data
 * Factory Contributor's `Microsoft.Authorization/*\/read`); re-check this list when adding a role to
 * ROLE_CATALOGUE.
 */
export const PRIVILEGED_ROLE_IDS: readonly string[] = [
  OWNER_ROLE_ID,
  USER_ACCESS_ADMINISTRATOR_ROLE_ID,
  ROLE_CATALOGUE["Role Based Access Control Administrator"],
  ROLE_CATALOGUE.Contributor,
  ROLE_CATALOGUE["Key Vault Administrator"],
  ROLE_CATALOGUE["Storage Blob Data Owner"],
];

/** Catalogue roles that are privileged (PRIVILEGED_ROLE_IDS): assigned by bootstrap (an admin), never by the deploy identity. */
export const PRIVILEGED_ROLES: readonly RoleName[] = (Object.keys(ROLE_CATALOGUE) as RoleName[]).filter((role) =>
  PRIVILEGED_ROLE_IDS.includes(ROLE_CATALOGUE[role]),
);

/** Roles that must never be assigned at subscription scope (docs/identity-and-access.md); Owner/UAA are not even in the catalogue. */
export const FORBIDDEN_AT_SUBSCRIPTION: readonly string[] = [ROLE_CATALOGUE.Contributor, OWNER_ROLE_ID, USER_ACCESS_ADMINISTRATOR_ROLE_ID];
