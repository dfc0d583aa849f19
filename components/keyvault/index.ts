import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { type CoreOutputs, locationOf } from "../core-outputs";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs, type PrivateEndpointChildren } from "../cross-cutting";
import { type KeyRotationSettings, rotationProblems } from "./rotation";
import { namingViolation } from "../naming/rules";
import { unixSeconds } from "../../lib/dates";

export type { KeyRotationSettings } from "./rotation";

export interface KeySpec {
  /** RSA (software-protected) or RSA-HSM (premium vault). */
  readonly kty: "RSA" | "RSA-HSM" | "EC" | "EC-HSM";
  /** RSA key size in bits. Default: unset, so the service chooses (the Create Key REST reference names no default). */
  readonly keySize?: number;
  /** Elliptic curve of an EC key. Default: unset, so the service chooses (the Create Key REST reference names no default). */
  readonly curveName?: "P-256" | "P-384" | "P-521";
  readonly keyOps: readonly ("encrypt" | "decrypt" | "sign" | "verify" | "wrapKey" | "unwrapKey")[];
  readonly rotation: KeyRotationSettings;
}

export interface SecretSpec {
  /** Pulumi secret (wrap it with `pulumi.secret`): the value is passed to ARM and stored only in the vault. */
  readonly value: pulumi.Input<string>;
  /** What the value is, e.g. `application/x-entra-client-secret`; readers use it to parse the value. */
  readonly contentType: string;
  /** Expiry as RFC 3339 (e.g. a credential's own end date): Key Vault marks the secret expired then. */
  readonly expiresOn: pulumi.Input<string>;
  /** Not valid before (RFC 3339). Default: valid at once. */
  readonly notBefore?: pulumi.Input<string>;
}

/** Who owns a secret resource: its parent, and the name its child resource is named after. */
export interface SecretOwner {
  readonly parent: pulumi.Resource;
  readonly name: string;
}

/**
 * The one way a component receives the environment's Key Vault (the KeyVault component satisfies it): where the
 * vault is, for role scopes, references and private endpoints, and how to write a secret into it.
 */
export interface KeyVaultRef {
  readonly id: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  /** `https://<vault>.vault.azure.net/` */
  readonly uri: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  /**
   * What a reader inside the VNet must wait for before it can reach the data plane: the vault's private endpoints and
   * their DNS zone groups (public access is off, so `<vault>.vault.azure.net` must resolve to the private IP).
   * Default: none (a vault without private endpoints).
   */
  readonly dataPlaneReady?: readonly pulumi.Resource[];
  secret(secretName: string, spec: SecretSpec, owner?: SecretOwner): azure.keyvault.Secret;
}

export interface KeyVaultArgs extends PlacementArgs, CrossCuttingArgs {
  readonly tenantId: pulumi.Input<string>;
  readonly sku: "standard" | "premium";
  /** 7-90; the platform uses 90 (the maximum) everywhere. */
  readonly softDeleteRetentionInDays: number;
  /** Keys created with the vault (name → spec); each gets a rotation policy. Default: none. */
  readonly keys?: Readonly<Record<string, KeySpec>>;
}

/**
 * The environment's Key Vault: RBAC-only data plane (no access policies), purge protection, 90-day soft delete,
 * no public network access (private endpoint `vault` only; trusted Azure services may bypass the firewall), audit logs
 * and metrics to Log Analytics. Keys carry a rotation policy; secrets always carry an expiry and a content type.
 *
 * Keys and secrets are created through ARM (Microsoft.KeyVault/vaults/keys|secrets), not the data plane: the data
 * plane is unreachable from CI runners once public access is off, while ARM writes are authorized by Azure RBAC.
 */
export class KeyVault extends pulumi.ComponentResource implements CoreOutputs, KeyVaultRef {
  readonly vault: azure.keyvault.Vault;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  /** `https://<vault>.vault.azure.net/` */
  readonly uri: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly keys: Record<string, azure.keyvault.Key> = {};
  /** The vault's private endpoints (group `vault`) with their DNS zone groups. */
  readonly privateEndpoints: readonly PrivateEndpointChildren[];
  readonly dataPlaneReady: readonly pulumi.Resource[];

