/**
 * What bootstrap grants each CI identity of an environment: the single source for `bootstrap/` (which creates the
 * grants) and for the deploy-rights model (which checks that they cover every operation `pulumi preview`/`up` performs).
 * Data only. Scopes are symbolic; bootstrap resolves them per environment.
 */
import { GRAPH_APPLICATION_READWRITE_OWNEDBY } from "./microsoft-graph";
import type { RoleName } from "./roles";

export type CiIdentity = "plan" | "deploy";

/** Where an ARM grant lands, per environment. */
export type CiScope = "environmentResourceGroup" | "environmentStateContainer" | "environmentSecretsKey";

/** Custom roles bootstrap defines (assignable at the environments' resource groups). */
export const CI_CUSTOM_ROLES = {
  "dataplatform lock writer": {
    description: "Creates, reads and deletes management locks; nothing else. Contributor cannot (NotActions Microsoft.Authorization/*/Write, */Delete).",
    actions: ["Microsoft.Authorization/locks/read", "Microsoft.Authorization/locks/write", "Microsoft.Authorization/locks/delete"],
  },
} as const;
export type CiCustomRoleName = keyof typeof CI_CUSTOM_ROLES;

export interface CiArmGrant {
  readonly role: RoleName | CiCustomRoleName;
  readonly scope: CiScope;
  /** The ABAC condition bootstrap attaches (components/identity/rbac-condition.ts). Default: none. */
  readonly condition?: "deploy-assignable-roles";
  readonly why: string;
}

export interface CiGraphGrant {
  /** Microsoft Graph application permission (app role) ID. */
  readonly appRoleId: string;
  readonly name: string;
  readonly why: string;
}

export interface CiAccess {
  readonly arm: readonly CiArmGrant[];
  readonly graph: readonly CiGraphGrant[];
  /** Cloudflare API token permission groups (the token is the one stored CI secret; Cloudflare has no federation). */
  readonly cloudflare: readonly string[];
}

/** Placeholder contents; bootstrap's owner (issue 9) completes them. */
export const CI_ACCESS: Readonly<Record<CiIdentity, CiAccess>> = {
  deploy: {
    arm: [
      { role: "Contributor", scope: "environmentResourceGroup", why: "creates and updates the environment's resources" },
      {
        role: "Role Based Access Control Administrator",
        scope: "environmentResourceGroup",
        condition: "deploy-assignable-roles",
        why: "assigns the platform's non-privileged catalogue roles to service principals and groups",
      },
      { role: "dataplatform lock writer", scope: "environmentResourceGroup", why: "writes the prod management locks" },
      { role: "Storage Blob Data Contributor", scope: "environmentStateContainer", why: "reads and writes the environment's Pulumi state" },
      { role: "Key Vault Crypto User", scope: "environmentSecretsKey", why: "unwraps the environment's stack data key" },
    ],
    graph: [
      { appRoleId: GRAPH_APPLICATION_READWRITE_OWNEDBY, name: "Application.ReadWrite.OwnedBy", why: "creates and manages the gateway app it owns" },
    ],
    cloudflare: [],
  },
  plan: {
    arm: [
      { role: "Reader", scope: "environmentResourceGroup", why: "refresh reads every resource of the environment" },
      { role: "Storage Blob Data Reader", scope: "environmentStateContainer", why: "reads the environment's Pulumi state" },
      { role: "Key Vault Crypto User", scope: "environmentSecretsKey", why: "unwraps the environment's stack data key" },
    ],
    graph: [],
    cloudflare: [],
  },
};
