import { z } from "zod";
import { describeCidrProblem, isPrivateRange, parseCidr } from "../../lib/ipv4";
import { isResourceType, tryParseResourceId } from "../../lib/resource-id";
import { ENVIRONMENTS } from "../../contracts/environments";
import { REQUIRED_TAG_KEYS } from "../../contracts/tags";
import { isAzureRegion } from "./regions";
import { MIN_RETENTION_DAYS } from "../../components/backup/policies";
import {
  DATA_DOMAIN_NAME_PATTERN,
  MAX_DATA_DOMAINS,
  MAX_DOMAIN_CONCURRENCY_LIMIT,
} from "../../contracts/data-domains";

/**
 * The schema of every `dataplatform:*` key a stack file may set. Keys are strict: a typo is an error, not a
 * silently ignored setting. Per-environment defaults live in `environments.ts`; sections that override them
 * take the same shape with every field optional.
 */

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a GUID`,
});

const region = z.string().superRefine((value, ctx) => {
  if (!isAzureRegion(value)) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not an Azure region name (e.g. westeurope, swedencentral)` });
  }
});

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a lower-case DNS host name`,
  });

const cloudflareId = z.string().regex(/^[0-9a-f]{32}$/, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a Cloudflare ID (32 lower-case hex digits)`,
});

/** The VNet range: a private IPv4 CIDR between /16 and /24, big enough for the subnets the platform carves. */
const addressSpace = z.string().superRefine((value, ctx) => {
  const problem = describeCidrProblem(value);
  if (problem) return void ctx.addIssue({ code: "custom", message: problem });
  const cidr = parseCidr(value)!;
  if (cidr.prefixLength < 16 || cidr.prefixLength > 24) {
    ctx.addIssue({ code: "custom", message: `"${value}" must be between /16 and /24 (the platform carves /25-/27 subnets)` });
  } else if (!isPrivateRange(cidr)) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not inside a private (RFC 1918) range` });
  }
});

/** An existing private DNS zone the VNet links to instead of creating its own. */
const privateDnsZoneId = z.string().superRefine((value, ctx) => {
  const zone = tryParseResourceId(value);
  if (!zone?.resourceGroupName || !isResourceType(zone, "Microsoft.Network/privateDnsZones")) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} is not the Azure resource ID of a private DNS zone` });
  }
});

const httpsUrl = z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?(\/[^\s?#]*)?$/i, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an https URL`,
});

/** A value of a token's `groups` claim (an Okta group name, …), exactly as the issuer writes it; never blank. */
const claimValue = z.string().regex(/\S/, { error: "must be a groups-claim value (not blank)" });
const tagKey = z.string().regex(/^[^<>%&\\?/]{1,512}$/, { error: "tag names are 1-512 characters without <>%&\\?/" });

/**
 * Azure allows 50 tags per resource (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations);
 * every tracked resource also carries the platform's REQUIRED_TAG_KEYS, which config may not set itself.
 */
export const AZURE_MAX_TAGS = 50;
export const MAX_CONFIG_TAGS = AZURE_MAX_TAGS - REQUIRED_TAG_KEYS.length;

const tags = z.record(tagKey, z.string().max(256, { error: "tag values are at most 256 characters" })).superRefine((value, ctx) => {
  const count = Object.keys(value).length;
  if (count > MAX_CONFIG_TAGS) {
    ctx.addIssue({
      code: "custom",
      message: `${count} tags; at most ${MAX_CONFIG_TAGS} (Azure allows ${AZURE_MAX_TAGS} per resource and the platform sets ${REQUIRED_TAG_KEYS.join(", ")})`,
    });
  }
});

/**
 * The workspace daily ingestion cap (workspaceCapping.dailyQuotaGb): -1 for none, otherwise at least 0.023 GB. That
 * floor is an assumption (the smallest cap Azure is known to accept); Microsoft's daily-cap article
 * (https://learn.microsoft.com/azure/azure-monitor/logs/daily-cap) states no minimum. Either way 0 or a negative
 * other than -1 is no cap anyone means. The 1000 GB/day ceiling is the platform's guard against unit slips (MB
 * written as GB), not an Azure limit: a real need for more would raise it here.
 */
