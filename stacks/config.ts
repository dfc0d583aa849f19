import * as pulumi from "@pulumi/pulumi";
import { REQUIRED_TAG_KEYS } from "../contracts/tags";
import { carveSubnet, formatCidr, parseCidr } from "../lib/ipv4";
import { defaultSettings, GATEWAY_RATE_LIMIT_DEFAULTS, type IdentitySettings, type KeyVaultSettings } from "./config/defaults";
import { type EnvironmentProfile } from "./config/environments";
import { ENVIRONMENTS, type Environment } from "../contracts/environments";
import { GATEWAY_COMPATIBILITY_DATE } from "../contracts/gateway";
import { CONFIG_NAMESPACE, ConfigError, type ConfigProblem, describeIssues } from "./config/errors";
import { orderedSettingProblems } from "./config/ordered-settings";
import type { AzureRegion } from "./config/regions";
import { configSchema, MAX_CONFIG_TAGS, type RawPlatformConfig } from "./config/schema";
import { dataDomainProblems, resolveDataDomains } from "./config/data-domains";
import { regionShortCode } from "./config/regions";
import type { DataDomainSettings } from "../contracts/data-domains";

export { ConfigError } from "./config/errors";


/** The validated, defaulted, environment-resolved configuration that components are built from. */
export interface PlatformConfig extends EnvironmentProfile {
  project: string;
  stack: string;
  environment: Environment;
  location: AzureRegion;
  secondaryLocation: AzureRegion;
  workloadShortName: string;
  owner: string;
  costCenter: string;
  tags: Record<string, string>;
  network: {
    addressSpace: string;
    subnets: { containerApps: string; privateEndpoints: string; reserved: string };
    privateDnsZoneIds: Record<string, string>;
  };
  entra: RawPlatformConfig["entra"];
  /** Object IDs of the environment's CI service principals (bootstrap creates them). */
  ci: RawPlatformConfig["ci"];
  cloudflare: Required<RawPlatformConfig["cloudflare"]>;
  domains: RawPlatformConfig["domains"];
  keyVault: KeyVaultSettings;
  identity: IdentitySettings;
  gateway: GatewayConfig;
  /** Okta provisioned as code for the gateway's callers (`dataplatform:okta`); absent: no Okta side. */
  okta?: OktaConfig;
  /**
   * The data domains, defaults applied: the default domain `platform` first (always present), then the listed ones in
   * config order (contracts/data-domains.ts, docs/environments.md#data-domains).
   */
  dataDomains: readonly DataDomainSettings[];
  /** Explicit choices that weaken a secure default; the plan prints them so reviewers see them. */
  notices: string[];
}

/** The gateway Worker's deployment settings, defaults applied (stacks/config/schema.ts `gateway`). */
export interface GatewayConfig {
  scriptName: string;
  compatibilityDate: string;
  /**
   * `audience` absent: the gateway-<env> Entra app's client ID, known at deploy time. The app requests v2 access tokens
   * (requestedAccessTokenVersion 2), and a v2 token's `aud` is always the API's client ID, never its App ID URI
   * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference, `aud`).
   */
  oidc:
    | { okta?: undefined; issuer: string; audience?: string; jwksUri?: string; allowedTenants: string[]; groups?: PeopleGroups }
    /** `dataplatform:okta`: issuer and audience are the Okta authorization server's (components/okta), one source. */
    | { okta: true; groups: PeopleGroups };
  /** App ID URI the gateway-<env> Entra app exposes: what callers name when they ask Entra for a token (`<uri>/.default`). */
  entraApiUri: string;
  /** Absent only when explicitly disabled (listed in notices). */
  rateLimit?: { namespaceId: string; limit: number; period: 10 | 60 };
  logpushDestination?: string;
}

type PeopleGroups = { admins: string; engineers: string; analysts: string };

/** `dataplatform:okta` resolved (stacks/config/schema.ts); components/okta provisions it. */
export interface OktaConfig {
  orgName: string;
  baseUrl: string;
  /** The authorization server's audience: the `aud` of the gateway's access tokens. */
  audience: string;
  /** Okta group names of the people groups (what the groups claim carries). */
  groups: PeopleGroups;
  redirectUris: string[];
  /** Name of the Okta objects (authorization server, application): `<project>-gateway-<env>`. */
  displayName: string;
}

