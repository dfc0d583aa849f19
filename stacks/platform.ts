import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { Backup } from "../components/backup";
import { Connector } from "../components/connector";
import type { CrossCuttingArgs, PlacementArgs } from "../components/cross-cutting";
import { DataFactory } from "../components/datafactory";
import { DataLake } from "../components/datalake";
import { Gateway } from "../components/gateway";
import { hostOf, platformRoutes } from "../components/gateway/routes";
import { PREFECT_AUTH_BINDING, OVERLAP_BINDINGS, VPC_BINDINGS } from "../contracts/gateway";
import { grantee, Identity } from "../components/identity";
import { KeyVault } from "../components/keyvault";
import { Monitoring } from "../components/monitoring";
import { Naming } from "../components/naming";
import { Network } from "../components/network";
import { OktaAuthorization } from "../components/okta";
import { Orchestrator } from "../components/orchestrator";
import { DomainWorker } from "../components/orchestrator/domain-worker";
import { renderPrefectDesiredState } from "../components/prefect/desired-state";
import { tryParseResourceId } from "../lib/resource-id";
import { Synapse } from "../components/synapse";
import { ALL_PRIVATE_DNS_ZONES } from "../components/network/private-dns";
import type { PlatformConfig } from "./config";
import { regionShortCode } from "./config/regions";
import { DomainNaming, domainFilesystems } from "./config/data-domains";
import { DataDomain, type DataDomainResources } from "./data-domain";
import { DATA_DOMAIN_TAGS, DATA_FACTORY_GLOBAL_PARAMETERS, type DataDomainSettings } from "../contracts/data-domains";
import type { SynapseRoleAssignmentSpec } from "../components/synapse";
import type { NamingContext } from "../components/naming";

/** Lake filesystems: landing zone, cleaned data, and the Synapse workspace's own (default) filesystem. */
const LAKE_FILESYSTEMS = ["raw", "curated", "synapse"] as const;

/**
 * The data platform for one environment: composes the components from the resolved config. Components never read
 * config; everything environment-specific is decided here from `PlatformConfig`.
 */
export class DataPlatform extends pulumi.ComponentResource {
  readonly naming: Naming;
  readonly resourceGroup: ResourceGroupRef;
  readonly monitoring: Monitoring;
  readonly network: Network;
  readonly keyVault: KeyVault;
  readonly identity: Identity;
  readonly dataLake: DataLake;
  readonly synapse: Synapse;
  readonly dataFactory: DataFactory;
  readonly backup: Backup;
  readonly orchestrator: Orchestrator;
  readonly gateway: Gateway;
  /** `dataplatform:okta` only: the callers' Okta authorization server and application (the gateway's issuer). */
  readonly okta?: OktaAuthorization;
  /** Each data domain's Prefect worker, which also applies the Prefect configuration (in its data domains' order). */
  readonly domainWorkers: readonly DomainWorker[];
  /** Tunnel mode only: cloudflared, created after the Gateway (it runs the Gateway's tunnel). */
  readonly connector?: Connector;
  /**
   * The data domains (docs/environments.md#data-domains): the default domain `platform` first (today's workspace,
   * filesystems and orchestrator identity), then the configured ones in config order.
   */
  readonly dataDomains: readonly DataDomainResources[];

