import { createHash } from "node:crypto";
import * as azure from "@pulumi/azure-native";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../components/naming";
import { constrainedRolesCondition, DEPLOY_ASSIGNABLE_ROLES } from "../components/identity/rbac-condition";
import { ciGithubSubject, ENTRA_TOKEN_EXCHANGE_AUDIENCE, GITHUB_OIDC_ISSUER } from "../components/identity/federation";
import { CI_ACCESS, CI_CUSTOM_ROLES, CI_IDENTITIES, type CiIdentity, type CiScope, type CiCustomRoleName } from "../contracts/ci-access";
import { ROLE_CATALOGUE, type RoleName } from "../contracts/roles";
import { regionShortCode } from "../stacks/config/regions";
import type { BootstrapEnvironment } from "./config";

/** The platform project's name and default short code: the environment's resource group is named as the platform names it. */
export const PLATFORM_PROJECT = "dataplatform";
export const PLATFORM_WORKLOAD_SHORT = "dp";

/** The same name stacks/platform.ts reads (`Naming(...).name("resourceGroup")`), so the stack finds the group bootstrap made. */
export function environmentResourceGroupName(env: BootstrapEnvironment): string {
  return new Naming({
    workload: PLATFORM_PROJECT,
    workloadShort: PLATFORM_WORKLOAD_SHORT,
    environment: env.name,
    location: env.location,
    locationCode: regionShortCode(env.location),
  }).name("resourceGroup");
}

export interface CiApp {
  readonly application: azuread.Application;
  readonly servicePrincipal: azuread.ServicePrincipal;
}

/** An environment's Azure side: the provider for its subscription and its resource group. */
export interface EnvironmentScope {
  readonly provider: azure.Provider;
  readonly resourceGroup: azure.resources.ResourceGroup;
}

/**
 * The environment's resource group (subscription-vending pattern), in its own subscription. It is the scope of the CI
 * identities' ARM grants, and a role assignment can only be written at an existing scope (its ID is
 * `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`): deploy-<env> could not be granted rights on a
 * group it creates itself. Protected: deleting the group deletes the environment.
 */
export function environmentScope(name: string, env: BootstrapEnvironment, tags: Record<string, string>): EnvironmentScope {
  const provider = new azure.Provider(`${name}-arm`, { subscriptionId: env.subscriptionId, location: env.location });
  const resourceGroup = new azure.resources.ResourceGroup(
    `${name}-rg`,
    { resourceGroupName: environmentResourceGroupName(env), location: env.location, tags },
    { provider, protect: true },
  );
  return { provider, resourceGroup };
}

export interface EnvironmentArgs {
  readonly env: BootstrapEnvironment;
  readonly scope: EnvironmentScope;
  readonly githubRepository: string;
  readonly owners: readonly string[];
  /** Microsoft Graph's service principal in the tenant (the resource of the Graph app-role grants). */
  readonly graphServicePrincipalId: pulumi.Input<string>;
  /** Where each symbolic grant scope of contracts/ci-access.ts lands, except the resource group (created here). */
  readonly stateContainerId: pulumi.Input<string>;
  readonly secretsKeyId: pulumi.Input<string>;
  /** Role-definition GUIDs of the custom roles (CI_CUSTOM_ROLES), defined once for all environments. */
  readonly customRoleIds: Readonly<Record<CiCustomRoleName, pulumi.Input<string>>>;
}

/**
 * Everything one environment's CI identities are made of, created by the admin (whose credentials can): the plan/deploy Entra applications with owners, service principals, GitHub federated credentials and
 * Microsoft Graph app-role grants, and the ARM grants listed in contracts/ci-access.ts.
 */
export class CiEnvironment extends pulumi.ComponentResource {
  readonly resourceGroup: azure.resources.ResourceGroup;
  readonly apps: Readonly<Record<CiIdentity, CiApp>>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform-bootstrap:ci:Environment", name, {}, opts);
    const { env } = args;
    this.resourceGroup = args.scope.resourceGroup;
    const arm = { parent: this, provider: args.scope.provider };

    const apps = {} as Record<CiIdentity, CiApp>;
    for (const identity of CI_IDENTITIES) {
      apps[identity] = this.ciApp(name, identity, args);
    }
    this.apps = apps;

