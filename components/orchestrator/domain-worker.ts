import { createHash } from "node:crypto";
import type * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { PREFECT_DESIRED_STATE_ENV, PREFECT_DESIRED_STATE_SHA_ENV, type PrefectDesiredState } from "../../contracts/prefect-config";
import { type CoreOutputs, locationOf } from "../core-outputs";
import type { CrossCuttingArgs, PlacementArgs } from "../cross-cutting";
import { afterRbacPropagation } from "../identity/propagation";
import { assignRole } from "../identity/roles";
import type { KeyVaultRef } from "../keyvault";
import { desiredStateForDomain, prefectCommand, serializeDesiredState, workerEnvironment } from "../prefect/desired-state";
import { containerApp, keyVaultSecret, type ManagedIdentityRef, type Scale, SECRET_VERSIONS_ENV } from "./apps";
import { prefectRuntime } from "./images";
import { type MovedFrom, withMovedChildren } from "../moved";

/** The Container Apps secret (a Key Vault reference) holding Prefect's basic-auth string in each domain worker. */
const AUTH_SECRET = "prefect-api-auth-string";

export interface DomainWorkerArgs extends PlacementArgs, Pick<CrossCuttingArgs, "diagnostics" | "tags"> {
  /** The data domain this worker serves: its pool is named after it. */
  readonly domain: { readonly name: string; readonly team: string; readonly costCenter: string; readonly concurrencyLimit: number };
  /** The domain worker's own user-assigned identity (its roles reach only the domain's data and workspace). */
  readonly identity: ManagedIdentityRef;
  /** What the Orchestrator provides. */
  readonly orchestrator: {
    /** The Container Apps environment (inside the VNet) the worker runs in. */
    readonly environmentId: pulumi.Input<string>;
    /** `https://<server ingress fqdn>/api`. */
    readonly apiUrl: pulumi.Input<string>;
    /** Versioned URI (`…/secrets/<name>/<version>`) of the Prefect basic-auth secret: a rotation rolls the worker. */
    readonly authStringSecretUrl: pulumi.Input<string>;
    /** Resources the app waits for (the auth secret, the server app). Default: none. */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
  };
  /** The vault holding the auth secret: the identity's role on it is scoped to that one secret. */
  readonly keyVault: Pick<KeyVaultRef, "id" | "dataPlaneReady">;
  /** The whole platform's desired state (components/prefect/desired-state.ts); the worker carries only its domain's part. */
  readonly desiredState: pulumi.Input<PrefectDesiredState>;
  readonly scale: Scale;
  /**
   * The worker app's purpose (child name `<name>-<purpose>`) and Azure name. Default: `appPurpose()` of the domain's
   * name and `naming.name("containerApp", purpose)`. A data domain's own DomainNaming reserves its app name at config
   * validation (stacks/config/data-domains.ts), and the default domain keeps the name its worker had before domains.
   */
  readonly app?: { readonly purpose: string; readonly azureName?: string };
  /**
   * Grants through which the identity already reads the auth secret (e.g. Key Vault Secrets User on the whole vault):
   * the worker waits for them instead of adding its own. Default: a grant on the auth secret alone is created.
   */
  readonly existingSecretGrants?: readonly pulumi.Resource[];
  /** Where the worker app lived before this component (its children get aliases there). Default: nowhere. */
  readonly movedFrom?: MovedFrom;
}

/**
 * One data domain's Prefect worker (issue 11 points 3-4, issue 12 point 6): a Container App in the orchestrator's
 * environment, running as the domain's identity, that polls the domain's work pool. Its init container applies the
 * Prefect configuration (platform-wide items + this domain's pool, variables and deployments) from inside the VNet
 * before the worker starts: `python -m dataplatform_flows.configure --domain <name>`.
 *
 * Init containers "run in the order they're defined … and must complete successfully before the primary app container
 * starts" (https://learn.microsoft.com/azure/container-apps/containers#init-containers). Every change under
 * `properties.template` makes a new revision (https://learn.microsoft.com/azure/container-apps/revisions#revision-scope-changes),
 * so the desired state's sha256 in the init container's environment rolls the worker, and the new revision re-applies
 * before its worker starts; with one active revision the old one keeps polling until the new one is ready.
 * The configuring container needs no managed identity ("processes running in init containers don't have access to
 * managed identities", same page): it authenticates to Prefect with the basic-auth string, a Key Vault reference.
 */