const DAILY_QUOTA_MIN_GB = 0.023;
const dailyQuotaGb = z
  .number()
  .min(-1)
  .max(1000)
  .superRefine((value, ctx) => {
    if (value > -1 && value < DAILY_QUOTA_MIN_GB) {
      ctx.addIssue({ code: "custom", message: `${value} is neither -1 (no cap) nor a cap of at least ${DAILY_QUOTA_MIN_GB} GB` });
    }
  });

/**
 * An Okta org's subdomain (`<orgName>.<baseUrl>`, e.g. `contoso` of contoso.okta.com): okta/terraform-provider-okta
 * docs/index.md `org_name`/`base_url`.
 */
const oktaOrgName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an Okta org name (the first label of <org>.okta.com, e.g. "contoso")`,
});
/**
 * Where a caller's browser returns the authorization code (native app, RFC 8252): an https URL, a loopback http URL
 * (`http://localhost:<port>/…`, `http://127.0.0.1:<port>/…`) or a private-use scheme (`com.example.app:/callback`).
 */
const redirectUri = z.string().regex(/^(https:\/\/[a-z0-9.-]+(:\d+)?(\/\S*)?|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/\S*)?|[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:\/\S*)$/i, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a redirect URI for a native app (https://…, http://localhost:<port>/…, http://127.0.0.1:<port>/… or a reverse-domain scheme com.example.app:/…)`,
});
/** An Okta group's name exactly as Okta shows it (the groups claim writes names); never blank. */
const oktaGroupName = z.string().regex(/^\S(.*\S)?$/, { error: "must be an Okta group name (not blank, no leading or trailing spaces)" });

const KEY_EXPIRY_MAX_DAYS = 3650;

const costCenter = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a cost center code (2-32 letters, digits, hyphens)`,
});

/**
 * One data domain (docs/environments.md#data-domains; contracts/data-domains.ts). Charset and bounds here; uniqueness,
 * the Azure names derived from `name` (computed for the stack's environment and region) and the number of own
 * workspaces are checked in stacks/config/data-domains.ts. Defaults: team = `owner`, costCenter = `costCenter`,
 * concurrencyLimit = 4, synapse = "shared" (the environment's workspace; "own" adds a workspace), groups = none.
 */
const dataDomain = z.strictObject({
  name: z
    .string()
    .regex(DATA_DOMAIN_NAME_PATTERN, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a domain name: a lower-case letter, then one or more lower-case letters and digits (no hyphens)`,
    }),
  team: z.string().min(3, { error: "must name the owning team or mailbox (3+ characters)" }).optional(),
  costCenter: costCenter.optional(),
  concurrencyLimit: z
    .number()
    .int()
    .min(1, { error: "must be at least 1 (a work pool with limit 0 runs nothing)" })
    .max(MAX_DOMAIN_CONCURRENCY_LIMIT, { error: `must be at most ${MAX_DOMAIN_CONCURRENCY_LIMIT} (the platform's guard against typos; contracts/data-domains.ts)` })
    .optional(),
  synapse: z.enum(["own", "shared"]).optional(),
  groups: z.strictObject({ engineers: uuid.optional(), analysts: uuid.optional() }).optional(),
});

