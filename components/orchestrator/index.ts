import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import type { CoreOutputs } from "../core-outputs";
import type { CrossCuttingArgs, PlacementArgs } from "../cross-cutting";
import type { KeyVaultRef } from "../keyvault";
import {
  type AppContext,
  connectorApp,
  type ManagedIdentityRef,
  prefectServerApp,
  prefectWorkerApp,
} from "./apps";
import { containerAppsEnvironment } from "./environment";
import { PREFECT_DATABASE, type PostgresSettings, prefectPostgres } from "./postgres";
import { assignRole } from "../identity/roles";
import { addDays } from "../../lib/dates";
import { tryParseResourceId } from "../../lib/resource-id";

export type { ManagedIdentityRef } from "./apps";

/**
 * How long an app waits after its identity's Key Vault grant before Container Apps reads its Key Vault references.
 * "When you assign roles or remove role assignments, it can take up to 10 minutes for changes to take effect."
 * (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting, "Role assignment changes are not being
 * detected"; MicrosoftDocs/azure-docs articles/role-based-access-control/troubleshooting.md). The documented bound,
 * not a guess below it: a Container App whose secret read is refused fails its create. Paid once per grant: the
 * Sleep replaces (and waits again) only when a grant it follows is replaced.
 */
export const RBAC_PROPAGATION = "10m";

/** Key Vault secret holding Prefect's basic-auth string (`user:password`), shared by server, worker and gateway. */
const API_AUTH_SECRET_NAME = "prefect-api-auth-string";

export interface OrchestratorArgs extends PlacementArgs, CrossCuttingArgs {
  readonly tenantId: pulumi.Input<string>;
  /** The VNet (the Network component): its Container Apps subnet hosts the environment, its ID links the DNS zone. */
  readonly network: { readonly id: pulumi.Input<string>; readonly containerAppsSubnet: { readonly id: pulumi.Input<string> } };
  readonly postgres: PostgresSettings;
  readonly containerApps: { readonly serverMinReplicas: number; readonly workerMinReplicas: number; readonly maxReplicas: number; readonly zoneRedundant: boolean };
  /** User-assigned identities: `server` (prefect-server-<env>) and `worker` (orchestrator-<env>). */
  readonly identities: { readonly server: ManagedIdentityRef; readonly worker: ManagedIdentityRef };
  readonly keyVault: KeyVaultRef;
  /** Role assignments the apps' identities need before the apps can read their Key Vault references. Default: none. */
  readonly identityGrants?: readonly pulumi.Input<pulumi.Resource>[];
  /** Days between rotations of Prefect's basic-auth password. Default: 90. */
  readonly apiAuthRotationDays?: number;
}

/**
 * The orchestration plane: an internal Container Apps environment in the VNet, Prefect's Postgres (Entra-only,
 * private), the Prefect server (internal ingress only) and worker, and in tunnel mode the cloudflared connector that
 * carries the gateway's traffic into the VNet. Every secret an app sees is a Key Vault reference read with its own
 * managed identity; no secret value is an input of any app.
 */
export class Orchestrator extends pulumi.ComponentResource implements CoreOutputs {
  /** The Container Apps environment, the component's main resource (`id`, `name`, `location`). */
  readonly environment: azure.app.ManagedEnvironment;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  readonly postgresServer: azure.dbforpostgresql.Server;
  /** The last write to the Postgres server (its lock or diagnostics): other writers to the server wait for it. */
  readonly postgresSettled: pulumi.Resource;
  readonly serverApp: azure.app.ContainerApp;
  readonly workerApp: azure.app.ContainerApp;
  connectorApp?: azure.app.ContainerApp;
  /** `https://<server-app>.internal.<env-domain>/api`, resolvable inside the environment and the VNet. */
  readonly apiUrl: pulumi.Output<string>;
  /** `user:password` for Prefect's basic auth, for the gateway's upstream credential (a Pulumi secret). */
  readonly apiAuthString: pulumi.Output<string>;
  readonly apiAuthSecret: azure.keyvault.Secret;

  private readonly componentName: string;
  private readonly args: OrchestratorArgs;
  private readonly appContext: (extra: readonly pulumi.Input<pulumi.Resource>[]) => AppContext;