export class DomainWorker extends pulumi.ComponentResource implements CoreOutputs {
  /** The worker Container App, the component's main resource. */
  readonly app: azure.app.ContainerApp;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  /** The desired state this worker applies (platform-wide + its domain) and its sha256. */
  readonly desiredState: pulumi.Output<{ json: string; sha256: string }>;

  constructor(name: string, args: DomainWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
    const { domain, scale } = args;
    if (!Number.isInteger(scale.minReplicas) || !Number.isInteger(scale.maxReplicas) || scale.minReplicas < 0 || scale.maxReplicas < Math.max(1, scale.minReplicas)) {
      throw new Error(`domain worker "${name}": scale must have integers 0 <= minReplicas <= maxReplicas, maxReplicas >= 1; got ${JSON.stringify(scale)}`);
    }
    const purpose = args.app?.purpose ?? appPurpose(args.naming, domain.name);
    super("dataplatform:orchestrator:DomainWorker", name, {}, withMovedChildren(name, args.movedFrom, opts));

    // The desired state becomes plain environment variables: refuse it when it arrives as a Pulumi secret.
    const input = pulumi.output(args.desiredState);
    const state = pulumi.all([input, pulumi.output(pulumi.isSecret(input))]).apply(([whole, secret]) => {
      if (secret) {
        const message = `domain worker "${domain.name}": the Prefect desired state is a secret, but it is applied from plain environment variables; it must hold no secret`;
        // Logged as an error too: a rejected input alone may only leave the property unset, not fail the update.
        void pulumi.log.error(message, this);
        throw new pulumi.ResourceError(message, this);
      }
      const own = desiredStateForDomain(whole, domain.name);
      const pool = own.workPools[0]!;
      if (pool.concurrencyLimit !== domain.concurrencyLimit) {
        throw new pulumi.ResourceError(
          `domain worker "${domain.name}": the desired state's pool limit is ${pool.concurrencyLimit}, the domain's ${domain.concurrencyLimit}`,
          this,
        );
      }
      return { own, ...serializeDesiredState(own) };
    });
    this.desiredState = state.apply(({ json, sha256 }) => ({ json, sha256 }));

    // Key Vault Secrets User on the auth-string secret alone (as the connector reads its token).
    const secretId = pulumi.all([args.keyVault.id, args.orchestrator.authStringSecretUrl]).apply(([vault, uri]) => {
      const secretName = /\/secrets\/([0-9A-Za-z-]+)/.exec(uri)?.[1];
      if (!secretName) throw new pulumi.ResourceError(`domain worker: "${uri}" is not a Key Vault secret URI`, this);
      return `${vault}/secrets/${secretName}`;
    });
    const grants = args.existingSecretGrants?.length
      ? [...args.existingSecretGrants]
      : [
          assignRole(
            `${name}-auth-secret-ra`,
            secretId,
            {
              principalId: args.identity.principalId,
              principalType: "ServicePrincipal",
              role: "Key Vault Secrets User",
              description: `domain worker ${domain.name}: read the Prefect API auth string (this one secret only)`,
            },
            { parent: this },
          ),
        ];
    const propagated = afterRbacPropagation(this, `${name}-auth-rbac-propagation`, grants)!;

    const configure = prefectRuntime("configure");
    const worker = prefectRuntime("worker");
    const prefectClient = [
      { name: "PREFECT_API_URL", value: args.orchestrator.apiUrl },
      { name: "PREFECT_API_AUTH_STRING", secretRef: AUTH_SECRET },
    ];
    const endpoints = state.apply(({ own }) => workerEnvironment(own, domain.name));
    this.app = containerApp(
      {
        parent: this,
        name,
        placement: args,
        environmentId: args.orchestrator.environmentId,
        tags: pulumi.output(args.tags ?? {}).apply((t) => ({ ...t, "data-domain": domain.name, team: domain.team, "domain-cost-center": domain.costCenter })),
        diagnostics: args.diagnostics,
        dependsOn: [...grants, propagated, ...(args.keyVault.dataPlaneReady ?? []), ...(args.orchestrator.dependsOn ?? [])],
        ...(args.app?.azureName ? { azureName: args.app.azureName } : {}),
      },
      purpose,
      args.identity,
      { secrets: [keyVaultSecret(AUTH_SECRET, args.orchestrator.authStringSecretUrl, args.identity)] },
      {
        initContainers: [
          {
            name: "prefect-configure",
            image: configure.image,
            ...(configure.command ? { command: [...configure.command] } : {}),
            args: prefectCommand("configure", domain.name),
            // With the worker's 1 CPU / 2 GiB: 1.25 / 2.5 GiB, a valid Consumption combination whether or not init
            // containers count (https://learn.microsoft.com/azure/container-apps/containers#configuration).
            resources: { cpu: 0.25, memory: "0.5Gi" },
            env: [
              ...prefectClient,
              // Plain configuration, never a secret (renderPrefectDesiredState refuses credential-like names).
              { name: PREFECT_DESIRED_STATE_ENV, value: state.apply((s) => s.json) },
              { name: PREFECT_DESIRED_STATE_SHA_ENV, value: state.apply((s) => s.sha256) },
              ...configure.env,
            ],
          },
        ],
        containers: [
          {
            name: "prefect-worker",
            image: worker.image,
            ...(worker.command ? { command: [...worker.command] } : {}),
            args: prefectCommand("worker", domain.name),
            resources: { cpu: 1, memory: "2Gi" },
            // The same non-secret endpoints as the Prefect variables, AZURE_CLIENT_ID (the domain identity) among them.
            env: pulumi.all([endpoints, worker.env]).apply(([values, runtime]) => [
              ...prefectClient,
              ...values,
              ...runtime,
              { name: SECRET_VERSIONS_ENV, value: args.orchestrator.authStringSecretUrl },
            ]),
          },
        ],
        scale: {
          minReplicas: scale.minReplicas,
          maxReplicas: scale.maxReplicas,
          // No ingress, nothing to scale on: with 0 minimum replicas the worker runs on weekdays' working hours (UTC).
          ...(scale.minReplicas === 0
            ? { rules: [{ name: "working-hours", custom: { type: "cron", metadata: { timezone: "Etc/UTC", start: "0 7 * * 1-5", end: "0 19 * * 1-5", desiredReplicas: "1" } } }] }
            : {}),
        },
      },
    );
    this.id = this.app.id;
    this.name = this.app.name;
    this.location = locationOf(this.app, args.location);
    this.registerOutputs({ id: this.id, name: this.name, location: this.location });
  }
}

