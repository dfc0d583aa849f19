import { createHash } from "node:crypto";
import * as azure from "@pulumi/azure-native";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { PlacementArgs } from "../cross-cutting";
import type { KeyVaultRef } from "../keyvault";
import type { Naming } from "../naming";
import { assignRole, type RoleAssignmentSpec } from "./roles";
import { RotatingClientSecret } from "./rotation";

/** A principal other components can grant roles to. */
export interface Principal {
  /** Entra object ID (service principal / managed identity principal / group). */
  readonly principalId: pulumi.Output<string>;
  readonly principalType: RoleAssignmentSpec["principalType"];
}

/** Just the fields a role assignment needs, from any principal (spread it into a role-assignment spec). */
export function grantee(p: Principal): Principal {
  return { principalId: p.principalId, principalType: p.principalType };
}

export interface EntraApp extends Principal {
  readonly application: azuread.Application;
  readonly servicePrincipal: azuread.ServicePrincipal;
  /** Application (client) ID, what a workflow's `azure/login` or the Worker uses. */
  readonly clientId: pulumi.Output<string>;
}

/** A user-assigned managed identity as apps consume it (Container Apps `userAssignedIdentities`, KV references). */
export interface ManagedIdentity extends Principal {
  readonly identity: azure.managedidentity.UserAssignedIdentity;
  readonly id: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
}

export interface IdentityArgs extends PlacementArgs {
  readonly project: string;
  readonly environment: string;
  /**
   * Object ID of the environment's deploy service principal (bootstrap creates it): the owner of the gateway app and its
   * service principal, because under Graph Application.ReadWrite.OwnedBy it can manage only what it owns.
   */
  readonly deployPrincipalId: pulumi.Input<string>;
  /** App ID URI the gateway app exposes (caller tokens' audience, the Worker's OIDC_AUDIENCE by default). */
  readonly gatewayApiUri: string;
  /** The environment's resource group: where the people groups' Reader role is assigned. */
  readonly resourceGroupId: pulumi.Input<string>;
  readonly keyVault: KeyVaultRef;
  readonly gatewaySecret: { readonly rotationDays: number; readonly overlapDays: number };
  /** People: Entra group object IDs and what engineers may do here (`write` in dev, `read` elsewhere). */
  readonly groups: { readonly admins: string; readonly engineers: string; readonly analysts: string };
  /** Tags beyond the platform's own. Default: none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Tunnel mode: the cloudflared connector's identity (Azure name `cloudflared`); `aliases` carry its earlier URN (it was
   * created by the Orchestrator). Default: none (no connector identity).
   */
  readonly connector?: { readonly aliases?: readonly pulumi.Input<pulumi.Alias | string>[] };
  /**
   * Data domains other than the default one (whose worker is `orchestrator`): each gets its own worker identity, named
   * by the domain's Naming (`id-<short>-<domain>-worker-<env>-<region>`) and tagged with `tags`. This component grants
   * them nothing: their roles are scoped to the domain's own resources by whoever creates those. Default: none.
   */
  readonly dataDomains?: readonly { readonly name: string; readonly naming: Naming; readonly tags?: Record<string, string> }[];
}

/**
 * Who acts in one environment (docs/identity-and-access.md): the Entra app for the gateway Worker (a client secret
 * rotated in two overlapping slots, the only one), user-assigned managed identities for the Prefect server and
 * worker, and the role assignments whose scope is the resource group or the Key Vault. Roles on resources other components create (factory, backup
 * vault, Synapse) are passed to those components as `roleAssignments`. The CI identities (plan-<env>, deploy-<env>),
 * their federation, Graph grants and ARM grants are bootstrap's (bootstrap/environment.ts), never this stack's: a
 * change here cannot lock CI out, and the deploy identity never touches apps it does not own.
 */