export const configSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS).optional(),
  location: region,
  secondaryLocation: region,
  owner: z.string().min(3, { error: "must name an owning team or mailbox (3+ characters)" }),
  costCenter,
  workloadShortName: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,5}$/, { error: "must be 2-6 lower-case letters/digits, starting with a letter" })
    .optional(),
  tags: tags.optional(),
  network: z.strictObject({
    addressSpace,
    /** Bring-your-own private DNS zones (zone name → zone resource ID), e.g. from a hub subscription. */
    privateDnsZoneIds: z.record(z.string().regex(/^privatelink\./), privateDnsZoneId).optional(),
  }),
  monitoring: z
    .strictObject({
      retentionInDays: z.number().int().min(30).max(730).optional(),
      dailyQuotaGb: dailyQuotaGb.optional(),
    })
    .optional(),
  storage: z
    .strictObject({
      redundancy: z.enum(["LRS", "ZRS", "GRS", "GZRS", "RAGRS", "RAGZRS"]).optional(),
      softDeleteRetentionDays: z.number().int().min(1).max(365).optional(),
    })
    .optional(),
  durability: z
    .strictObject({
      protectStateful: z.boolean().optional(),
      lock: z.enum(["CanNotDelete", "ReadOnly", "none"]).optional(),
    })
    .optional(),
  backup: z
    .strictObject({
      redundancy: z.enum(["LocallyRedundant", "ZoneRedundant", "GeoRedundant"]).optional(),
      crossRegionRestore: z.boolean().optional(),
      immutability: z.enum(["Disabled", "Unlocked", "Locked"]).optional(),
      softDelete: z.enum(["Off", "On", "AlwaysOn"]).optional(),
      softDeleteRetentionDays: z.number().int().min(14).max(180).optional(),
      // Both backup policies keep recovery points this long; the lake's (ADLS vaulted) needs at least 7 days, and
      // lakePolicy would otherwise throw mid-deployment, after the vault is registered.
      retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(3650).optional(),
    })
    .optional(),
  postgres: z
    .strictObject({
      tier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]).optional(),
      sku: z.string().regex(/^Standard_[A-Za-z0-9_]+$/).optional(),
      storageSizeGb: z.number().int().min(32).max(32768).optional(),
      highAvailability: z.enum(["Disabled", "SameZone", "ZoneRedundant"]).optional(),
      geoRedundantBackup: z.boolean().optional(),
      backupRetentionDays: z.number().int().min(7).max(35).optional(),
    })
    .optional(),
  containerApps: z
    .strictObject({
      // Exactly one Prefect server (components/orchestrator/apps.ts PREFECT_SERVER_REPLICAS): more replicas need Redis
      // messaging, background services apart and migrations before start (https://docs.prefect.io/v3/advanced/self-hosted).
      serverMinReplicas: z
        .number()
        .int()
        .min(1, "must be 1: the Prefect server runs as exactly one replica (scale-to-zero would stop its scheduler)")
        .max(1, "must be 1: more Prefect server replicas need Redis messaging, a background-services app and a migrations job")
        .optional(),
      workerMinReplicas: z.number().int().min(0).max(30).optional(),
      maxReplicas: z.number().int().min(1).max(300).optional(),
      zoneRedundant: z.boolean().optional(),
    })
    .optional(),
  synapse: z
    .strictObject({
      dedicatedPool: z.strictObject({ enabled: z.boolean().optional(), sku: z.string().regex(/^DW\d+c$/).optional() }).optional(),
      sparkPool: z
        .strictObject({
          enabled: z.boolean().optional(),
          nodeSize: z.enum(["Small", "Medium", "Large"]).optional(),
          maxNodes: z.number().int().min(3).max(200).optional(),
          autoPauseMinutes: z.number().int().min(5).max(10080).optional(),
        })
        .optional(),
    })
    .optional(),
  /** Key Vault SKU and key/secret lifetimes (defaults: 120-day key versions rotated 30 days early = every 90 days). */
  keyVault: z
    .strictObject({
      sku: z.enum(["standard", "premium"]).optional(),
      keyExpiryDays: z.number().int().min(28).max(KEY_EXPIRY_MAX_DAYS).optional(),
      // Expiry > rotation > notice (stacks/config/ordered-settings.ts): bounds beyond these could never pass.
      keyRotateBeforeExpiryDays: z.number().int().min(8).max(KEY_EXPIRY_MAX_DAYS - 7).optional(),
      keyNotifyBeforeExpiryDays: z.number().int().min(7).max(KEY_EXPIRY_MAX_DAYS - 8).optional(),
    })
    .optional(),
  /** Lifetime of the one client secret the platform cannot avoid (the gateway's), and how long the old one overlaps. */
  identity: z
    .strictObject({
      gatewaySecretRotationDays: z.number().int().min(1).max(90).optional(),
      gatewaySecretOverlapDays: z.number().int().min(1).max(90).optional(),
    })
    .optional(),
  /**
   * Data domains: each gets its own lake filesystems, worker identity and (with `synapse: own`) Synapse workspace.
   * Absent: only the default domain `platform`, which is today's platform unchanged. At most 50 entries.
   */
  dataDomains: z
    .array(dataDomain)
    .max(MAX_DATA_DOMAINS, { error: (issue) => `${(issue.input as unknown[]).length} domains; at most ${MAX_DATA_DOMAINS} (contracts/data-domains.ts MAX_DATA_DOMAINS says why)` })
    .optional(),
  /** The Entra ID tenant the platform lives in, and the people groups mapped per environment. */
  entra: z.strictObject({
    tenantId: uuid,
    groups: z.strictObject({ admins: uuid, engineers: uuid, analysts: uuid }),
  }),
  /** The GitHub repository whose workflows deploy this stack through workload identity federation. */
  /**
   * The environment's CI identities, created by bootstrap (`pulumi stack output environments` in bootstrap/): the deploy
   * service principal owns the gateway app the stack creates (Graph Application.ReadWrite.OwnedBy reaches owned apps only).
   */
  ci: z.strictObject({
    deployPrincipalId: uuid,
    planPrincipalId: uuid,
  }),
  cloudflare: z.strictObject({
    accountId: cloudflareId,
    zoneId: cloudflareId,
    /** tunnel (default): a Cloudflare Tunnel into the VNet. allowlist: Synapse firewall opened to Cloudflare's IP ranges. */
    connectivity: z.enum(["tunnel", "allowlist"]).optional(),
  }),
  domains: z.strictObject({
    /** Public host name of the gateway Worker, inside the Cloudflare zone. */
    gateway: hostname,
  }),
  /** The gateway Worker (docs/gateway.md#configuration). Every field has a secure default resolved in stacks/config.ts. */
  gateway: z
    .strictObject({
      /** Workers runtime semantics the bundle was tested with; fixed so a deploy never changes them silently. */
      compatibilityDate: z.string().regex(/^20\d\d-[01]\d-[0-3]\d$/, { error: "must be a YYYY-MM-DD date" }).optional(),
      /** Caller tokens: default the Entra tenant's v2 issuer; any OIDC issuer (e.g. an Okta authorization server) works. */
      oidc: z
        .strictObject({
          issuer: httpsUrl.optional(),
          audience: z.string().min(1).optional(),
          jwksUri: httpsUrl.optional(),
          allowedTenants: z.array(uuid).min(1).optional(),
          /**
           * The values the issuer puts in the token's `groups` claim for the people groups, when the issuer is not Entra
           * (e.g. Okta group names from a groups claim rule). Default: the Entra group object IDs of `entra.groups`.
           */
          groups: z.strictObject({ admins: claimValue, engineers: claimValue, analysts: claimValue }).optional(),
        })
        .optional(),
      /** Per-subject limit (Workers rate-limit binding, per location). `enabled: false` is listed in notices. */
      rateLimit: z
        .strictObject({
          enabled: z.boolean().optional(),
          namespaceId: z.string().regex(/^[1-9]\d{0,9}$/, { error: "must be a positive integer (as text), unique in the account" }).optional(),
          limit: z.number().int().min(1).max(100000).optional(),
          period: z.union([z.literal(10), z.literal(60)]).optional(),
        })
        .optional(),
      /** Logpush destination for the audit records (Workers Trace Events); absent → only sampled Workers Logs. */
      logpushDestination: z.string().regex(/^[a-z0-9]+:\/\/\S+$/, { error: "must be a Logpush destination_conf (e.g. r2://…, https://…)" }).optional(),
    })
    .optional(),
  /**
   * Okta as the callers' identity provider, provisioned as code (components/okta, docs/gateway.md#okta): a custom
   * authorization server, its `access` scope and `groups` claim, the access policy and the callers' application. The
   * gateway's issuer and audience then come from that authorization server, so `gateway.oidc` names none of them.
   */
  okta: z
    .strictObject({
      orgName: oktaOrgName,
      /** The org's domain: okta.com, oktapreview.com, okta-emea.com, … */
      baseUrl: hostname,
      /** The `aud` of the gateway's access tokens. Default: `api://<project>-gateway-<env>`. */
      audience: z.string().regex(/^\S+$/, { error: "must be an audience (no spaces)" }).optional(),
      /** The Okta groups of the people groups, by exact name: the groups claim carries these names, nothing else. */
      groups: z.strictObject({ admins: oktaGroupName, engineers: oktaGroupName, analysts: oktaGroupName }),
      /** Redirect URIs of the callers' native application (authorization code + PKCE). */
      redirectUris: z.array(redirectUri).min(1, { error: "needs at least one redirect URI for the callers' application" }),
    })
    .optional(),
});

export type RawPlatformConfig = z.infer<typeof configSchema>;