  constructor(name: string, args: OrchestratorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:orchestrator:Orchestrator", name, {}, opts);
    const { server: serverIdentity, worker: workerIdentity } = args.identities;

    this.environment = containerAppsEnvironment(this, name, {
      ...args,
      infrastructureSubnetId: args.network.containerAppsSubnet.id,
      virtualNetworkId: args.network.id,
      zoneRedundant: args.containerApps.zoneRedundant,
    });
    this.id = this.environment.id;
    this.name = this.environment.name;
    this.location = this.environment.location;

    const serverIdentityName = resourceName(serverIdentity.id, this);
    const postgres = prefectPostgres(this, name, {
      ...args,
      settings: args.postgres,
      administrator: { objectId: serverIdentity.principalId, principalName: serverIdentityName },
    });
    this.postgresServer = postgres.server;
    this.postgresSettled = postgres.settled;

    const auth = this.apiAuth(name, args);
    this.apiAuthString = auth.value;
    this.apiAuthSecret = auth.secret;
    const authStringSecretUrl = secretUrl(args.keyVault.uri, API_AUTH_SECRET_NAME);

    // Container Apps reads Key Vault references at create, with the app's identity, through the vault's private
    // endpoint: each app waits for its secret, its identity's grant plus RBAC propagation, and the vault's private
    // endpoint DNS zone group (without which the vault's name does not resolve to the private IP).
    const grantsPropagated = rbacPropagation(this, `${name}-kv-rbac-propagation`, args.identityGrants ?? []);
    const ctx = (extra: readonly pulumi.Input<pulumi.Resource>[]): AppContext => ({
      parent: this,
      name,
      placement: args,
      environmentId: this.environment.id,
      tags: args.tags,
      diagnostics: args.diagnostics,
      dependsOn: [auth.secret, ...(args.identityGrants ?? []), ...(grantsPropagated ? [grantsPropagated] : []), ...(args.keyVault.dataPlaneReady ?? []), ...extra],
    });
    const { serverMinReplicas, workerMinReplicas, maxReplicas } = args.containerApps;

    this.serverApp = prefectServerApp(ctx(postgres.ready), {
      identity: serverIdentity,
      databaseUser: serverIdentityName,
      databaseHost: postgres.server.fullyQualifiedDomainName,
      databaseName: PREFECT_DATABASE,
      authStringSecretUrl,
      scale: { minReplicas: serverMinReplicas, maxReplicas },
    });
    this.apiUrl = this.serverApp.configuration.apply((c) => {
      const fqdn = c?.ingress?.fqdn;
      if (!fqdn) throw new pulumi.ResourceError("orchestrator: the Prefect server app has no ingress FQDN", this);
      return `https://${fqdn}/api`;
    });

    this.workerApp = prefectWorkerApp(ctx([]), {
      identity: workerIdentity,
      apiUrl: this.apiUrl,
      authStringSecretUrl,
      scale: { minReplicas: workerMinReplicas, maxReplicas },
    });

    this.componentName = name;
    this.args = args;
    this.appContext = ctx;

    this.registerOutputs({
      id: this.id,
      name: this.name,
      location: this.location,
      apiUrl: this.apiUrl,
      postgresServerId: this.postgresServer.id,
    });
  }

  /**
   * Prefect's basic-auth string: a random password replaced every `apiAuthRotationDays` (the next `up` after the
   * deadline rotates it), stored in Key Vault with an expiry past the deadline so the running apps keep working until
   * that `up` happens.
   */
  private apiAuth(name: string, args: OrchestratorArgs): { value: pulumi.Output<string>; secret: azure.keyvault.Secret } {
    const rotationDays = args.apiAuthRotationDays ?? 90;
    const rotation = new time.Rotating(`${name}-api-auth-rotation`, { rotationDays }, { parent: this });
    const password = new random.RandomPassword(
      `${name}-api-auth-password`,
      { length: 48, special: false, keepers: { rotation: rotation.rfc3339 } },
      { parent: this },
    );
    const value = pulumi.secret(pulumi.interpolate`prefect:${password.result}`);
    const secret = args.keyVault.secret(
      API_AUTH_SECRET_NAME,
      {
        value,
        contentType: "text/x-prefect-basic-auth",
        expiresOn: rotation.rotationRfc3339.apply((deadline) => addDays(deadline, 30)),
      },
      { parent: this, name },
    );
    return { value, secret };
  }