  constructor(name: string, readonly config: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:platform:DataPlatform", name, {}, opts);

    const namingContext: NamingContext = {
      workload: config.project,
      workloadShort: config.workloadShortName,
      environment: config.environment,
      location: config.location,
      locationCode: regionShortCode(config.location),
    };
    this.naming = new Naming(namingContext);
    // Data domains other than the default one: their Azure names, filesystems and tags (the default domain is today's
    // platform and creates no resource of its own but role assignments).
    const domains = config.dataDomains.map((settings) => ({
      settings,
      naming: settings.isDefault ? this.naming : new DomainNaming(namingContext, settings.name),
      filesystems: domainFilesystems(settings.name, settings.synapse),
    }));
    const extraDomains = domains.filter((d) => !d.settings.isDefault);

    // --- issue 9 (D1): the resource group is bootstrap's; this stack reads it (begin) ---
    this.resourceGroup = environmentResourceGroup(this.naming.name("resourceGroup"), this);
    const placement: PlacementArgs = {
      resourceGroupName: this.resourceGroup.name,
      location: config.location,
      naming: this.naming,
    };
    // --- issue 9 (D1) (end) ---

    this.monitoring = new Monitoring(
      `${name}-monitoring`,
      {
        ...placement,
        ...this.durability(),
        retentionInDays: config.monitoring.retentionInDays,
        dailyQuotaGb: config.monitoring.dailyQuotaGb,
      },
      { parent: this },
    );

    this.network = new Network(
      `${name}-network`,
      {
        ...placement,
        diagnostics: this.monitoring.diagnostics,
        addressSpace: config.network.addressSpace,
        subnets: config.network.subnets,
        privateDnsZones: ALL_PRIVATE_DNS_ZONES,
        existingZoneIds: config.network.privateDnsZoneIds,
      },
      { parent: this },
    );

    const keyRotation = {
      expiryDays: config.keyVault.keyExpiryDays,
      rotateBeforeExpiryDays: config.keyVault.keyRotateBeforeExpiryDays,
      notifyBeforeExpiryDays: config.keyVault.keyNotifyBeforeExpiryDays,
    };
    this.keyVault = new KeyVault(
      `${name}-keyvault`,
      {
        ...placement,
        ...this.durability(),
        diagnostics: this.monitoring.diagnostics,
        privateEndpoints: this.network.privateEndpoints,
        tenantId: config.entra.tenantId,
        sku: config.keyVault.sku,
        softDeleteRetentionInDays: 90,
        // Key-encryption key for customer-managed encryption of platform data (wrap/unwrap only).
        keys: { "platform-cmk": { kty: "RSA", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], rotation: keyRotation } },
      },
      { parent: this },
    );

    this.identity = new Identity(
      `${name}-identity`,
      {
        ...placement,
        project: config.project,
        environment: config.environment,
        deployPrincipalId: config.ci.deployPrincipalId,
        resourceGroupId: this.resourceGroup.id,
        keyVault: this.keyVault,
        gatewaySecret: { rotationDays: config.identity.gatewaySecretRotationDays, overlapDays: config.identity.gatewaySecretOverlapDays },
        groups: config.entra.groups,
        gatewayApiUri: config.gateway.entraApiUri,
        dataDomains: extraDomains.map((d) => ({ name: d.settings.name, naming: d.naming, tags: domainTags(d.settings) })),
        // The connector's identity was the Orchestrator's child `<orchestrator>-tunnel-id` before the connector was a component.
        ...(config.cloudflare.connectivity === "tunnel"
          ? { connector: { aliases: [{ name: `${name}-orchestrator-tunnel-id`, parent: this.orchestratorUrn(name) }] } }
          : {}),
      },
      { parent: this },
    );
    const { identity } = this;
    // People: engineers write lake data and author pipelines in dev only; analysts have no Azure role (gateway only).
    const engineersWrite = config.environment === "dev";

    this.dataLake = new DataLake(
      `${name}-datalake`,
      {
        ...placement,
        roleAssignments: [
          {
            key: "engineers",
            ...grantee(identity.groups.engineers),
            role: engineersWrite ? "Storage Blob Data Contributor" : "Storage Blob Data Reader",
            description: engineersWrite ? "engineers: read and write lake data in dev" : "engineers: read lake data",
          },
        ],
        ...this.durability(),
        diagnostics: this.monitoring.diagnostics,
        privateEndpoints: this.network.privateEndpoints,
        redundancy: config.storage.redundancy,
        softDeleteRetentionDays: config.storage.softDeleteRetentionDays,
        // Today's filesystems, then each further domain's (data, and its own workspace's).
        filesystems: [...LAKE_FILESYSTEMS, ...extraDomains.flatMap((d) => [...d.filesystems.data, ...(d.filesystems.synapse ? [d.filesystems.synapse] : [])])],
      },
      { parent: this },
    );

