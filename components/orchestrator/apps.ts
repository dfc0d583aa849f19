import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "../cross-cutting";
import { WORKLOAD_PROFILE } from "./environment";

/** Pinned images: a tag that moves would change the running code without a diff in this program. */
const PREFECT_VERSION = "3.8.5";
const PREFECT_IMAGE = `docker.io/prefecthq/prefect:${PREFECT_VERSION}-python3.12`;
const CLOUDFLARED_IMAGE = "docker.io/cloudflare/cloudflared:2025.8.1";
/**
 * Installed by the Prefect image's entrypoint at start (`EXTRA_PIP_PACKAGES`): prefect-azure's database plugin fetches
 * an Entra token for the server's managed identity per new connection (PrefectHQ/prefect#22420), so Postgres needs no
 * password. Pin the first release that contains that plugin, or bake it into a derived image (see docs/components.md#orchestrator).
 */
const PREFECT_SERVER_EXTRA_PACKAGES = "prefect-azure";
const PREFECT_PORT = 4200;
/** Work pool the worker polls; flows are deployed to it. */
const WORK_POOL = "platform";

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
}

export interface Scale {
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** A Container Apps secret that is only a reference: the value stays in Key Vault, read with the app's own identity. */
function keyVaultSecret(name: string, keyVaultUrl: pulumi.Input<string>, identity: ManagedIdentityRef) {
  return { name, keyVaultUrl, identity: identity.id };
}

function app(
  ctx: AppContext,
  purpose: string,
  identity: ManagedIdentityRef,
  configuration: azure.types.input.app.ConfigurationArgs,
  template: azure.types.input.app.TemplateArgs,
): azure.app.ContainerApp {
  const containerApp = new azure.app.ContainerApp(
    `${ctx.name}-${purpose}`,
    {
      containerAppName: ctx.placement.naming.name("containerApp", purpose),
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
  readonly scale: Scale;
}

/** The Prefect API + UI, reachable only inside the environment (and through the VNet's private DNS). */
export function prefectServerApp(ctx: AppContext, args: ServerAppArgs): azure.app.ContainerApp {
  // No password in the URL: the prefect-azure plugin supplies an Entra token for the managed identity per connection.
  const databaseUrl = pulumi.interpolate`postgresql+asyncpg://${args.databaseUser}@${args.databaseHost}:5432/${args.databaseName}`;
  return app(
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
          image: PREFECT_IMAGE,
          // `args`, not `command`: the image's entrypoint must run (it installs EXTRA_PIP_PACKAGES).
          args: ["prefect", "server", "start", "--host", "0.0.0.0", "--port", String(PREFECT_PORT)],
          resources: { cpu: 1, memory: "2Gi" },
          env: [
            { name: "PREFECT_API_DATABASE_CONNECTION_URL", value: databaseUrl },
            { name: "PREFECT_SERVER_API_AUTH_STRING", secretRef: "prefect-api-auth-string" },
            { name: "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_ENABLED", value: "true" },
            { name: "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_CLIENT_ID", value: args.identity.clientId },
            { name: "AZURE_CLIENT_ID", value: args.identity.clientId },
            { name: "EXTRA_PIP_PACKAGES", value: PREFECT_SERVER_EXTRA_PACKAGES },
            { name: "PREFECT_SERVER_ANALYTICS_ENABLED", value: "false" },
          ],
          probes: healthProbes,
        },
      ],
      scale: { minReplicas: args.scale.minReplicas, maxReplicas: args.scale.maxReplicas },
    },
  );
}

export interface WorkerAppArgs {
  readonly identity: ManagedIdentityRef;
  readonly apiUrl: pulumi.Input<string>;
  readonly authStringSecretUrl: pulumi.Input<string>;
  readonly scale: Scale;
}

/**
 * The Prefect worker: polls the work pool and runs flows as the orchestrator identity (the one that holds the
 * platform roles). No ingress. With no inbound traffic there is nothing to scale on, so a minimum of 0 replicas would
 * leave it stopped for good: then it runs on weekdays' working hours (UTC) only, through a cron scale rule.
 */
export function prefectWorkerApp(ctx: AppContext, args: WorkerAppArgs): azure.app.ContainerApp {
  const workingHours = {
    name: "working-hours",
    custom: { type: "cron", metadata: { timezone: "Etc/UTC", start: "0 7 * * 1-5", end: "0 19 * * 1-5", desiredReplicas: "1" } },
  };
  return app(
    ctx,
    "worker",
    args.identity,
    { secrets: [keyVaultSecret("prefect-api-auth-string", args.authStringSecretUrl, args.identity)] },
    {
      containers: [
        {
          name: "prefect-worker",
          image: PREFECT_IMAGE,
          args: ["prefect", "worker", "start", "--pool", WORK_POOL, "--type", "process"],
          resources: { cpu: 1, memory: "2Gi" },
          env: [
            { name: "PREFECT_API_URL", value: args.apiUrl },
            { name: "PREFECT_API_AUTH_STRING", secretRef: "prefect-api-auth-string" },
            { name: "AZURE_CLIENT_ID", value: args.identity.clientId },
          ],
        },
      ],
      scale: {
        minReplicas: args.scale.minReplicas,
        maxReplicas: args.scale.maxReplicas,
        ...(args.scale.minReplicas === 0 ? { rules: [workingHours] } : {}),
      },
    },
  );
}

export interface ConnectorAppArgs {
  readonly identity: ManagedIdentityRef;
  readonly tunnelTokenSecretUrl: pulumi.Input<string>;
  readonly scale: Scale;
}

/** The connector (cloudflared) of the Cloudflare Tunnel (tunnel mode): it dials out, so it needs no ingress at all. */
export function connectorApp(ctx: AppContext, args: ConnectorAppArgs): azure.app.ContainerApp {
  return app(
    ctx,
    // "connector" or "cloudflared" would overflow the 32-character app name in the longest region codes.
    "tunnel",
    args.identity,
    { secrets: [keyVaultSecret("tunnel-token", args.tunnelTokenSecretUrl, args.identity)] },
    {
      containers: [
        {
          name: "cloudflared",
          image: CLOUDFLARED_IMAGE,
          args: ["tunnel", "--no-autoupdate", "--metrics", "0.0.0.0:2000", "run"],
          resources: { cpu: 0.5, memory: "1Gi" },
          env: [{ name: "TUNNEL_TOKEN", secretRef: "tunnel-token" }],
          probes: [{ type: "Liveness", httpGet: { path: "/ready", port: 2000 }, periodSeconds: 30, failureThreshold: 3 }],
        },
      ],
      scale: { minReplicas: Math.max(1, args.scale.minReplicas), maxReplicas: Math.max(1, args.scale.maxReplicas) },
    },
  );
}