  /**
   * Tunnel mode: the connector (cloudflared) that runs the Gateway's tunnel, reading the tunnel token the Gateway
   * wrote to Key Vault. Added after construction because the tunnel routes to this component's server app (and the
   * connector needs the Gateway's token). The connector gets its own identity, allowed to read exactly one secret:
   * the tunnel token. Its resources keep their first names (`-tunnel`, `-tunnel-id`, Azure `cloudflared`): renaming
   * them would replace them in existing stacks.
   */
  addConnector(tunnelTokenSecretUri: pulumi.Input<string>): azure.app.ContainerApp {
    if (this.connectorApp) throw new pulumi.ResourceError("orchestrator: the tunnel connector exists already", this);
    const { componentName: name, args } = this;
    const identity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-tunnel-id`,
      {
        resourceName: args.naming.name("userAssignedIdentity", "cloudflared"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
      },
      { parent: this },
    );
    const grant = assignRole(
      `${name}-tunnel-token-ra`,
      secretResourceId(args.keyVault.id, tunnelTokenSecretUri, this),
      {
        principalId: identity.principalId,
        principalType: "ServicePrincipal",
        role: "Key Vault Secrets User",
        description: "cloudflared connector: read the Cloudflare Tunnel token (this one secret only)",
      },
      { parent: this },
    );
    const replicas = this.args.containerApps.serverMinReplicas;
    const propagated = rbacPropagation(this, `${name}-tunnel-rbac-propagation`, [grant]);
    this.connectorApp = connectorApp(this.appContext([grant, ...(propagated ? [propagated] : [])]), {
      identity: { id: identity.id, principalId: identity.principalId, clientId: identity.clientId },
      tunnelTokenSecretUrl: tunnelTokenSecretUri,
      scale: { minReplicas: replicas, maxReplicas: replicas },
    });
    return this.connectorApp;
  }
}

/**
 * A `time.Sleep` of RBAC_PROPAGATION after `grants` (none without grants). Its triggers are the grants' IDs, so a
 * replaced grant replaces the Sleep and the apps after it wait again; an unchanged grant never waits twice.
 */
function rbacPropagation(parent: pulumi.Resource, name: string, grants: readonly pulumi.Input<pulumi.Resource>[]): time.Sleep | undefined {
  if (grants.length === 0) return undefined;
  const ids = pulumi.all(grants.map((g) => pulumi.output(g).apply((r) => (pulumi.CustomResource.isInstance(r) ? r.id : r.urn))));
  const triggers = ids.apply((list) => Object.fromEntries(list.map((id, i) => [`grant${i}`, id])));
  return new time.Sleep(name, { createDuration: RBAC_PROPAGATION, triggers }, { parent, dependsOn: [...grants] });
}

/** Versionless Key Vault secret URL: Container Apps then follows new versions (it re-reads within 30 minutes). */
function secretUrl(vaultUri: pulumi.Input<string>, secretName: string): pulumi.Output<string> {
  return pulumi.output(vaultUri).apply((uri) => `${uri.replace(/\/?$/, "/")}secrets/${secretName}`);
}

/** The ARM ID of the secret a (versioned or versionless) secret URI names, in the given vault: a role scope. */
function secretResourceId(vaultId: pulumi.Input<string>, secretUri: pulumi.Input<string>, owner: pulumi.Resource): pulumi.Output<string> {
  return pulumi.all([vaultId, secretUri]).apply(([vault, uri]) => {
    const name = /\/secrets\/([0-9A-Za-z-]+)/.exec(uri)?.[1];
    if (!name) throw new pulumi.ResourceError(`orchestrator: "${uri}" is not a Key Vault secret URI`, owner);
    return `${vault}/secrets/${name}`;
  });
}

function resourceName(id: pulumi.Input<string>, owner: pulumi.Resource): pulumi.Output<string> {
  return pulumi.output(id).apply((value) => {
    const parsed = tryParseResourceId(value);
    if (!parsed) throw new pulumi.ResourceError(`orchestrator: "${value}" is not a resource ID`, owner);
    return parsed.name;
  });
}