  private readonly componentName: string;
  private readonly placement: PlacementArgs;

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:keyvault:KeyVault", name, {}, opts);
    // Checked before any child exists, so a policy Azure would refuse registers nothing.
    for (const [keyName, spec] of Object.entries(args.keys ?? {})) {
      const problems = rotationProblems(spec.rotation);
      if (problems.length) throw new pulumi.ResourceError(`KeyVault: key ${keyName}: ${problems.join("; ")}`, this);
    }
    this.componentName = name;
    this.placement = args;

    this.vault = new azure.keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: args.naming.name("keyVault"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: args.sku },
          enableRbacAuthorization: true,
          enablePurgeProtection: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionInDays,
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
        },
        tags: args.tags,
      },
      { parent: this, protect: args.protect },
    );
    this.id = this.vault.id;
    this.name = this.vault.name;
    this.location = locationOf(this.vault, args.location);
    this.uri = this.vault.properties.apply((p) => p.vaultUri ?? "");
    this.resourceGroupName = pulumi.output(args.resourceGroupName);

    const crossCutting = attachCrossCutting(this, name, args, {
      purpose: "vault",
      id: this.vault.id,
      diagnostics: { logs: "audit", metrics: true },
      privateLinkGroups: ["vault"],
    }, args);
    this.privateEndpoints = crossCutting.privateEndpoints;
    this.dataPlaneReady = this.privateEndpoints.flatMap((pe) => [pe.endpoint, pe.dnsZoneGroup]);

    for (const [keyName, spec] of Object.entries(args.keys ?? {})) {
      this.keys[keyName] = this.key(keyName, spec, args.protect);
    }

    this.registerOutputs({ id: this.id, name: this.name, location: this.location, uri: this.uri });
  }

  /**
   * A secret in this vault, created through ARM with expiry and content type. `owner` lets the component that owns
   * the value (e.g. the rotating client secret) own the secret resource too; its child is named after it.
   */
  secret(secretName: string, spec: SecretSpec, owner?: SecretOwner): azure.keyvault.Secret {
    checkName("keyVaultSecret", secretName, this);
    const parent = owner?.parent ?? this;
    return new azure.keyvault.Secret(
      `${owner?.name ?? this.componentName}-secret-${secretName}`,
      {
        resourceGroupName: this.placement.resourceGroupName,
        vaultName: this.vault.name,
        secretName,
        properties: {
          value: pulumi.secret(spec.value),
          contentType: spec.contentType,
          attributes: {
            enabled: true,
            expires: pulumi.output(spec.expiresOn).apply(unixSeconds),
            ...(spec.notBefore ? { notBefore: pulumi.output(spec.notBefore).apply(unixSeconds) } : {}),
          },
        },
      },
      // ARM has no DELETE for secrets: azure-native deletes through the vault's data plane (pulumi-azure-native
      // provider/pkg/resources/customresources/custom_keyvault.go), which CI cannot reach (private vault) and holds no
      // data role for. retainOnDelete: Pulumi never calls that Delete; the secret stays (soft delete, purge protection)
      // until the vault goes. contracts/deploy-rights models the data-plane delete, so a secret without it fails the plan.
      { parent, retainOnDelete: true },
    );
  }

  private key(keyName: string, spec: KeySpec, protect: boolean | undefined): azure.keyvault.Key {
    checkName("keyVaultKey", keyName, this);
    const { expiryDays } = spec.rotation;
    // The first version's expiry, fixed at creation time and kept in state (a Date.now() here would diff every run).
    const firstExpiry = new time.Offset(`${this.componentName}-key-${keyName}-expiry`, { offsetDays: expiryDays }, { parent: this });
    const rotationPolicy = keyRotationPolicy(spec.rotation);
    const key = new azure.keyvault.Key(
      `${this.componentName}-key-${keyName}`,
      {
        resourceGroupName: this.placement.resourceGroupName,
        vaultName: this.vault.name,
        keyName,
        properties: {
          kty: spec.kty,
          ...(spec.keySize ? { keySize: spec.keySize } : {}),
          ...(spec.curveName ? { curveName: spec.curveName } : {}),
          keyOps: [...spec.keyOps],
          attributes: { enabled: true, exportable: false, expires: firstExpiry.unix },
          rotationPolicy,
        },
      },
      {
        parent: this,
        protect,
        // Deleted only through the vault's data plane (see secret() above): never by Pulumi.
        retainOnDelete: true,
        // ARM writes a key once: "Creates the first version of a new key if it does not exist. If it already exists,
        // then the existing key is returned without any write operations being performed. This API does not create
        // subsequent versions, and does not update existing keys." (Keys_CreateIfNotExist, Azure/azure-rest-api-specs
        // specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keys.json, the API version
        // azure-native 3.28's keyvault.Key uses). A diff on `properties` is therefore a PUT that changes nothing
        // (a changed rotation policy, key ops or size) and, after Key Vault rotates the key, refresh copies the new
        // version's attributes into state: both are ignored here, and a configured policy that differs from the one
        // Azure reports is a warning that says how to apply it (below). Replacing the key is no way out either:
        // purge protection keeps the deleted name, and deletion goes through the (private) data plane.
        ignoreChanges: ["properties"],
      },
    );
    key.rotationPolicy.apply((actual) => {
      const drift = rotationPolicyDrift(rotationPolicy, actual);
      if (drift) {
        pulumi.log.warn(
          `KeyVault: key ${keyName}: the rotation policy in Azure (${drift.actual}) is not the configured one (${drift.wanted}); ` +
            "ARM never updates an existing key, so apply it on the vault's data plane from inside the VNet " +
            `(az keyvault key rotation-policy update --vault-name <vault> --name ${keyName} --value <policy.json>)`,
          this,
        );
      }
    });
    return key;
  }
}

