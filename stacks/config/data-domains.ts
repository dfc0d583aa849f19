import { Naming, type NamingContext } from "../../components/naming";
import { namingViolation } from "../../components/naming/rules";
import type { ResourceKind } from "../../contracts/naming-rules";
import {
  DATA_DOMAIN_NAME_PATTERN,
  DATA_DOMAIN_TAGS,
  DEFAULT_DATA_DOMAIN,
  DEFAULT_DOMAIN_CONCURRENCY_LIMIT,
  DEFAULT_DOMAIN_FILESYSTEMS,
  DEFAULT_DOMAIN_SYNAPSE,
  DOMAIN_FILESYSTEM_PURPOSES,
  DOMAIN_SYNAPSE_FILESYSTEM_PURPOSE,
  type DataDomainSettings,
  MAX_OWN_SYNAPSE_WORKSPACES,
} from "../../contracts/data-domains";
import { CONFIG_NAMESPACE, type ConfigProblem } from "./errors";

/** A `dataDomains` entry as the schema accepts it (stacks/config/schema.ts). */
export interface RawDataDomain {
  name: string;
  team?: string | undefined;
  costCenter?: string | undefined;
  concurrencyLimit?: number | undefined;
  synapse?: "own" | "shared" | undefined;
  groups?: { engineers?: string | undefined; analysts?: string | undefined } | undefined;
}

/**
 * Azure names of a (non-default) domain's resources: `<abbreviation>-<workloadShort>-<domain>[-<purpose>]-<env>-<region>`.
 * The short workload code (e.g. `dp`) keeps room for the domain in the tight kinds (Container Apps and jobs: 32
 * characters). Children of the domain's own Synapse workspace (its SQL and Spark pools) are named inside that workspace
 * and so need no domain in their names: they are named like the environment workspace's (a Spark pool allows 15).
 */
export class DomainNaming extends Naming {
  constructor(
    context: NamingContext,
    readonly domain: string,
  ) {
    super({ ...context, workload: context.workloadShort });
  }

  override name(kind: ResourceKind, purpose?: string): string {
    if (WORKSPACE_SCOPED_KINDS.has(kind)) return super.name(kind, purpose);
    return super.name(kind, purpose ? `${this.domain}-${purpose}` : this.domain);
  }
}
const WORKSPACE_SCOPED_KINDS: ReadonlySet<ResourceKind> = new Set(["synapseSqlPool", "synapseSparkPool"]);

/** The lake filesystems of a domain: the default domain keeps today's (raw, curated; synapse is its workspace's). */
export function domainFilesystems(name: string, synapse: "own" | "shared"): { data: string[]; synapse?: string } {
  if (name === DEFAULT_DATA_DOMAIN) return { data: [DEFAULT_DOMAIN_FILESYSTEMS.raw, DEFAULT_DOMAIN_FILESYSTEMS.curated], synapse: DEFAULT_DOMAIN_FILESYSTEMS.synapse };
  return {
    data: DOMAIN_FILESYSTEM_PURPOSES.map((purpose) => `${name}-${purpose}`),
    ...(synapse === "own" ? { synapse: `${name}-${DOMAIN_SYNAPSE_FILESYSTEM_PURPOSE}` } : {}),
  };
}

/**
 * Every Azure name the platform derives from a non-default domain, as [kind, name]: what the domain's resources are
 * called (stacks/platform.ts builds them with the same DomainNaming). `workerApp` is the name the domain's worker app
 * gets (`DataDomainResources.naming.name("containerApp")`), reserved here so that a domain name valid today still fits
 * when its worker exists. Names the Synapse component gives its private endpoints and lock (components/cross-cutting.ts:
 * `privateEndpoint` `<purpose>-<group>`, `managementLock` `<purpose>`) are listed with the component's purposes.
 */
export function domainAzureNames(naming: DomainNaming, synapse: "own" | "shared", sparkPool: boolean, dedicatedPool: boolean): [ResourceKind, () => string][] {
  const fs = domainFilesystems(naming.domain, synapse);
  const names: [ResourceKind, () => string][] = [
    ["userAssignedIdentity", () => naming.name("userAssignedIdentity", "worker")],
    ["containerApp", () => naming.name("containerApp")],
    ...[...fs.data, ...(fs.synapse ? [fs.synapse] : [])].map((f): [ResourceKind, () => string] => ["blobContainer", () => f]),
  ];
  if (synapse === "own") {
    names.push(
      ["synapseWorkspace", () => naming.name("synapseWorkspace")],
      ["resourceGroup", () => naming.name("resourceGroup", "synapse-managed")],
      ["synapsePrivateLinkHub", () => naming.name("synapsePrivateLinkHub")],
      ["userAssignedIdentity", () => naming.name("userAssignedIdentity", "synapse-rbac")],
      ["containerAppJob", () => naming.name("containerAppJob", "rbac")],
      ["managementLock", () => naming.name("managementLock", "synw")],
      ...(["sql", "sqlondemand", "dev"] as const).map((g): [ResourceKind, () => string] => ["privateEndpoint", () => naming.name("privateEndpoint", `synw-${g}`)]),
      ["privateEndpoint", () => naming.name("privateEndpoint", "synplh-web")],
    );
    if (sparkPool) names.push(["synapseSparkPool", () => naming.name("synapseSparkPool")]);
    if (dedicatedPool) names.push(["synapseSqlPool", () => naming.name("synapseSqlPool")], ["managementLock", () => naming.name("managementLock", "syndp")]);
  }
  return names;
}

