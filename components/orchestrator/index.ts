import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import type { CoreOutputs } from "../core-outputs";
import type { CrossCuttingArgs, PlacementArgs } from "../cross-cutting";
import type { KeyVaultRef } from "../keyvault";
import {
  type AppContext,
  type ManagedIdentityRef,
  PREFECT_SERVER_REPLICAS,
  prefectServerApp,
  prefectWorkerApp,
} from "./apps";
import { containerAppsEnvironment } from "./environment";
import { PREFECT_DATABASE, type PostgresSettings, prefectPostgres } from "./postgres";
import { afterRbacPropagation } from "../identity/propagation";
import { addDays } from "../../lib/dates";
import { tryParseResourceId } from "../../lib/resource-id";

export type { AppContext, ManagedIdentityRef } from "./apps";
export { containerApp, keyVaultSecret, SECRET_VERSIONS_ENV } from "./apps";
export { CLOUDFLARED_IMAGE, PREFECT_IMAGE } from "./images";


/** Key Vault secret holding Prefect's basic-auth string (`user:password`), shared by server, worker and gateway. */
const API_AUTH_SECRET_NAME = "prefect-api-auth-string";

export interface OrchestratorArgs extends PlacementArgs, CrossCuttingArgs {
  readonly tenantId: pulumi.Input<string>;
  /** The VNet (the Network component): its Container Apps subnet hosts the environment, its ID links the DNS zone. */
  readonly network: { readonly id: pulumi.Input<string>; readonly containerAppsSubnet: { readonly id: pulumi.Input<string> } };
  readonly postgres: PostgresSettings;
  /**
   * `serverMinReplicas` must be 1 (PREFECT_SERVER_REPLICAS in ./apps: one server, no Redis); `maxReplicas` bounds the worker.
   */
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
 * private), the Prefect server (one replica, internal ingress only) and worker. Complete when constructed: the tunnel
 * connector is its own component (components/connector) that runs in this environment. Every secret an app sees is a
 * Key Vault reference read with its own managed identity; no secret value is an input of any app.
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
  /** `https://<server-app>.internal.<env-domain>/api`, resolvable inside the environment and the VNet. */
  readonly apiUrl: pulumi.Output<string>;
  /**
   * `user:password` for Prefect's basic auth, for the gateway's upstream credential (a Pulumi secret). It resolves only
   * once the server and worker apps are updated, so a consumer (the Worker) switches to a rotated value after the
   * apps' new revisions hold it: the old revision keeps serving the old value until the new one is ready.
   */
  readonly apiAuthString: pulumi.Output<string>;
  readonly apiAuthSecret: azure.keyvault.Secret;

  constructor(name: string, args: OrchestratorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:orchestrator:Orchestrator", name, {}, opts);
    if (args.containerApps.serverMinReplicas !== PREFECT_SERVER_REPLICAS) {
      throw new pulumi.ResourceError(
        `orchestrator: containerApps.serverMinReplicas is ${args.containerApps.serverMinReplicas}, must be ${PREFECT_SERVER_REPLICAS}: ` +
          "more Prefect server replicas need Redis messaging, a background-services app and a migrations job (docs/components.md#orchestrator)",
        this,
      );
    }
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
    this.apiAuthSecret = auth.secret;
    // Rotation without a restart left to chance. The apps reference the secret's *current version* (a new one on every
    // rotation), and carry it in a revision-scoped env var too: a secret change alone makes no new revision
    // ("Adding, removing, or changing secrets doesn't generate new revisions" — https://learn.microsoft.com/azure/
    // container-apps/manage-secrets), a template change does. So the `up` that rotates also rolls both apps, in order,
    // before the Worker gets the new value (apiAuthString below). A versionless reference would instead be re-read by
    // the platform "within 30 minutes" and the revision restarted then (same page): up to 30 minutes of 401s after the
    // Worker switched, and an unplanned restart of the single server replica.
    const secretVersions = pulumi.unsecret(auth.secret.properties.secretUriWithVersion);
    const authStringSecretUrl = secretVersions;

    // Container Apps reads Key Vault references at create, with the app's identity, through the vault's private
    // endpoint: each app waits for its secret, its identity's grant plus RBAC propagation, and the vault's private
    // endpoint DNS zone group (without which the vault's name does not resolve to the private IP).
    const grantsPropagated = afterRbacPropagation(this, `${name}-kv-rbac-propagation`, args.identityGrants ?? []);
    const ctx = (extra: readonly pulumi.Input<pulumi.Resource>[]): AppContext => ({
      parent: this,
      name,
      placement: args,
      environmentId: this.environment.id,
      tags: args.tags,
      diagnostics: args.diagnostics,
      dependsOn: [auth.secret, ...(args.identityGrants ?? []), ...(grantsPropagated ? [grantsPropagated] : []), ...(args.keyVault.dataPlaneReady ?? []), ...extra],
    });
    const { workerMinReplicas, maxReplicas } = args.containerApps;

    this.serverApp = prefectServerApp(ctx(postgres.ready), {
      identity: serverIdentity,
      databaseUser: serverIdentityName,
      databaseHost: postgres.server.fullyQualifiedDomainName,
      databaseName: PREFECT_DATABASE,
      authStringSecretUrl,
      secretVersions,
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
      secretVersions,
      scale: { minReplicas: workerMinReplicas, maxReplicas },
    });
    // Carries the apps as dependencies: whoever consumes it is updated after both apps roll to the new value.
    this.apiAuthString = pulumi
      .all([auth.value, this.serverApp.latestRevisionName, this.workerApp.latestRevisionName])
      .apply(([value]) => value);

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
}

function resourceName(id: pulumi.Input<string>, owner: pulumi.Resource): pulumi.Output<string> {
  return pulumi.output(id).apply((value) => {
    const parsed = tryParseResourceId(value);
    if (!parsed) throw new pulumi.ResourceError(`orchestrator: "${value}" is not a resource ID`, owner);
    return parsed.name;
  });
}