export class Identity extends pulumi.ComponentResource {
  readonly gateway: EntraApp;
  readonly orchestrator: ManagedIdentity;
  readonly prefectServer: ManagedIdentity;
  /** The cloudflared connector's identity, when `connector` is given. */
  readonly connector?: ManagedIdentity;
  /** Worker identity per data domain (by domain name), for the domains given in `dataDomains`. */
  readonly domainWorkers: Readonly<Record<string, ManagedIdentity>> = {};
  readonly groups: Record<"admins" | "engineers" | "analysts", Principal>;
  /** Key Vault Secrets User for the Prefect server and worker: apps must wait for these before reading references. */
  readonly keyVaultGrants: azure.authorization.RoleAssignment[];
  readonly gatewayClientId: pulumi.Output<string>;
  /** The gateway app's current client secret, the older of its two (a Pulumi secret), for the Worker's AZURE_CLIENT_SECRET. */
  readonly gatewayClientSecret: pulumi.Output<string>;
  /** The gateway app's other client secret, current after the next rotation (a Pulumi secret), for AZURE_CLIENT_SECRET_NEXT. */
  readonly gatewayClientSecretNext: pulumi.Output<string>;
  readonly gatewayClientSecretExpiresOn: pulumi.Output<string>;
  readonly gatewayClientSecretRotation: RotatingClientSecret;

  constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:identity:Identity", name, {}, opts);
    const env = args.environment;
    const displayName = (role: string) => `${args.project}-${role}-${env}`;

    this.gateway = this.entraApp(name, "gateway", displayName("gateway"), `Cloudflare gateway Worker of ${env}: upstream calls to Synapse`, args.deployPrincipalId, {
      identifierUri: args.gatewayApiUri,
    });

    this.orchestrator = this.managedIdentity(name, args, "orchestrator");
    this.prefectServer = this.managedIdentity(name, args, "prefect-server");
    if (args.connector) this.connector = this.managedIdentity(name, args, "cloudflared", [...(args.connector.aliases ?? [])]);
    const workers: Record<string, ManagedIdentity> = {};
    for (const domain of args.dataDomains ?? []) {
      if (workers[domain.name]) throw new pulumi.ResourceError(`identity: data domain "${domain.name}" is listed twice`, this);
      workers[domain.name] = this.managedIdentity(name, { ...args, naming: domain.naming, tags: { ...domain.tags } }, "worker", undefined, `domain-${domain.name}-worker`);
    }
    this.domainWorkers = workers;

    this.groups = {
      admins: { principalId: pulumi.output(args.groups.admins), principalType: "Group" },
      engineers: { principalId: pulumi.output(args.groups.engineers), principalType: "Group" },
      analysts: { principalId: pulumi.output(args.groups.analysts), principalType: "Group" },
    };

    const rg = args.resourceGroupId;
    // People: everyone who operates the environment can see it; data and authoring rights are granted on the lake
    // and the factory (engineers write in dev only). Analysts get nothing in Azure: they come through the gateway.
    for (const group of ["admins", "engineers"] as const) {
      assignRole(`${name}-${group}-reader`, rg, {
        ...grantee(this.groups[group]),
        role: "Reader",
        description: `${group} group: sees the ${env} environment's resources`,
      }, { parent: this });
    }

    this.keyVaultGrants = [
      assignRole(`${name}-prefect-server-kv-secrets`, args.keyVault.id, {
        ...grantee(this.prefectServer),
        role: "Key Vault Secrets User",
        description: `prefect-server-${env}: reads its database and API auth secrets`,
      }, { parent: this }),
      assignRole(`${name}-orchestrator-kv-secrets`, args.keyVault.id, {
        ...grantee(this.orchestrator),
        role: "Key Vault Secrets User",
        description: `orchestrator-${env}: reads the secrets its flows need`,
      }, { parent: this }),
    ];

    this.gatewayClientSecretRotation = new RotatingClientSecret(
      `${name}-gateway-secret`,
      {
        applicationId: this.gateway.application.id,
        rotationDays: args.gatewaySecret.rotationDays,
        overlapDays: args.gatewaySecret.overlapDays,
        store: (value, expiresOn, owner) =>
          args.keyVault.secret("gateway-client-secret", { value, expiresOn, contentType: "application/x-entra-client-secret" }, owner),
      },
      { parent: this },
    );
    this.gatewayClientId = this.gateway.clientId;
    this.gatewayClientSecret = this.gatewayClientSecretRotation.value;
    this.gatewayClientSecretNext = this.gatewayClientSecretRotation.next;
    this.gatewayClientSecretExpiresOn = this.gatewayClientSecretRotation.expiresOn;