export interface DomainContext {
  naming: NamingContext;
  /** How many tags the stack file adds (`tags`): a further domain's resources carry DATA_DOMAIN_TAGS on top. */
  configTags: number;
  /** Tags a resource may carry from config (Azure's 50 less the platform's own). */
  maxConfigTags: number;
  owner: string;
  costCenter: string;
  sparkPool: boolean;
  dedicatedPool: boolean;
}

/**
 * Every problem of `dataDomains`, named by key (`dataplatform:dataDomains[2].name`): duplicates, the default domain
 * asked to share, Azure names that would not fit, too many own workspaces. Charset and bounds are the schema's.
 */
export function dataDomainProblems(domains: readonly RawDataDomain[] | undefined, context: DomainContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = (i: number, field: string) => `${CONFIG_NAMESPACE}:dataDomains[${i}].${field}`;
  const first = new Map<string, number>();
  (domains ?? []).forEach((domain, i) => {
    const earlier = first.get(domain.name);
    if (earlier !== undefined) {
      problems.push({ key: key(i, "name"), message: `"${domain.name}" is already the name of dataDomains[${earlier}]: domain names are unique` });
      return;
    }
    first.set(domain.name, i);
    if (domain.name === DEFAULT_DATA_DOMAIN) {
      if (domain.synapse === "shared") {
        problems.push({ key: key(i, "synapse"), message: `the default domain "${DEFAULT_DATA_DOMAIN}" owns the environment's Synapse workspace: it cannot be "shared"` });
      }
      return;
    }
    if (!DATA_DOMAIN_NAME_PATTERN.test(domain.name)) return; // the schema said why
    const naming = new DomainNaming(context.naming, domain.name);
    const tooLong: string[] = [];
    for (const [kind, derive] of domainAzureNames(naming, domain.synapse ?? DEFAULT_DOMAIN_SYNAPSE, context.sparkPool, context.dedicatedPool)) {
      let problem: string | undefined;
      try {
        problem = namingViolation(kind, derive());
      } catch (error) {
        problem = (error as Error).message.replace(/^naming: /, "").replace(/ \(shorten the purpose .*\)$/, "");
      }
      if (problem) tooLong.push(problem);
    }
    if (tooLong.length > 0) {
      problems.push({
        key: key(i, "name"),
        message: `"${domain.name}" (${domain.name.length} characters) does not fit the Azure names derived from it in this environment and region: ${tooLong.join("; ")}`,
      });
    }
  });
  const further = (domains ?? []).filter((d) => d.name !== DEFAULT_DATA_DOMAIN);
  const domainTagCount = Object.keys(DATA_DOMAIN_TAGS).length;
  if (further.length > 0 && context.configTags + domainTagCount > context.maxConfigTags) {
    problems.push({
      key: `${CONFIG_NAMESPACE}:tags`,
      message: `${context.configTags} tags; at most ${context.maxConfigTags - domainTagCount} with data domains (their resources also carry ${Object.values(DATA_DOMAIN_TAGS).join(", ")}, and Azure allows 50 tags per resource)`,
    });
  }
  const own = further.filter((d) => d.synapse === "own");
  if (own.length > MAX_OWN_SYNAPSE_WORKSPACES) {
    problems.push({
      key: `${CONFIG_NAMESPACE}:dataDomains`,
      message: `${own.length} domains with synapse "own"; at most ${MAX_OWN_SYNAPSE_WORKSPACES} (each adds a workspace with four private endpoints in the /26 private-endpoint subnet)`,
    });
  }
  return problems;
}

/** The domains with defaults applied: the default domain first (listed or not), then the others in config order. */
export function resolveDataDomains(domains: readonly RawDataDomain[] | undefined, context: Pick<DomainContext, "owner" | "costCenter">): DataDomainSettings[] {
  const listed = domains ?? [];
  const resolveOne = (raw: RawDataDomain): DataDomainSettings => {
    const isDefault = raw.name === DEFAULT_DATA_DOMAIN;
    return {
      name: raw.name,
      team: raw.team ?? context.owner,
      costCenter: raw.costCenter ?? context.costCenter,
      concurrencyLimit: raw.concurrencyLimit ?? DEFAULT_DOMAIN_CONCURRENCY_LIMIT,
      synapse: isDefault ? "own" : (raw.synapse ?? DEFAULT_DOMAIN_SYNAPSE),
      groups: {
        ...(raw.groups?.engineers ? { engineers: raw.groups.engineers } : {}),
        ...(raw.groups?.analysts ? { analysts: raw.groups.analysts } : {}),
      },
      isDefault,
    };
  };
  const defaultDomain = listed.find((d) => d.name === DEFAULT_DATA_DOMAIN) ?? { name: DEFAULT_DATA_DOMAIN };
  return [resolveOne(defaultDomain), ...listed.filter((d) => d.name !== DEFAULT_DATA_DOMAIN).map(resolveOne)];
}
