/**
 * Who runs Pulumi, from where, and what each needs beyond the resources' own operations (Pulumi state and the
 * secrets key). Data only; tools/rights evaluates it. As of DEPLOY_RIGHTS_AS_OF (operations.ts).
 */
import { PRIVILEGED_ROLE_IDS, ROLE_CATALOGUE } from "../roles";
import type { CiScope } from "../ci-access";

/** Where each identity runs: GitHub-hosted runners and the admin's workstation are all outside the environment's VNet. */
export const RUNNERS = {
  plan: { where: "GitHub-hosted runner", insideVnet: false },
  deploy: { where: "GitHub-hosted runner", insideVnet: false },
  admin: { where: "the admin's workstation", insideVnet: false },
} as const;

/**
 * What the admin who runs bootstrap is expected to hold (docs/identity-and-access.md "Bootstrap"): Owner on the
 * subscription, and the Entra roles that create applications and grant Microsoft Graph application permissions.
 */
export const ADMIN_ACCESS = {
  arm: [{ role: "Owner", scope: "subscription" }],
  directoryRoles: ["Application Administrator", "Privileged Role Administrator"],
  cloudflare: [] as readonly string[],
} as const;

/** A Pulumi state or secrets-key operation one CI identity performs, and the data action it needs. */
export interface StateOperation {
  readonly what: string;
  readonly scope: CiScope;
  readonly dataAction: string;
  readonly source: string;
}

const DIY = "pulumi/pulumi pkg/backend/diy/backend.go";
const AKV = "google/go-cloud secrets/azurekeyvault/akv.go (keeper.Decrypt calls Key Vault decrypt)";

/**
 * `pulumi preview` on the DIY (azblob) backend reads the checkpoint and takes no lock (`diyBackend.Preview` calls
 * `b.apply` with DryRun, no `b.Lock`); `pulumi up` takes the lock file, writes checkpoints and removes the lock
 * (`diyBackend.Update` calls `b.Lock` … `b.Unlock`; pkg/backend/diy/lock.go). Both decrypt the stack's data key.
 */
export const STATE_OPERATIONS: Readonly<Record<"plan" | "deploy", readonly StateOperation[]>> = {
  plan: [
    { what: "read the checkpoint", scope: "environmentStateContainer", dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", source: DIY },
    { what: "decrypt the stack's data key", scope: "environmentSecretsKey", dataAction: "Microsoft.KeyVault/vaults/keys/decrypt/action", source: AKV },
  ],
  deploy: [
    { what: "read the checkpoint", scope: "environmentStateContainer", dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", source: DIY },
    { what: "write the lock file and checkpoints", scope: "environmentStateContainer", dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", source: `${DIY}; pkg/backend/diy/lock.go` },
    { what: "remove the lock file", scope: "environmentStateContainer", dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete", source: `${DIY}; pkg/backend/diy/lock.go` },
    { what: "decrypt the stack's data key", scope: "environmentSecretsKey", dataAction: "Microsoft.KeyVault/vaults/keys/decrypt/action", source: AKV },
  ],
};

/**
 * The deploy identity's RBAC-administrator condition as decided (D1): the catalogue minus the privileged roles of
 * contracts/roles.ts (Microsoft's privileged administrator roles, https://learn.microsoft.com/azure/role-based-access-control/role-assignments-steps#privileged-administrator-roles,
 * plus Key Vault Administrator and Storage Blob Data Owner, which grant data-plane administration),
 * to service principals and groups only. Used when no evaluated graph carries the condition text itself.
 */
export const DEPLOY_CONDITION_INTENT = {
  allowedRoleIds: Object.values(ROLE_CATALOGUE).filter((id) => !PRIVILEGED_ROLE_IDS.includes(id)),
  principalTypes: ["ServicePrincipal", "Group"],
} as const;
