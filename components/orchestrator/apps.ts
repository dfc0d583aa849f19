import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "../cross-cutting";
import { WORKLOAD_PROFILE } from "./environment";
import { prefectRuntime } from "./images";

const PREFECT_PORT = 4200;
/**
 * The one Prefect server replica (issue 11, point 2). Several replicas need Redis messaging (events, automations), the
 * background services in their own app and the migrations outside the server's start, else every replica runs the
 * services and races the migrations ("Self-host the Prefect server": https://docs.prefect.io/v3/advanced/self-hosted).
 * One replica: while it restarts (crash, revision roll, platform maintenance, a zone lost in a zone-redundant
 * environment) the API and UI are down for the time the container takes to start (~1-3 min: pinned packages + migration
 * check); running flows keep running in the worker and report when the API is back; schedules catch up.
 */
export const PREFECT_SERVER_REPLICAS = 1;
/**
 * A revision-scoped value carrying the versions of the Key Vault secrets an app reads. Container Apps do not re-read a
 * secret into a running revision ("Adding, removing, or changing secrets doesn't generate new revisions" —
 * https://learn.microsoft.com/azure/container-apps/manage-secrets): changing this env var makes a new revision,
 * which reads the new values, whenever a secret gets a new version.
 */
// Not named "*SECRET*": it is a version URI, not a credential (policy/rules/secrets.ts CREDENTIAL_NAME).
export const SECRET_VERSIONS_ENV = "DATAPLATFORM_KEY_VAULT_VERSIONS";

export interface ManagedIdentityRef {
  readonly id: pulumi.Input<string>;
  readonly principalId: pulumi.Input<string>;
  readonly clientId: pulumi.Input<string>;
}

export interface AppContext {
  readonly parent: pulumi.Resource;
  /** The component's name: apps are named `${name}-<purpose>`. */
  readonly name: string;
  readonly placement: PlacementArgs;
  readonly environmentId: pulumi.Input<string>;
  /** Tags beyond the platform's own. Default: none. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Workspace for each app's metrics (its console and system logs are collected at the environment). Default: none. */
  readonly diagnostics?: CrossCuttingArgs["diagnostics"];
  /** Resources an app must wait for (its identity's Key Vault role, the secrets it references). */
  readonly dependsOn: readonly pulumi.Input<pulumi.Resource>[];
  /** The app's Azure name. Default: `placement.naming.name("containerApp", purpose)`. */
  readonly azureName?: string;
}

export interface Scale {
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** A Container Apps secret that is only a reference: the value stays in Key Vault, read with the app's own identity. */
export function keyVaultSecret(name: string, keyVaultUrl: pulumi.Input<string>, identity: ManagedIdentityRef) {
  return { name, keyVaultUrl, identity: identity.id };
}

export function containerApp(
  ctx: AppContext,
  purpose: string,
  identity: ManagedIdentityRef,
  configuration: azure.types.input.app.ConfigurationArgs,
  template: azure.types.input.app.TemplateArgs,
): azure.app.ContainerApp {
  const containerApp = new azure.app.ContainerApp(
    `${ctx.name}-${purpose}`,
    {
      containerAppName: ctx.azureName ?? ctx.placement.naming.name("containerApp", purpose),
      resourceGroupName: ctx.placement.resourceGroupName,
      location: ctx.placement.location,
      managedEnvironmentId: ctx.environmentId,
      workloadProfileName: WORKLOAD_PROFILE,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      configuration: { activeRevisionsMode: "Single", ...configuration },
      template,
      tags: ctx.tags,
    },
    { parent: ctx.parent, dependsOn: [...ctx.dependsOn] },
  );
  attachCrossCutting(ctx.parent, ctx.name, ctx.placement, {
    purpose,
    id: containerApp.id,
    diagnostics: { logs: "none", metrics: true },
  }, { diagnostics: ctx.diagnostics });
  return containerApp;
}

const healthProbes = [
  // First start runs the database migrations: give it minutes, not seconds.
  { type: "Startup", httpGet: { path: "/api/health", port: PREFECT_PORT }, periodSeconds: 10, failureThreshold: 30 },
  { type: "Liveness", httpGet: { path: "/api/health", port: PREFECT_PORT }, periodSeconds: 30, failureThreshold: 3 },
  { type: "Readiness", httpGet: { path: "/api/health", port: PREFECT_PORT }, periodSeconds: 10, failureThreshold: 3 },
];

export interface ServerAppArgs {
  readonly identity: ManagedIdentityRef;
  /** The identity's resource name: the Postgres role it logs in as. */
  readonly databaseUser: pulumi.Input<string>;
  readonly databaseHost: pulumi.Input<string>;
  readonly databaseName: string;
  readonly authStringSecretUrl: pulumi.Input<string>;
  /** The versioned URIs of the secrets the app reads: a change rolls the app (SECRET_VERSIONS_ENV). */
  readonly secretVersions: pulumi.Input<string>;
}

/** The Prefect API + UI, reachable only inside the environment (and through the VNet's private DNS). */
export function prefectServerApp(ctx: AppContext, args: ServerAppArgs): azure.app.ContainerApp {
  // No password in the URL: the prefect-azure plugin supplies an Entra token for the managed identity per connection.
  const server = prefectRuntime("server");
  const databaseUrl = pulumi.interpolate`postgresql+asyncpg://${args.databaseUser}@${args.databaseHost}:5432/${args.databaseName}`;
  return containerApp(
    ctx,
    "prefect",
    args.identity,
    {
      ingress: { external: false, targetPort: PREFECT_PORT, transport: "http", allowInsecure: false },
      secrets: [keyVaultSecret("prefect-api-auth-string", args.authStringSecretUrl, args.identity)],
    },
    {
      containers: [
        {
          name: "prefect-server",
          image: server.image,
          ...(server.command ? { command: [...server.command] } : {}),
          args: ["prefect", "server", "start", "--host", "0.0.0.0", "--port", String(PREFECT_PORT)],
          resources: { cpu: 1, memory: "2Gi" },
          env: [
            { name: "PREFECT_API_DATABASE_CONNECTION_URL", value: databaseUrl },
            { name: "PREFECT_SERVER_API_AUTH_STRING", secretRef: "prefect-api-auth-string" },
            { name: "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_ENABLED", value: "true" },
            { name: "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_CLIENT_ID", value: args.identity.clientId },
            { name: "AZURE_CLIENT_ID", value: args.identity.clientId },
            // prefect-azure's Postgres hook is a plugin: Prefect loads plugins only when this is on (Prefect >= 3.7;
            // before: PREFECT_EXPERIMENTS_PLUGINS_ENABLED) — PrefectHQ/prefect src/prefect/settings/models/plugins.py,
            // src/prefect/server/database/configurations.py (`if get_current_settings().plugins.enabled`). Without it
            // asyncpg connects with no password and the server never starts.
            { name: "PREFECT_PLUGINS_ENABLED", value: "true" },
            // Only the `azure` entry point (prefect-azure's `[prefect.plugins] azure = prefect_azure.plugins`).
            { name: "PREFECT_PLUGINS_ALLOW", value: "azure" },
            ...server.env,
            { name: "PREFECT_SERVER_ANALYTICS_ENABLED", value: "false" },
            { name: SECRET_VERSIONS_ENV, value: args.secretVersions },
          ],
          probes: healthProbes,
        },
      ],
      scale: { minReplicas: PREFECT_SERVER_REPLICAS, maxReplicas: PREFECT_SERVER_REPLICAS },
    },
  );
}

