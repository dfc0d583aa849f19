/**
 * Shapes of the deploy-rights model (issue 9): which API each Pulumi operation calls and which permission it needs.
 * Data only; tools/rights evaluates it against contracts/ci-access.ts.
 */

/** The operations Pulumi performs on a resource; `read` is what `refresh: always` does before every preview and up. */
export type Operation = "create" | "update" | "delete" | "read";
export const OPERATIONS: readonly Operation[] = ["create", "update", "delete", "read"];

/** ARM management plane: one REST call, authorised by RBAC Actions at the resource's scope. */
export interface ArmCall {
  readonly plane: "arm";
  readonly method: "PUT" | "GET" | "DELETE" | "POST" | "PATCH";
  /** The ARM resource type, e.g. `Microsoft.Storage/storageAccounts`. */
  readonly resourceType: string;
  readonly apiVersion: string;
  /** RBAC Actions the call needs (ARM's resource-provider operations). */
  readonly actions: readonly string[];
  /** Where the action is checked: the resource's own scope, or the subscription (creating a resource group). Default: resource. */
  readonly scope?: "resource" | "subscription";
}

/** A service's own endpoint (not ARM): reachable only where its network allows, authorised by the service. */
export interface DataPlaneCall {
  readonly plane: "data-plane";
  readonly method: "PUT" | "GET" | "DELETE" | "POST" | "PATCH";
  /** Host pattern, e.g. `{workspaceName}.dev.azuresynapse.net`. */
  readonly host: string;
  readonly path: string;
  readonly apiVersion?: string;
  /** The input naming the ARM resource whose `publicNetworkAccess` decides reachability. */
  readonly target: { readonly input: string; readonly resourceType: string };
  /** Azure RBAC DataActions, when the service authorises through Azure RBAC. */
  readonly dataActions?: readonly string[];
  /** The service's own RBAC (e.g. Synapse RBAC) when it does not use Azure RBAC; CI_ACCESS grants none of these. */
  readonly serviceRoles?: readonly string[];
}

/** Microsoft Graph: authorised by application permissions (app roles) for CI, directory roles for a signed-in admin. */
export interface GraphCall {
  readonly plane: "graph";
  readonly method: "PUT" | "GET" | "DELETE" | "POST" | "PATCH";
  readonly path: string;
  /** Any one of these sets of application permissions suffices (each set: all of its permissions). */
  readonly applicationPermissions: readonly (readonly string[])[];
  /** With Application.ReadWrite.OwnedBy, the caller must own the object (it does when it created it). */
  readonly ownedBySuffices?: boolean;
  /** Entra directory roles that suffice for a signed-in user (the admin's run). */
  readonly directoryRoles: readonly string[];
}

/** Cloudflare API: authorised by the API token's permission groups (any listed group suffices). */
export interface CloudflareCall {
  readonly plane: "cloudflare";
  readonly method: "PUT" | "GET" | "DELETE" | "POST" | "PATCH";
  readonly path: string;
  readonly permissionGroups: readonly string[];
}

/**
 * Okta management API (`https://<org>.<baseUrl>/api/v1/…`): authorised by the OAuth 2.0 scopes in the service app's
 * access token (any listed scope suffices) and by the admin role Okta assigns to that service app.
 */
export interface OktaCall {
  readonly plane: "okta";
  readonly method: "PUT" | "GET" | "DELETE" | "POST" | "PATCH";
  readonly path: string;
  readonly scopes: readonly string[];
}

/** No remote call (random, time, component resources, providers): nothing to grant. */
export interface LocalCall {
  readonly plane: "none";
  readonly why: string;
}

export type ApiCall = ArmCall | DataPlaneCall | GraphCall | CloudflareCall | OktaCall | LocalCall;

/** What one Pulumi type token calls per operation, and where that was read. */
export interface TypeRights {
  readonly operations: Readonly<Record<Operation, readonly ApiCall[]>>;
  /** Provider source file or documentation page each entry was read from. */
  readonly source: string;
}

/** Invokes (data sources) the program calls: read on every preview and up. */
export interface InvokeRights {
  readonly calls: readonly ApiCall[];
  readonly source: string;
}

/** A role definition as Azure stores it (https://learn.microsoft.com/azure/role-based-access-control/role-definitions). */
export interface RoleDefinitionData {
  readonly id: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
  readonly source: string;
}
