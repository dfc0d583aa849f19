import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { type CoreOutputs, locationOf } from "../core-outputs";
import type { CrossCuttingArgs, PlacementArgs } from "../cross-cutting";
import { assignRole } from "../identity/roles";
import type { KeyVaultRef } from "../keyvault";
import { afterRbacPropagation } from "../identity/propagation";
import { type MovedFrom, withMovedChildren } from "../moved";
import { CLOUDFLARED_IMAGE, containerApp, keyVaultSecret, type ManagedIdentityRef, SECRET_VERSIONS_ENV } from "../orchestrator";

export interface ConnectorArgs extends PlacementArgs, Pick<CrossCuttingArgs, "diagnostics" | "tags"> {
  /** Key Vault secret URI (versionless or versioned) of the Cloudflare Tunnel token the Gateway wrote. */
  readonly tunnelTokenSecretUri: pulumi.Input<string>;
  /** The Container Apps environment the connector runs in (the Orchestrator's): it reaches the origins from there. */
  readonly environment: { readonly id: pulumi.Input<string> };
  /** The connector's own user-assigned identity (created by Identity): it reads the tunnel token and nothing else. */
  readonly identity: ManagedIdentityRef;
  /** The vault holding the tunnel token: the identity's one role is scoped to that secret. */
  readonly keyVault: Pick<KeyVaultRef, "id" | "dataPlaneReady">;
  /** cloudflared replicas (each holds its own connections to Cloudflare's edge). Default: 1. */
  readonly replicas?: number;
  /**
   * Where these resources lived before the connector was its own component (the Orchestrator's `addConnector`): the old
   * parent's URN and child-name prefix. Each child gets an alias to its old URN, so existing stacks move, not replace.
   * Default: none (nothing to move).
   */
  readonly movedFrom?: MovedFrom;
}

/**
 * The Cloudflare Tunnel connector (cloudflared) in the orchestrator's Container Apps environment: it dials out to
 * Cloudflare (no ingress) and carries the Gateway's traffic into the VNet. Created after the Gateway (it needs the
 * tunnel token) and after the Orchestrator (it runs in its environment), so neither is changed after construction.
 */
export class Connector extends pulumi.ComponentResource implements CoreOutputs {
  /** The cloudflared container app, the component's main resource. */
  readonly app: azure.app.ContainerApp;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;

  constructor(name: string, args: ConnectorArgs, opts?: pulumi.ComponentResourceOptions) {
    const replicas = args.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 30) {
      throw new Error(`connector "${name}": replicas must be an integer from 1 to 30, got ${replicas}`);
    }
    super("dataplatform:connector:Connector", name, {}, withMovedChildren(name, args.movedFrom, opts));

    const tokenSecretId = pulumi.all([args.keyVault.id, args.tunnelTokenSecretUri]).apply(([vault, uri]) => {
      const secretName = /\/secrets\/([0-9A-Za-z-]+)/.exec(uri)?.[1];
      if (!secretName) throw new pulumi.ResourceError(`connector: "${uri}" is not a Key Vault secret URI`, this);
      return `${vault}/secrets/${secretName}`;
    });
    const grant = assignRole(
      `${name}-tunnel-token-ra`,
      tokenSecretId,
      {
        principalId: args.identity.principalId,
        principalType: "ServicePrincipal",
        role: "Key Vault Secrets User",
        description: "cloudflared connector: read the Cloudflare Tunnel token (this one secret only)",
      },
      { parent: this },
    );

    // Container Apps reads the token at create with this identity: wait for the grant to take effect.
    const propagated = afterRbacPropagation(this, `${name}-tunnel-rbac-propagation`, [grant])!;

    this.app = containerApp(
      {
        parent: this,
        name,
        placement: args,
        environmentId: args.environment.id,
        tags: args.tags,
        diagnostics: args.diagnostics,
        // Key Vault references resolve through the vault's private endpoint: wait for it and its DNS zone group too.
        dependsOn: [grant, propagated, ...(args.keyVault.dataPlaneReady ?? [])],
      },
      // "connector" or "cloudflared" would overflow the 32-character app name in the longest region codes.
      "tunnel",
      args.identity,
      { secrets: [keyVaultSecret("tunnel-token", args.tunnelTokenSecretUri, args.identity)] },
      {
        containers: [
          {
            name: "cloudflared",
            image: CLOUDFLARED_IMAGE,
            args: ["tunnel", "--no-autoupdate", "--metrics", "0.0.0.0:2000", "run"],
            resources: { cpu: 0.5, memory: "1Gi" },
            env: [
              { name: "TUNNEL_TOKEN", secretRef: "tunnel-token" },
              // A new token (the tunnel replaced, or a versioned URI) rolls the app: a running revision keeps its
              // secrets (https://learn.microsoft.com/azure/container-apps/manage-secrets).
              { name: SECRET_VERSIONS_ENV, value: args.tunnelTokenSecretUri },
            ],
            probes: [{ type: "Liveness", httpGet: { path: "/ready", port: 2000 }, periodSeconds: 30, failureThreshold: 3 }],
          },
        ],
        scale: { minReplicas: replicas, maxReplicas: replicas },
      },
    );
    this.id = this.app.id;
    this.name = this.app.name;
    this.location = locationOf(this.app, args.location);

    this.registerOutputs({ id: this.id, name: this.name, location: this.location });
  }
}