/** Purposes of the orchestrator's other apps and jobs: a domain of that name gets the hashed form. */
const RESERVED_PURPOSES = ["prefect", "worker", "tunnel", "rbac"];

/**
 * The app's purpose in its name (`ca-<workload>-<purpose>-<env>-<region>`, at most 32 characters, which leaves 6-8
 * characters): the domain's name when it fits, else its first characters and a hash of the whole name
 * (`<prefix>-<hash4>`), else `w<hash5>`. Named by content: the same domain always gets the same app.
 */
export function appPurpose(naming: PlacementArgs["naming"], domain: string): string {
  const hash = createHash("sha256").update(domain).digest("hex");
  const candidates = RESERVED_PURPOSES.includes(domain) ? [] : [domain];
  for (let k = domain.length - 1; k >= 1; k--) candidates.push(`${domain.slice(0, k).replace(/-+$/, "")}-${hash.slice(0, 4)}`);
  candidates.push(`w${hash.slice(0, 5)}`);
  for (const purpose of candidates) {
    try {
      naming.name("containerApp", purpose);
      return purpose;
    } catch {
      // too long for this environment and region: try a shorter form
    }
  }
  throw new Error(`domain worker "${domain}": no container app name fits (${naming.name("containerApp")} leaves no room)`);
}