    const scopes: Record<CiScope, pulumi.Input<string>> = {
      environmentResourceGroup: this.resourceGroup.id,
      environmentStateContainer: args.stateContainerId,
      environmentSecretsKey: args.secretsKeyId,
    };
    const roleDefinitionId = (role: RoleName | CiCustomRoleName) =>
      pulumi.interpolate`/subscriptions/${env.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${
        role in CI_CUSTOM_ROLES ? args.customRoleIds[role as CiCustomRoleName] : ROLE_CATALOGUE[role as RoleName]
      }`;
    for (const identity of CI_IDENTITIES) {
      for (const grant of CI_ACCESS[identity].arm) {
        // The RBAC administrator's ABAC condition (components/identity/rbac-condition.ts, not edited here): role
        // definition and principal type are request attributes of roleAssignments/write and resource attributes of
        // roleAssignments/delete (`@Request|@Resource[Microsoft.Authorization/roleAssignments:PrincipalType]`,
        // https://learn.microsoft.com/azure/role-based-access-control/conditions-authorization-actions-attributes).
        const condition =
          grant.condition === "deploy-assignable-roles" ? { condition: constrainedRolesCondition(DEPLOY_ASSIGNABLE_ROLES), conditionVersion: "2.0" } : {};
        new azure.authorization.RoleAssignment(
          `${name}-${identity}-${slug(grant.role)}-${SCOPE_LABELS[grant.scope]}`,
          {
            scope: scopes[grant.scope],
            principalId: apps[identity].servicePrincipal.objectId,
            // Set explicitly: ARM then does not look the new principal up in Entra, which may not have replicated yet.
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(grant.role),
            description: `${identity}-${env.name}: ${grant.why}`,
            ...condition,
          },
          grant.scope === "environmentResourceGroup" ? arm : { parent: this },
        );
      }
    }

    this.registerOutputs({ resourceGroupId: this.resourceGroup.id });
  }

  private ciApp(name: string, identity: CiIdentity, args: EnvironmentArgs): CiApp {
    const { env } = args;
    const displayName = `${PLATFORM_PROJECT}-${identity}-${env.name}`;
    const description = identity === "deploy" ? `CI deploy (pulumi up) of ${env.name}` : `CI plan (pulumi preview) of ${env.name}`;
    // One way to own it: the `owners` list (no ApplicationOwner resources beside it, or each would fight the list).
    // terraform-provider-azuread internal/services/applications/application_resource.go (create): the caller is added
    // as initial owner and removed afterwards unless it is in `owners`; read lists /owners into the same attribute.
    const owners = [...args.owners];
    const application = new azuread.Application(
      `${name}-${identity}-app`,
      { displayName, description, signInAudience: "AzureADMyOrg", preventDuplicateNames: true, owners },
      { parent: this },
    );
    // Daemon identities: no user can obtain a token for them.
    const servicePrincipal = new azuread.ServicePrincipal(
      `${name}-${identity}-sp`,
      { clientId: application.clientId, appRoleAssignmentRequired: true, description, owners },
      { parent: this },
    );
    const subject = ciGithubSubject(args.githubRepository, identity, env.name);
    new azuread.ApplicationFederatedIdentityCredential(
      `${name}-${identity}-github`,
      {
        applicationId: application.id,
        displayName: `github-${identity}-${env.name}`,
        description: `GitHub Actions: ${subject}`,
        issuer: GITHUB_OIDC_ISSUER,
        subject,
        audiences: [ENTRA_TOKEN_EXCHANGE_AUDIENCE],
      },
      { parent: this },
    );
    // Admin consent to the Graph application permissions: an app-role assignment on Graph's service principal.
    for (const grant of CI_ACCESS[identity].graph) {
      new azuread.AppRoleAssignment(
        `${name}-${identity}-graph-${slug(grant.name)}`,
        { appRoleId: grant.appRoleId, principalObjectId: servicePrincipal.objectId, resourceObjectId: args.graphServicePrincipalId },
        { parent: this },
      );
    }
    return { application, servicePrincipal };
  }
}

/** Short, content-based labels of the grant scopes, for resource names. */
const SCOPE_LABELS: Record<CiScope, string> = { environmentResourceGroup: "rg", environmentStateContainer: "state", environmentSecretsKey: "key" };

/** `Role Based Access Control Administrator` → `role-based-access-control-administrator`; names by content, never by index. */
export function slug(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** A GUID derived from its seed (the custom role's ID): the same on every run, in every tenant-wide lookup. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}