    this.orchestrator = new Orchestrator(
      `${name}-orchestrator`,
      {
        ...placement,
        ...this.durability(),
        diagnostics: this.monitoring.diagnostics,
        privateEndpoints: this.network.privateEndpoints,
        tenantId: config.entra.tenantId,
        network: this.network,
        postgres: config.postgres,
        containerApps: config.containerApps,
        identities: { server: identity.prefectServer },
        keyVault: this.keyVault,
        identityGrants: identity.keyVaultGrants,
      },
      { parent: this },
    );

    this.backup = new Backup(
      `${name}-backup`,
      {
        ...placement,
        roleAssignments: [
          { key: "orchestrator", ...grantee(identity.orchestrator), role: "Backup Contributor", description: "orchestrator: triggers and monitors backup jobs" },
          // Every domain's pool runs the backup-on-demand flow: a further domain's worker may trigger and watch backups
          // (Backup Operator: no vault or policy changes, no deletes, no access for others). The vault is the platform's,
          // so this cannot be narrower than the vault.
          ...extraDomains.map((d) => ({
            key: `domain-${d.settings.name}`,
            ...grantee(identity.domainWorkers[d.settings.name]!),
            role: "Backup Operator" as const,
            description: `data domain ${d.settings.name}: triggers and monitors on-demand backups`,
          })),
        ],
        ...this.durability(),
        diagnostics: this.monitoring.diagnostics,
        ...config.backup,
        postgres: { server: this.orchestrator.postgresServer, resourceGroupId: this.resourceGroup.id, after: [this.orchestrator.postgresSettled] },
      },
      { parent: this },
    );

    const { dedicatedPool, sparkPool } = config.synapse;
    const workerOf = (settings: DataDomainSettings) => (settings.isDefault ? identity.orchestrator : identity.domainWorkers[settings.name]!);
    // A domain's worker runs pipelines and Spark jobs and uses the workspace identity's credential in its workspace.
    // Synapse RBAC scopes are workspace, Spark pool, integration runtime, linked service and credential
    // (https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-synapse-rbac-roles, "Scopes"
    // column: Compute Operator at workspace/Spark pool/integration runtime, Credential User at workspace/linked
    // service/credential). In a shared workspace the pools, runtimes and the workspace-identity credential are the
    // same objects for every domain, so no narrower scope separates domains there: the assignments stay at workspace
    // scope (what the RBAC job applies), and a domain that needs its own compute takes `synapse: own`.
    const workerSynapseRoles = (settings: DataDomainSettings): SynapseRoleAssignmentSpec[] => [
      { ...grantee(workerOf(settings)), role: "Synapse Compute Operator" },
      { ...grantee(workerOf(settings)), role: "Synapse Credential User" },
    ];
    // What every Synapse workspace of the environment shares (its own, and a data domain's own).
    const workspaceBase = {
      ...this.durability(),
      diagnostics: this.monitoring.diagnostics,
      privateEndpoints: this.network.privateEndpoints,
      tenantId: config.entra.tenantId,
      entraAdminGroup: { objectId: config.entra.groups.admins, displayName: `${config.project}-admins-${config.environment}` },
      dataLake: this.dataLake,
    };
    this.synapse = new Synapse(
      `${name}-synapse`,
      {
        ...placement,
        ...workspaceBase,
        defaultFilesystem: "synapse",
        // Allowlist mode reaches Synapse over its public endpoint, narrowed by firewall rules (listed in notices).
        publicNetworkAccess: config.cloudflare.connectivity === "allowlist" ? "Enabled" : "Disabled",
        ...(dedicatedPool.enabled
          ? { dedicatedPool: { sku: dedicatedPool.sku, storageAccountType: config.storage.redundancy === "LRS" ? "LRS" : "GRS" } }
          : {}),
        ...(sparkPool.enabled
          ? { sparkPool: { nodeSize: sparkPool.nodeSize, minNodes: 3, maxNodes: sparkPool.maxNodes, autoPauseMinutes: sparkPool.autoPauseMinutes, sparkVersion: "3.4" } }
          : {}),
        // Orchestrator: Compute Operator runs pipelines and Spark jobs, Credential User lets pipelines use the workspace
        // identity. Gateway: Synapse User, to call Synapse on behalf of authorized users. Applied from inside the VNet
        // by the Synapse RBAC job in the orchestrator's Container Apps environment (nothing from the CI runners).
        rbacJobEnvironment: this.orchestrator.environment,
        synapseRoleAssignments: [
          { principalId: config.entra.groups.admins, principalType: "Group", role: "Synapse Administrator" },
          { ...grantee(identity.orchestrator), role: "Synapse Compute Operator" },
          { ...grantee(identity.orchestrator), role: "Synapse Credential User" },
          { ...grantee(identity.gateway), role: "Synapse User" },
          ...extraDomains.filter((d) => d.settings.synapse === "shared").flatMap((d) => workerSynapseRoles(d.settings)),
        ],
      },
      { parent: this },
    );