/**
 * Builds the platform config from the flat `namespace:key` → string map Pulumi holds (object values arrive as JSON).
 * Throws one ConfigError naming every bad key.
 */
export function resolvePlatformConfig(project: string, stack: string, entries: Record<string, string>): PlatformConfig {
  const raw: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [key, value] of Object.entries(entries)) {
    if (!key.startsWith(prefix)) continue;
    raw[key.slice(prefix.length)] = decodeValue(value);
  }

  const parsed = configSchema.safeParse(raw, { reportInput: true });
  const problems: ConfigProblem[] = parsed.success ? [] : describeIssues(parsed.error.issues, knownKeysAt);

  const declared = raw["environment"];
  const environment = (typeof declared === "string" ? declared : stack) as Environment;
  if (declared === undefined && !ENVIRONMENTS.includes(environment)) {
    problems.push({
      key: `${CONFIG_NAMESPACE}:environment`,
      message: `stack "${stack}" is not one of ${ENVIRONMENTS.join(", ")}: name the stack after its environment or set this key`,
    });
  }
  const known = ENVIRONMENTS.includes(environment) ? environment : undefined;
  if (known) problems.push(...orderedSettingProblems(raw, known));
  if (parsed.success) problems.push(...crossFieldProblems(parsed.data));
  if (parsed.success && known) problems.push(...domainProblems(project, known, parsed.data));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(stack, problems);

  return resolve(project, stack, environment, parsed.data);
}