/** The rotation policy ARM sets on a key's first version (ISO 8601 periods built from the settings). */
export function keyRotationPolicy(r: KeyRotationSettings) {
  return {
    attributes: { expiryTime: `P${r.expiryDays}D` },
    lifetimeActions: [
      { trigger: { timeBeforeExpiry: `P${r.rotateBeforeExpiryDays}D` }, action: { type: "rotate" as const } },
      { trigger: { timeBeforeExpiry: `P${r.notifyBeforeExpiryDays}D` }, action: { type: "notify" as const } },
    ],
  };
}

interface PolicyShape {
  readonly attributes?: { readonly expiryTime?: string };
  readonly lifetimeActions?: readonly { readonly trigger?: { readonly timeAfterCreate?: string; readonly timeBeforeExpiry?: string }; readonly action?: { readonly type?: string } }[];
}

/**
 * How the policy Azure reports differs from the configured one, or undefined when it does not (or Azure reports
 * none, e.g. in preview). Compared as Key Vault compares them: action types ignoring case ("Rotate" = "rotate"),
 * actions in any order, read-only timestamps (`created`, `updated`) ignored.
 */
export function rotationPolicyDrift(wanted: PolicyShape, actual: PolicyShape | undefined): { wanted: string; actual: string } | undefined {
  if (!actual) return undefined;
  const canon = (p: PolicyShape) =>
    [
      `expiry ${p.attributes?.expiryTime ?? "none"}`,
      ...(p.lifetimeActions ?? [])
        .map((a) => `${(a.action?.type ?? "?").toLowerCase()} ${a.trigger?.timeBeforeExpiry ? `${a.trigger.timeBeforeExpiry} before expiry` : `${a.trigger?.timeAfterCreate ?? "?"} after create`}`)
        .sort(),
    ].join(", ");
  const [w, a] = [canon(wanted), canon(actual)];
  return w === a ? undefined : { wanted: w, actual: a };
}

function checkName(kind: "keyVaultKey" | "keyVaultSecret", name: string, vault: pulumi.Resource): void {
  const problem = namingViolation(kind, name);
  if (problem) throw new pulumi.ResourceError(`KeyVault: ${problem}`, vault);
}
