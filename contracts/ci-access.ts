/**
 * What bootstrap grants each CI identity of an environment: the single source for `bootstrap/` (which creates the
 * grants) and for the deploy-rights model (which checks that they cover every operation `pulumi preview`/`up` performs).
 * Data only. Scopes are symbolic; bootstrap resolves them per environment.
 */
import type { Environment } from "./environments";
import { GRAPH_APPLICATION_READ_ALL, GRAPH_APPLICATION_READWRITE_OWNEDBY } from "./microsoft-graph";
import type { RoleName } from "./roles";

export type CiIdentity = "plan" | "deploy";
export const CI_IDENTITIES: readonly CiIdentity[] = ["deploy", "plan"];

/** Where an ARM grant lands, per environment. */
export type CiScope = "environmentResourceGroup" | "environmentStateContainer" | "environmentSecretsKey";

/**
 * Custom roles bootstrap defines (assignable at the environments' resource groups). Contributor's NotActions include
 * `Microsoft.Authorization/*\/Write` and `*\/Delete` (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged#contributor),
 * and Role Based Access Control Administrator only writes role assignments: neither writes management locks, so the
 * deploy identity gets exactly the lock actions (https://learn.microsoft.com/azure/role-based-access-control/permissions/management-and-governance#microsoftauthorization).
 */
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
  /**
   * Okta management API OAuth 2.0 scopes of the identity's Okta service app (private-key JWT; Okta has no workload
   * identity federation from GitHub for its management API, so the private key is a stored CI secret). Used only when
   * a stack sets `dataplatform:okta` (docs/gateway.md#okta). GET needs `.read`, POST/PUT/DELETE `.manage`:
   * https://developer.okta.com/docs/guides/implement-oauth-for-okta/scopes/
   */
  readonly okta: readonly string[];
}

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
      { role: "Storage Blob Data Contributor", scope: "environmentStateContainer", why: "reads and writes the environment's Pulumi state (and its lock file)" },
      { role: "Key Vault Crypto User", scope: "environmentSecretsKey", why: "unwraps the environment's stack data key" },
    ],
    graph: [
      { appRoleId: GRAPH_APPLICATION_READWRITE_OWNEDBY, name: "Application.ReadWrite.OwnedBy", why: "creates and manages the gateway app it owns" },
    ],
    // CLOUDFLARE_API_TOKEN of deploy.yml: account-scoped, write on what the gateway creates.
    cloudflare: ["Workers Scripts Write", "Cloudflare Tunnel Write", "Connectivity Directory Admin"],
    // OKTA_API_SCOPES of deploy.yml (Okta stacks): the authorization server and the callers' app, read back on refresh,
    // and the three people groups looked up by name. No okta.policies.*: the app skips its sign-on policy.
    okta: ["okta.authorizationServers.manage", "okta.authorizationServers.read", "okta.apps.manage", "okta.apps.read", "okta.groups.read"],
  },
  plan: {
    arm: [
      { role: "Reader", scope: "environmentResourceGroup", why: "refresh reads every resource of the environment" },
      // pulumi/pulumi pkg/backend/diy/backend.go: Preview() never calls Lock() (Update/Import/Refresh/Destroy do) and
      // apply() builds no snapshot persister and writes no history when DryRun: a preview only reads the container.
      { role: "Storage Blob Data Reader", scope: "environmentStateContainer", why: "reads the environment's Pulumi state (preview takes no lock)" },
      { role: "Key Vault Crypto User", scope: "environmentSecretsKey", why: "unwraps the environment's stack data key" },
    ],
    graph: [
      {
        appRoleId: GRAPH_APPLICATION_READ_ALL,
        name: "Application.Read.All",
        why: "refresh reads the gateway app, its service principal, their owners and password metadata (apps plan does not own)",
      },
    ],
    // CLOUDFLARE_API_TOKEN_READONLY of pull-request.yml: read groups only (refresh reads, the tunnel-token lookup).
    cloudflare: ["Workers Scripts Read", "Cloudflare Tunnel Read", "Connectivity Directory Read"],
    // OKTA_API_SCOPES of pull-request.yml (Okta stacks): read scopes only.
    okta: ["okta.authorizationServers.read", "okta.apps.read", "okta.groups.read"],
  },
};

/** The blob container holding each environment's Pulumi state (`azblob://<container>`): one per environment. */
export const CI_STATE_CONTAINERS: Readonly<Record<Environment, string>> = {
  dev: "pulumi-state-dev",
  test: "pulumi-state-test",
  prod: "pulumi-state-prod",
};

/** The Key Vault key wrapping each environment's stack data key (`azurekeyvault://<vault>.vault.azure.net/keys/<key>`). */
export const CI_SECRETS_KEYS: Readonly<Record<Environment, string>> = {
  dev: "pulumi-secrets-dev",
  test: "pulumi-secrets-test",
  prod: "pulumi-secrets-prod",
};

/**
 * Environments whose `pulumi preview` runs only behind a protected GitHub environment (required reviewers): the PR's
 * code runs with the plan identity, so prod's is not handed to every same-repo pull request. The plan identity's
 * federated subject is then `repo:<org>/<repo>:environment:<name>` instead of `...:pull_request`
 * (components/identity/federation.ts `ciGithubSubject`).
 */
export const CI_PROTECTED_PREVIEW: Readonly<Partial<Record<Environment, string>>> = { prod: "preview-prod" };