/** Reads the running Pulumi program's config; call before any resource is created. */
export function loadPlatformConfig(): PlatformConfig {
  try {
    return resolvePlatformConfig(pulumi.getProject(), pulumi.getStack(), pulumi.runtime.allConfig());
  } catch (error) {
    // RunError prints its message alone, without a stack trace: the message is the whole story.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

/** The stack file's settings over the environment's defaults, section by section. */
function effectiveSettings(environment: Environment, raw: RawPlatformConfig) {
  const defaults = defaultSettings(environment);
  const profile: EnvironmentProfile = {
    monitoring: { ...defaults.monitoring, ...raw.monitoring },
    storage: { ...defaults.storage, ...raw.storage },
    durability: { ...defaults.durability, ...raw.durability },
    backup: { ...defaults.backup, ...raw.backup },
    postgres: { ...defaults.postgres, ...raw.postgres },
    containerApps: { ...defaults.containerApps, ...raw.containerApps },
    synapse: {
      dedicatedPool: { ...defaults.synapse.dedicatedPool, ...raw.synapse?.dedicatedPool },
      sparkPool: { ...defaults.synapse.sparkPool, ...raw.synapse?.sparkPool },
    },
  };
  return { profile, keyVault: { ...defaults.keyVault, ...raw.keyVault }, identity: { ...defaults.identity, ...raw.identity } };
}

function resolve(project: string, stack: string, environment: Environment, raw: RawPlatformConfig): PlatformConfig {
  const space = parseCidr(raw.network.addressSpace)!;
  const { profile, keyVault, identity } = effectiveSettings(environment, raw);
  const cloudflare = { connectivity: "tunnel" as const, ...raw.cloudflare };
  return {
    ...profile,
    project,
    stack,
    environment,
    location: raw.location as AzureRegion,
    secondaryLocation: raw.secondaryLocation as AzureRegion,
    workloadShortName: raw.workloadShortName ?? DEFAULT_WORKLOAD_SHORT_NAME,
    owner: raw.owner,
    costCenter: raw.costCenter,
    tags: {
      ...raw.tags,
      environment,
      project,
      owner: raw.owner,
      "cost-center": raw.costCenter,
      "managed-by": "pulumi",
    },
    network: {
      addressSpace: raw.network.addressSpace,
      subnets: {
        containerApps: formatCidr(carveSubnet(space, 25, 0)),
        privateEndpoints: formatCidr(carveSubnet(space, 26, 2)),
        reserved: formatCidr(carveSubnet(space, 26, 3)),
      },
      privateDnsZoneIds: raw.network.privateDnsZoneIds ?? {},
    },
    entra: raw.entra,
    ci: raw.ci,
    cloudflare,
    domains: raw.domains,
    keyVault,
    identity,
    gateway: resolveGateway(project, environment, raw),
    ...(raw.okta ? { okta: resolveOkta(project, environment, raw.okta) } : {}),
    dataDomains: resolveDataDomains(raw.dataDomains, { owner: raw.owner, costCenter: raw.costCenter }),
    notices: [...notices(environment, profile, cloudflare.connectivity), ...gatewayNotices(raw)],
  };
}

const DEFAULT_WORKLOAD_SHORT_NAME = "dp";

/** Rate-limit namespaces are per account: one per environment so dev traffic never eats prod's budget. */
const RATE_LIMIT_NAMESPACES: Record<Environment, string> = { dev: "1001", test: "1002", prod: "1003" };
const ENTRA_V2_ISSUER = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/i;

function resolveGateway(project: string, environment: Environment, raw: RawPlatformConfig): GatewayConfig {
  const g = raw.gateway ?? {};
  // Default: the platform's own Entra tenant (v2 tokens), pinned to that tenant.
  const issuer = g.oidc?.issuer ?? `https://login.microsoftonline.com/${raw.entra.tenantId}/v2.0`;
  const entraTenant = ENTRA_V2_ISSUER.exec(issuer)?.[1];
  const rate = g.rateLimit ?? {};
  const entraApiUri = `api://${project}-gateway-${environment}`;
  return {
    scriptName: `${project}-gateway-${environment}`,
    entraApiUri,
    compatibilityDate: g.compatibilityDate ?? GATEWAY_COMPATIBILITY_DATE,
    oidc: raw.okta ? { okta: true, groups: raw.okta.groups } : {
      issuer,
      ...(g.oidc?.audience ? { audience: g.oidc.audience } : {}),
      ...(g.oidc?.jwksUri ? { jwksUri: g.oidc.jwksUri } : {}),
      allowedTenants: g.oidc?.allowedTenants ?? (entraTenant ? [entraTenant] : []),
      ...(g.oidc?.groups ? { groups: g.oidc.groups } : {}),
    },
    ...(rate.enabled === false
      ? {}
      : {
          rateLimit: {
            namespaceId: rate.namespaceId ?? RATE_LIMIT_NAMESPACES[environment],
            limit: rate.limit ?? GATEWAY_RATE_LIMIT_DEFAULTS.limit,
            period: rate.period ?? GATEWAY_RATE_LIMIT_DEFAULTS.period,
          },
        }),
    ...(g.logpushDestination ? { logpushDestination: g.logpushDestination } : {}),
  };
}

function resolveOkta(project: string, environment: Environment, okta: NonNullable<RawPlatformConfig["okta"]>): OktaConfig {
  const displayName = `${project}-gateway-${environment}`;
  return { orgName: okta.orgName, baseUrl: okta.baseUrl, audience: okta.audience ?? `api://${displayName}`, groups: okta.groups, redirectUris: okta.redirectUris, displayName };
}

function gatewayNotices(raw: RawPlatformConfig): string[] {
  const found: string[] = [];
  if (raw.gateway?.rateLimit?.enabled === false) found.push("gateway.rateLimit.enabled=false: the gateway does not rate-limit callers");
  if (raw.cloudflare.connectivity === "allowlist") {
    found.push("cloudflare.connectivity=allowlist: the gateway has no route to the Prefect API (it stays VNet-internal without the tunnel)");
  }
  return found;
}

/** `dataDomains` against the Azure names it derives in this stack's environment and region (same Naming as the program). */
function domainProblems(project: string, environment: Environment, raw: RawPlatformConfig) {
  const location = raw.location as AzureRegion;
  const { profile } = effectiveSettings(environment, raw);
  return dataDomainProblems(raw.dataDomains, {
    naming: { workload: project, workloadShort: raw.workloadShortName ?? DEFAULT_WORKLOAD_SHORT_NAME, environment, location, locationCode: regionShortCode(location) },
    owner: raw.owner,
    costCenter: raw.costCenter,
    configTags: Object.keys(raw.tags ?? {}).length,
    maxConfigTags: MAX_CONFIG_TAGS,
    sparkPool: profile.synapse.sparkPool.enabled,
    dedicatedPool: profile.synapse.dedicatedPool.enabled,
  });
}

/** Checks that span keys, on a config the schema accepted (ordered min/max pairs are checked separately). */
function crossFieldProblems(raw: RawPlatformConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (raw.ci.deployPrincipalId.toLowerCase() === raw.ci.planPrincipalId.toLowerCase()) {
    problems.push({
      key: `${CONFIG_NAMESPACE}:ci.planPrincipalId`,
      message: "is the deploy identity's object ID: plan-<env> and deploy-<env> are different service principals (bootstrap's outputs)",
    });
  }
  if (raw.secondaryLocation === raw.location) {
    problems.push({
      key: `${CONFIG_NAMESPACE}:secondaryLocation`,
      message: `must differ from dataplatform:location ("${raw.location}"): it is the paired region for geo-redundant copies`,
    });
  }
  const oidc = raw.gateway?.oidc;
  if (oidc?.issuer?.includes("{tenantid}") && (!oidc.jwksUri || !oidc.allowedTenants)) {
    problems.push({ key: `${CONFIG_NAMESPACE}:gateway.oidc`, message: "a multi-tenant issuer ({tenantid}) needs jwksUri and allowedTenants" });
  }
  problems.push(...oktaProblems(raw));
  for (const key of Object.keys(raw.tags ?? {})) {
    if ((REQUIRED_TAG_KEYS as readonly string[]).includes(key)) {
      problems.push({ key: `${CONFIG_NAMESPACE}:tags.${key}`, message: "is set by the platform and cannot be overridden" });
    }
  }
  return problems;
}

/** With `dataplatform:okta`, the authorization server is the one source of the gateway's issuer, audience and groups. */
function oktaProblems(raw: RawPlatformConfig): ConfigProblem[] {
  if (!raw.okta) return [];
  const problems: ConfigProblem[] = [];
  for (const key of ["issuer", "audience", "jwksUri", "allowedTenants", "groups"] as const) {
    if (raw.gateway?.oidc?.[key] !== undefined) {
      problems.push({
        key: `${CONFIG_NAMESPACE}:gateway.oidc.${key}`,
        message: `is derived from dataplatform:okta (the Okta authorization server the stack provisions${key === "groups" ? ": okta.groups" : ""}); remove it`,
      });
    }
  }
  const { admins, engineers, analysts } = raw.okta.groups;
  if (new Set([admins, engineers, analysts]).size < 3) {
    problems.push({ key: `${CONFIG_NAMESPACE}:okta.groups`, message: "admins, engineers and analysts must be three different Okta groups" });
  }
  return problems;
}

function notices(environment: Environment, profile: EnvironmentProfile, connectivity: string): string[] {
  const found: string[] = [];
  if (connectivity === "allowlist") {
    // Synapse cannot require the gateway's shared-secret header: say so rather than imply a guard that is not there.
    found.push(
      "cloudflare.connectivity=allowlist: Synapse's public endpoint admits Cloudflare's published IPv4 ranges (shared by every Cloudflare customer's Workers); Synapse cannot check the gateway's shared-secret header, so Entra RBAC is the only barrier there",
    );
  }
  if (environment === "prod" && !profile.durability.protectStateful) {
    found.push("durability.protectStateful=false in prod: stateful resources can be deleted by `pulumi up`/`destroy`");
  }
  if (environment === "prod" && profile.durability.lock === "none") {
    found.push("durability.lock=none in prod: stateful resources carry no CanNotDelete lock");
  }
  if (environment === "prod" && profile.backup.immutability !== "Locked") {
    found.push(`backup.immutability=${profile.backup.immutability} in prod: backups can be shortened or removed`);
  }
  return found;
}

/** Pulumi hands object and array values over as JSON text; scalars stay strings. */
function decodeValue(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

function knownKeysAt(path: PropertyKey[]): string[] {
  let schema: unknown = configSchema;
  for (const segment of path) {
    schema = unwrapObject(schema)?.shape[segment as string];
  }
  const object = unwrapObject(schema);
  return object ? Object.keys(object.shape) : [];
}

function unwrapObject(schema: unknown): { shape: Record<string, unknown> } | undefined {
  let current = schema as { shape?: Record<string, unknown>; unwrap?: () => unknown } | undefined;
  while (current && !current.shape && typeof current.unwrap === "function") current = current.unwrap() as typeof current;
  return current?.shape ? (current as { shape: Record<string, unknown> }) : undefined;
}
