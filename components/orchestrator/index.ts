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
   * `serverMinReplicas` must be 1 (PREFECT_SERVER_REPLICAS in ./apps: one server, no Redis). The workers are the data
   * domains' (DomainWorker), built by the platform after everything their Prefect configuration names.
   */
  readonly containerApps: { readonly serverMinReplicas: number; readonly zoneRedundant: boolean };
  /** The Prefect server's user-assigned identity (prefect-server-<env>). */
  readonly identities: { readonly server: ManagedIdentityRef };
  readonly keyVault: KeyVaultRef;
  /** Role assignments the apps' identities need before the apps can read their Key Vault references. Default: none. */
  readonly identityGrants?: readonly pulumi.Input<pulumi.Resource>[];
  /** Days between rotations of Prefect's basic-auth password. Default: 90. */
  readonly apiAuthRotationDays?: number;
}

/**
 * The orchestration plane: an internal Container Apps environment in the VNet, Prefect's Postgres (Entra-only,
 * private), the Prefect server (one replica, internal ingress only). The workers are the data domains' (DomainWorker). Complete when constructed: the tunnel
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
  /** `https://<server-app>.internal.<env-domain>/api`, resolvable inside the environment and the VNet. */
  readonly apiUrl: pulumi.Output<string>;
  /**
   * `user:password` for Prefect's basic auth (a Pulumi secret): the value the apps' templates carry. It resolves only
   * once the server app is updated, so the Worker's bindings change after the apps rolled.
   */
  readonly apiAuthString: pulumi.Output<string>;
  /**
   * The value the apps switch to at the next rotation (a Pulumi secret), announced to the Worker half a rotation
   * period ahead: while a rotation rolls the server, the Worker (updated only after the roll) still holds the old
   * pair — the outgoing value and this one, the incoming — so whichever revision serves, one of them works; the Worker
   * tries the other on a 401 (docs/gateway.md#rotation). Prefect's server itself accepts exactly one auth string
   * (PrefectHQ/prefect src/prefect/server/api/server.py: `if decoded != auth_string:` → 401).
   */
  readonly apiAuthNext: pulumi.Output<string>;
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
    const { server: serverIdentity } = args.identities;

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

    // Carry the server app as a dependency: the Worker gets the new pair only after the server rolled. Until then it
    // holds the old pair, whose second value is the one the new revision accepts (apiAuth: the next value is announced
    // a half period ahead). The domain workers (components/orchestrator/domain-worker.ts) roll on the same secret version.
    const rolled = <T>(o: pulumi.Output<T>) => pulumi.all([o, this.serverApp.latestRevisionName]).apply(([value]) => value);
    this.apiAuthString = rolled(auth.value);
    this.apiAuthNext = rolled(auth.next);

    this.registerOutputs({
      id: this.id,
      name: this.name,
      location: this.location,
      apiUrl: this.apiUrl,
      postgresServerId: this.postgresServer.id,
    });
  }

  /**
   * Prefect's basic-auth string, rotated with an overlap: two passwords (slots A and B), each replaced every
   * `apiAuthRotationDays` (the next `up --refresh` after its `time.Rotating` deadline recreates it: hashicorp/
   * terraform-provider-time internal/provider/resource_time_rotating.go, Read → RemoveResource), B half a period after
   * A. The OLDER slot is current (the apps' value); the newer one is the next value, held by the Worker only. When the
   * older slot's deadline passes it is replaced (becoming the next value) and the other becomes current: the apps roll
   * to a value the Worker has held for half a period. So the apps roll every half period and no value lives longer
   * than `apiAuthRotationDays` (half as next, half as current). B's base is A's plus half a period, fixed at B's
   * creation (`ignoreChanges`; `rfc3339` is replace-only in the provider): A's later rotations never move B. Slot A
   * keeps the resource names of the single rotation this replaced, so the first `up` with slots changes no value.
   * If no `up` runs for a whole half period, both slots change in one `up`: that rotation has no overlap (the gateway
   * answers 401 on /prefect between the server's roll and the Worker's update). The Key Vault secret expires 30 days
   * after its value stops being current (its slot's own deadline).
   */
  private apiAuth(name: string, args: OrchestratorArgs): { value: pulumi.Output<string>; next: pulumi.Output<string>; secret: azure.keyvault.Secret } {
    const rotationDays = args.apiAuthRotationDays ?? 90;
    const half = rotationDays / 2;
    const rotationA = new time.Rotating(`${name}-api-auth-rotation`, { rotationDays }, { parent: this });
    const rotationB = new time.Rotating(
      `${name}-api-auth-rotation-b`,
      { rotationDays, rfc3339: rotationA.rfc3339.apply((base) => addDays(base, half)) },
      { parent: this, ignoreChanges: ["rfc3339"] },
    );
    const password = (suffix: string, rotation: time.Rotating) =>
      new random.RandomPassword(`${name}-api-auth-password${suffix}`, { length: 48, special: false, keepers: { rotation: rotation.rfc3339 } }, { parent: this });
    const a = password("", rotationA);
    const b = password("-b", rotationB);
    const slots = pulumi
      .all([rotationA.rfc3339, rotationB.rfc3339, rotationA.rotationRfc3339, rotationB.rotationRfc3339, a.result, b.result])
      .apply(([baseA, baseB, deadlineA, deadlineB, valueA, valueB]) => {
        const aIsCurrent = Date.parse(baseA) <= Date.parse(baseB);
        return {
          current: `prefect:${aIsCurrent ? valueA : valueB}`,
          next: `prefect:${aIsCurrent ? valueB : valueA}`,
          // The current (older) slot is replaced at its own deadline.
          until: aIsCurrent ? deadlineA : deadlineB,
        };
      });
    const value = pulumi.secret(slots.apply((s) => s.current));
    const next = pulumi.secret(slots.apply((s) => s.next));
    const secret = args.keyVault.secret(
      API_AUTH_SECRET_NAME,
      {
        value,
        contentType: "text/x-prefect-basic-auth",
        expiresOn: pulumi.unsecret(slots).apply((s) => addDays(s.until, 30)),
      },
      { parent: this, name },
    );
    return { value, next, secret };
  }
}

function resourceName(id: pulumi.Input<string>, owner: pulumi.Resource): pulumi.Output<string> {
  return pulumi.output(id).apply((value) => {
    const parsed = tryParseResourceId(value);
    if (!parsed) throw new pulumi.ResourceError(`orchestrator: "${value}" is not a resource ID`, owner);
    return parsed.name;
  });
}