    this.dataDomains = domains.map(({ settings, naming, filesystems }) => {
      const own = !settings.isDefault && settings.synapse === "own";
      return new DataDomain(
        `${name}-domain-${settings.name}`,
        {
          ...placement,
          naming,
          settings,
          identity: workerOf(settings),
          dataLake: this.dataLake,
          filesystems: settings.isDefault ? { data: filesystems.data, synapse: filesystems.synapse! } : filesystems,
          synapse: own
            ? {
                own: {
                  ...workspaceBase,
                  publicNetworkAccess: "Disabled",
                  // Serverless SQL and pipelines only: a domain's Spark or dedicated pool is not configurable yet.
                  rbacJobEnvironment: this.orchestrator.environment,
                  synapseRoleAssignments: [
                    { principalId: config.entra.groups.admins, principalType: "Group", role: "Synapse Administrator" },
                    ...workerSynapseRoles(settings),
                  ],
                },
              }
            : { shared: this.synapse },
          groups: {
            ...(settings.groups.engineers ? { engineers: { principalId: pulumi.output(settings.groups.engineers), principalType: "Group" as const } } : {}),
            ...(settings.groups.analysts ? { analysts: { principalId: pulumi.output(settings.groups.analysts), principalType: "Group" as const } } : {}),
          },
          engineersWrite,
          // The default domain's worker (orchestrator) reads the vault already; a further domain's worker reads only the
          // Prefect API auth string its worker app needs to reach the server.
        },
        { parent: this },
      ).resources;
    });

    this.dataFactory = new DataFactory(
      `${name}-datafactory`,
      {
        ...placement,
        roleAssignments: [
          { key: "orchestrator", ...grantee(identity.orchestrator), role: "Data Factory Contributor", description: "orchestrator: runs and monitors pipelines" },
          // Each further domain's worker runs its pipelines in the one factory. Microsoft documents Data Factory roles at
          // the factory, its resource group or above (https://learn.microsoft.com/azure/data-factory/concepts-roles-permissions),
          // no per-pipeline scope: this role reaches every pipeline of the factory, which stays the platform's.
          ...extraDomains.map((d) => ({
            key: `domain-${d.settings.name}`,
            ...grantee(workerOf(d.settings)),
            role: "Data Factory Contributor" as const,
            description: `data domain ${d.settings.name}: its worker runs and monitors pipelines`,
          })),
          ...(engineersWrite
            ? [{ key: "engineers", ...grantee(identity.groups.engineers), role: "Data Factory Contributor" as const, description: "engineers: author pipelines in dev" }]
            : []),
        ],
        ...this.durability(),
        diagnostics: this.monitoring.diagnostics,
        privateEndpoints: this.network.privateEndpoints,
        keyVault: this.keyVault,
        dataLake: this.dataLake,
        // The factory lands data in every domain's raw and publishes to its curated; synapse filesystems are the workspaces' own.
        filesystems: domains.flatMap((d) => d.filesystems.data),
        synapse: this.synapse,
        // Domains' own workspaces: the factory reaches them through managed private endpoints too.
        moreSynapse: Object.fromEntries(this.dataDomains.filter((d) => !d.isDefault && d.synapseMode === "own").map((d) => [d.name, d.synapse])),
        // What every domain's pipelines share, set from config (contracts/data-domains.ts DATA_FACTORY_GLOBAL_PARAMETERS).
        globalParameters: {
          [DATA_FACTORY_GLOBAL_PARAMETERS.environment]: { type: "String", value: config.environment },
          [DATA_FACTORY_GLOBAL_PARAMETERS.lakeEndpoint]: { type: "String", value: this.dataLake.dfsEndpoint },
          [DATA_FACTORY_GLOBAL_PARAMETERS.domainNames]: { type: "Array", value: domains.map((d) => d.settings.name) },
        },
      },
      { parent: this },
    );

