/**
 * Data domains (issue 11 point 3): the config key `dataplatform:dataDomains` and what every consumer of a domain may
 * rely on. Data only; the validation lives in stacks/config/data-domains.ts, the resources in stacks/platform.ts.
 */

/**
 * The default domain: present in every stack, named like today's Prefect work pool. It is today's platform, unchanged:
 * the environment's Synapse workspace, the lake filesystems `raw`/`curated` (and `synapse`, the workspace's own) and the
 * orchestrator identity. Listing it in `dataDomains` only changes its team, cost center, concurrency limit or groups.
 */
export const DEFAULT_DATA_DOMAIN = "platform";

/**
 * Domain names: a lower-case letter, then at least one lower-case letter or digit (a one-letter domain says nothing in a
 * resource name). No hyphen: domain names are joined into Azure
 * names with hyphens (`<domain>-raw`, `ca-dp-<domain>-…`) and into compact names without separators (the Synapse
 * private link hub): with hyphens allowed, `a-b` and `ab` would collide in compact names and `a--b` forms would hit the
 * "no consecutive hyphens" rule of containers and Container Apps. The maximum length is not fixed here: every Azure name
 * derived from the domain must fit its rule (contracts/naming-rules.ts) in the stack's own environment and region,
 * which stacks/config/data-domains.ts computes with the same Naming the resources get.
 */
export const DATA_DOMAIN_NAME_PATTERN = /^[a-z][a-z0-9]+$/;

/**
 * At most 50 entries in `dataDomains` (the default domain comes on top when it is not listed). 50 is what the
 * benchmarks of issue 13 evaluate, and what the environment's shared pieces are sized for: each domain adds one worker
 * app (Container Apps has no per-environment app quota: https://learn.microsoft.com/azure/container-apps/quotas,
 * "Container Apps | Environment | Unlimited"), three containers in the one lake and ~6 role assignments (4000 per
 * subscription). `synapse: own` domains are bounded separately (MAX_OWN_SYNAPSE_WORKSPACES).
 */
export const MAX_DATA_DOMAINS = 50;

/**
 * Each `synapse: own` domain adds a workspace with four private endpoints (Sql, SqlOnDemand, Dev and its private link
 * hub's Web) in the private-endpoint subnet, a /26 (stacks/config.ts carves it): 59 usable addresses (Azure reserves 5
 * per subnet, https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets)
 * of which the platform's own endpoints take 9 today (test/stacks/data-domains counts them). 10 own workspaces = 40
 * more endpoints, leaving 10 addresses for growth; more needs a bigger subnet, not a bigger number here.
 */
export const MAX_OWN_SYNAPSE_WORKSPACES = 10;

/** Prefect work-pool concurrency (flow runs at once) when a domain sets none. */
export const DEFAULT_DOMAIN_CONCURRENCY_LIMIT = 4;
/**
 * The platform's ceiling for one domain's work-pool concurrency: a guard against typos (400 for 4), not a Prefect limit
 * (Prefect accepts any non-negative integer). Raise it here when a domain really runs more flows at once.
 */
export const MAX_DOMAIN_CONCURRENCY_LIMIT = 100;

/** `synapse` of a listed domain other than the default: `shared` (the environment's workspace) unless it asks for `own`. */
export const DEFAULT_DOMAIN_SYNAPSE = "shared" as const;
export type DomainSynapseMode = "own" | "shared";

/** The default domain's filesystems: today's, unchanged. */
export const DEFAULT_DOMAIN_FILESYSTEMS = { raw: "raw", curated: "curated", synapse: "synapse" } as const;
/** Another domain's filesystems are `<domain>-<purpose>` (the synapse one only with `synapse: own`). */
export const DOMAIN_FILESYSTEM_PURPOSES = ["raw", "curated"] as const;
export const DOMAIN_SYNAPSE_FILESYSTEM_PURPOSE = "synapse";

/** Tag keys on a domain's own resources (the platform's `owner`/`cost-center` tags stay the stack's: contracts/tags.ts). */
export const DATA_DOMAIN_TAGS = { domain: "data-domain", team: "data-domain-team", costCenter: "data-domain-cost-center" } as const;

/**
 * Data Factory global parameters the platform sets (factory `globalParameters`), the values every pipeline of every
 * domain shares. Pipelines read them as `@pipeline().globalParameters.<name>`.
 */
export const DATA_FACTORY_GLOBAL_PARAMETERS = {
  /** String: dev, test or prod. */
  environment: "environment",
  /** String: `https://<account>.dfs.core.windows.net/` (the lake's dfs endpoint). */
  lakeEndpoint: "lakeEndpoint",
  /** Array of strings: every domain's name, the default domain first, then in config order. */
  domainNames: "domainNames",
} as const;

/** A data domain as the config resolves it (stacks/config.ts `PlatformConfig.dataDomains`). */
export interface DataDomainSettings {
  readonly name: string;
  /** Team that owns the domain. Default: the stack's `owner`. */
  readonly team: string;
  /** Default: the stack's `costCenter`. */
  readonly costCenter: string;
  /** Default: DEFAULT_DOMAIN_CONCURRENCY_LIMIT. */
  readonly concurrencyLimit: number;
  /** The default domain is always `own` (it owns the environment's workspace). */
  readonly synapse: DomainSynapseMode;
  /** Entra group object IDs of the domain's people. Default: none (the environment's groups still apply). */
  readonly groups: { readonly engineers?: string; readonly analysts?: string };
  /** True for DEFAULT_DATA_DOMAIN only. */
  readonly isDefault: boolean;
}