    this.registerOutputs({
      gatewayClientId: this.gatewayClientId,
      gatewayClientSecretExpiresOn: this.gatewayClientSecretExpiresOn,
    });
  }

  private entraApp(name: string, role: string, displayName: string, description: string, owner: pulumi.Input<string>, exposed?: ExposedApi): EntraApp {
    // Owners one way only: the `owners` list, no ApplicationOwner resources beside it (the provider reads /owners into
    // this list, so a second mechanism is a perpetual diff). The list is exactly the deploy identity, which creates
    // the app: terraform-provider-azuread internal/services/applications/application_resource.go adds the caller as
    // initial owner and REMOVES it afterwards unless it is listed, and under Application.ReadWrite.OwnedBy an app it
    // does not own is one it can never touch again (@pulumi/azuread application.d.ts: "ensure that the principal ...
    // is included in the owners property"). Adding anyone else would need Directory.Read.All too
    // (https://learn.microsoft.com/graph/api/application-post-owners: "Application.ReadWrite.OwnedBy isn't sufficient").
    const owners = [owner];
    const application = new azuread.Application(
      `${name}-${role}-app`,
      {
        displayName,
        description,
        signInAudience: "AzureADMyOrg",
        preventDuplicateNames: true,
        owners,
        ...(exposed ? exposedApi(displayName, exposed) : {}),
      },
      { parent: this },
    );
    const servicePrincipal = new azuread.ServicePrincipal(
      `${name}-${role}-sp`,
      {
        clientId: application.clientId,
        // Daemon identities: no user can obtain a token for them. The gateway's API is the exception: callers in any
        // configured group must get a token for it, and the Worker's routes (not an app assignment) decide access.
        appRoleAssignmentRequired: !exposed,
        description,
        // Same rule for the service principal (service_principal_resource.go create removes an unlisted caller).
        owners,
      },
      { parent: this },
    );
    return {
      application,
      servicePrincipal,
      clientId: application.clientId,
      principalId: servicePrincipal.objectId,
      principalType: "ServicePrincipal",
    };
  }

  private managedIdentity(
    name: string,
    args: Pick<IdentityArgs, "naming" | "resourceGroupName" | "location" | "tags">,
    purpose: string,
    aliases?: pulumi.Input<pulumi.Alias | string>[],
    childName = purpose,
  ): ManagedIdentity {
    const identity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-${childName}-id`,
      {
        resourceName: args.naming.name("userAssignedIdentity", purpose),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
      },
      { parent: this, ...(aliases ? { aliases } : {}) },
    );
    return {
      identity,
      id: identity.id,
      principalId: identity.principalId,
      clientId: identity.clientId,
      principalType: "ServicePrincipal",
    };
  }
}

/** An API the app exposes to callers: the gateway's audience for Entra user and app-only tokens. */
interface ExposedApi {
  identifierUri: string;
}

/**
 * App ID URI, v2 access tokens, a delegated `access` scope for users, an `access` app role for app-only callers,
 * and security-group IDs in tokens (the Worker maps groups to routes; more than 200 groups fail closed there).
 * Scope and role IDs are derived from the URI so that a re-run never changes them.
 */
function exposedApi(displayName: string, exposed: ExposedApi): Partial<azuread.ApplicationArgs> {
  return {
    identifierUris: [exposed.identifierUri],
    groupMembershipClaims: ["SecurityGroup"],
    api: {
      requestedAccessTokenVersion: 2,
      oauth2PermissionScopes: [
        {
          id: stableUuid(`${exposed.identifierUri}#scope/access`),
          value: "access",
          type: "User",
          enabled: true,
          adminConsentDisplayName: `Call ${displayName}`,
          adminConsentDescription: "Call the data platform gateway; route access follows the caller's groups.",
          userConsentDisplayName: `Call ${displayName}`,
          userConsentDescription: "Call the data platform gateway on your behalf.",
        },
      ],
    },
    appRoles: [
      {
        id: stableUuid(`${exposed.identifierUri}#role/access`),
        value: "Gateway.Access",
        allowedMemberTypes: ["Application"],
        enabled: true,
        displayName: "Gateway access (app-only)",
        description: "Daemon callers of the gateway; their routes list this role instead of a group.",
      },
    ],
  };
}

function stableUuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}