    this.domainWorkers = this.createDomainWorkers(name, placement);

    if (config.okta) this.okta = new OktaAuthorization(`${name}-okta`, config.okta, { parent: this });

    this.gateway = this.createGateway(name, placement);
    if (this.gateway.tunnelTokenSecretUri) this.connector = this.createConnector(name, placement, this.gateway.tunnelTokenSecretUri);

    this.registerOutputs({ resourceGroupName: this.resourceGroup.name, gatewayUrl: this.gateway.url });
  }

  /**
   * The identity-aware edge. Built after everything it routes to: its routes and tunnel origins need Synapse's endpoints
   * and the Prefect app; in tunnel mode its tunnel token is what the Connector (built after it) runs.
   */
  private createGateway(name: string, placement: PlacementArgs): Gateway {
    const { config, identity, synapse, orchestrator } = this;
    const settings = config.gateway;
    const tunnel = config.cloudflare.connectivity === "tunnel";
    const synapseDev = synapse.connectivityEndpoints.apply((endpoints) => {
      if (!endpoints["dev"]) throw new pulumi.ResourceError("gateway: the Synapse workspace has no dev endpoint", synapse);
      return endpoints["dev"];
    });
    const gateway = new Gateway(
      `${name}-gateway`,
      {
        ...placement,
        accountId: config.cloudflare.accountId,
        zoneId: config.cloudflare.zoneId,
        hostname: config.domains.gateway,
        scriptName: settings.scriptName,
        compatibilityDate: settings.compatibilityDate,
        // v2 access tokens carry the app's client ID as `aud` (the default; an Okta stack names its own audience).
        oidc: settings.oidc.okta ? this.oktaOidc() : {
          issuer: settings.oidc.issuer,
          audience: settings.oidc.audience ?? identity.gatewayClientId,
          ...(settings.oidc.jwksUri ? { jwksUri: settings.oidc.jwksUri } : {}),
          allowedTenants: settings.oidc.allowedTenants,
        },
        // Allowlist mode has no path to the VNet-internal Prefect API (listed in notices).
        routes: platformRoutes({
          // As the issuer writes them into `groups`: Entra object IDs, or e.g. Okta group names.
          groups: settings.oidc.groups ?? config.entra.groups,
          synapseUpstream: synapseDev,
          ...(tunnel ? { prefectUpstream: orchestrator.apiUrl } : {}),
          viaVpc: tunnel,
          engineersWrite: config.environment === "dev",
        }),
        // The older of the gateway app's two passwords first, the newer as the other value (docs/gateway.md#rotation).
        upstreamIdentity: {
          tenantId: config.entra.tenantId,
          clientId: identity.gatewayClientId,
          clientSecret: identity.gatewayClientSecret,
          clientSecretNext: identity.gatewayClientSecretNext,
        },
        ...(tunnel ? { basicAuthSecrets: { [PREFECT_AUTH_BINDING]: orchestrator.apiAuthString, [OVERLAP_BINDINGS.PREFECT_AUTH]: orchestrator.apiAuthNext } } : {}),
        ...(settings.rateLimit ? { rateLimit: settings.rateLimit } : {}),
        ...(settings.logpushDestination ? { auditLogpush: { destinationConf: pulumi.secret(settings.logpushDestination) } } : {}),
        keyVault: this.keyVault,
        connectivity: tunnel
          ? {
              mode: "tunnel",
              // The connector runs in the VNet: the privatelink zones resolve these names to the private endpoints.
              origins: [
                { binding: VPC_BINDINGS.synapse, host: hostOf(synapseDev) },
                { binding: VPC_BINDINGS.prefect, host: hostOf(orchestrator.apiUrl) },
              ],
            }
          : { mode: "allowlist", synapse },
      },
      { parent: this },
    );
    return gateway;
  }

  /** Okta stacks: the authorization server's issuer and audience (components/okta), the gateway's one source. */
  private oktaOidc() {
    if (!this.okta) throw new pulumi.ResourceError("platform: gateway.oidc names Okta but no Okta authorization server was created", this);
    return this.okta.gatewayOidc;
  }

  /** Tunnel mode: cloudflared in the orchestrator's environment, as its own identity, reading the Gateway's tunnel token. */
  private createConnector(name: string, placement: PlacementArgs, tunnelTokenSecretUri: pulumi.Input<string>): Connector {
    const { identity, orchestrator, config } = this;
    if (!identity.connector) throw new pulumi.ResourceError("platform: tunnel mode without a connector identity", this);
    return new Connector(
      `${name}-connector`,
      {
        ...placement,
        diagnostics: this.monitoring.diagnostics,
        tunnelTokenSecretUri,
        environment: orchestrator,
        identity: identity.connector,
        keyVault: this.keyVault,
        // Two connectors across zones where the environment is zone-redundant: the tunnel survives a zone.
        replicas: config.containerApps.zoneRedundant ? 2 : 1,
        // Its app, role assignment and diagnostic setting were the Orchestrator's `<orchestrator>-tunnel*` children.
        movedFrom: { parent: orchestrator.urn, name: `${name}-orchestrator` },
      },
      { parent: this },
    );
  }

  /**
   * One Prefect worker per data domain, in the orchestrator's environment, as the domain's identity. Built after
   * everything the Prefect configuration names (factory, workspaces, lake, vault, backup vault): each worker's init
   * container applies the platform-wide part and its domain's part of that configuration (issue 11 point 4).
   */
  private createDomainWorkers(name: string, placement: PlacementArgs): DomainWorker[] {
    const { config, orchestrator } = this;
    const domains = pulumi.all(
      this.dataDomains.map((d) =>
        pulumi.all([d.synapse.name, d.synapse.connectivityEndpoints, pulumi.all(d.lakeUrls), d.identity.clientId]).apply(([workspaceName, endpoints, lakeUrls, workerClientId]) => ({
          name: d.name,
          team: d.team,
          costCenter: d.costCenter,
          concurrencyLimit: d.concurrencyLimit,
          workspaceName,
          endpoints,
          lakeUrls,
          workerClientId,
        })),
      ),
    );
    const desiredState = pulumi
      .all([this.resourceGroup.id, this.resourceGroup.name, this.dataFactory.name, this.keyVault.uri, this.backup.id, this.backup.location, domains])
      .apply(([resourceGroupId, resourceGroupName, dataFactoryName, keyVaultUri, backupVaultId, backupRegion, domainValues]) => ({
        resourceGroupId,
        resourceGroupName,
        dataFactoryName,
        keyVaultUri,
        backupVault: { id: backupVaultId, region: backupRegion },
        domains: domainValues,
      }))
      .apply((v) => {
        const subscriptionId = tryParseResourceId(v.resourceGroupId)?.subscriptionId;
        if (!subscriptionId) throw new pulumi.ResourceError(`platform: "${v.resourceGroupId}" is not a resource group ID`, this);
        return renderPrefectDesiredState({
          environment: config.environment,
          subscriptionId,
          resourceGroupName: v.resourceGroupName,
          dataFactoryName: v.dataFactoryName,
          keyVaultUri: v.keyVaultUri,
          backupVaults: [v.backupVault],
          domains: v.domains.map((d) => ({
            name: d.name,
            team: d.team,
            costCenter: d.costCenter,
            concurrencyLimit: d.concurrencyLimit,
            synapse: {
              workspaceName: d.workspaceName,
              devEndpoint: endpoint(d.endpoints, "dev", d.name, this),
              sqlEndpoint: endpoint(d.endpoints, "sql", d.name, this),
              sqlOnDemandEndpoint: endpoint(d.endpoints, "sqlOnDemand", d.name, this),
            },
            lakeUrls: d.lakeUrls,
            workerClientId: d.workerClientId,
          })),
        });
      });
    return this.dataDomains.map(
      (d) =>
        new DomainWorker(
          `${name}-worker-${d.name}`,
          {
            ...placement,
            naming: d.naming,
            diagnostics: this.monitoring.diagnostics,
            domain: { name: d.name, team: d.team, costCenter: d.costCenter, concurrencyLimit: d.concurrencyLimit },
            identity: d.identity,
            orchestrator: {
              environmentId: orchestrator.environment.id,
              apiUrl: orchestrator.apiUrl,
              authStringSecretUrl: pulumi.unsecret(orchestrator.apiAuthSecret.properties.secretUriWithVersion),
              dependsOn: [orchestrator.apiAuthSecret, orchestrator.serverApp],
            },
            keyVault: this.keyVault,
            desiredState,
            scale: { minReplicas: config.containerApps.workerMinReplicas, maxReplicas: config.containerApps.maxReplicas },
            // The default domain's worker is the app the Orchestrator ran before data domains (same Azure name, state
            // kept through aliases); a further domain's app takes the name its config validation reserved.
            ...(d.isDefault
              ? {
                  app: { purpose: "worker" },
                  movedFrom: { parent: this.orchestratorUrn(name), name: `${name}-orchestrator` },
                  // The orchestrator identity reads the vault already (Identity.keyVaultGrants): no second grant.
                  existingSecretGrants: this.identity.keyVaultGrants,
                }
              : { app: { purpose: d.name, azureName: d.naming.name("containerApp") } }),
          },
          { parent: this },
        ),
    );
  }

  /** The Orchestrator's URN, known before it is constructed (alias target for resources that moved out of it). */
  private orchestratorUrn(name: string): pulumi.Output<string> {
    return pulumi.createUrn(`${name}-orchestrator`, "dataplatform:orchestrator:Orchestrator", this);
  }

  /** Lock and protect for a component's stateful resources, from the environment's durability settings. */
  private durability(): Pick<CrossCuttingArgs, "lock" | "protect"> {
    const { lock, protectStateful } = this.config.durability;
    return { protect: protectStateful, ...(lock === "none" ? {} : { lock }) };
  }
}

/** Tags on a further domain's own resources (the platform's owner/cost-center tags stay the stack's). */
function domainTags(settings: DataDomainSettings): Record<string, string> {
  return { [DATA_DOMAIN_TAGS.domain]: settings.name, [DATA_DOMAIN_TAGS.team]: settings.team, [DATA_DOMAIN_TAGS.costCenter]: settings.costCenter };
}

/** The environment's resource group as the stack uses it: bootstrap creates it, the stack only reads it. */
export interface ResourceGroupRef {
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
}

/**
 * Reads the resource group bootstrap created for this environment (bootstrap/environment.ts, same Naming), with an ARM
 * GET the plan identity's Reader role covers. The stack cannot create it: deploy-<env>'s rights are role assignments
 * at this group, and a role assignment needs an existing scope, so the group is the admin's (subscription vending).
 * Deleting the group is not this stack's to do either: it holds every stateful resource of the environment.
 */
function environmentResourceGroup(resourceGroupName: string, parent: pulumi.Resource): ResourceGroupRef {
  const group = azure.resources.getResourceGroupOutput({ resourceGroupName }, { parent });
  return { id: group.id, name: group.name, location: group.location };
}

/** One of a Synapse workspace's connectivity endpoints (`dev`, `sql`, `sqlOnDemand`), or a clear error naming the domain. */
function endpoint(endpoints: Record<string, string> | undefined, key: string, domain: string, owner: pulumi.Resource): string {
  const value = endpoints?.[key];
  if (!value) throw new pulumi.ResourceError(`platform: the Synapse workspace of data domain "${domain}" has no ${key} endpoint`, owner);
  return value;
}
