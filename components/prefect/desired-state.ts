import { createHash } from "node:crypto";
import {
  PREFECT_MANAGED_MARKER,
  type PrefectDeployment,
  type PrefectDesiredState,
  type PrefectGlobalConcurrencyLimit,
  type PrefectVariable,
} from "../../contracts/prefect-config";
import CONTRACT from "../../contracts/prefect-variables.json";

/**
 * The Prefect desired state (contracts/prefect-config.ts) rendered from plain values: one process work pool per data
 * domain with its concurrency limit, the platform's global concurrency limits, the Prefect variables named in
 * contracts/prefect-variables.json, and every flow of the flows package deployed to every domain's pool. The flows
 * package applies exactly this (flows/src/dataplatform_flows/configure.py, which validates it the same way).
 */

export interface PrefectDomainInput {
  readonly name: string;
  readonly team: string;
  readonly costCenter: string;
  /** Flow runs the domain's pool runs at once. */
  readonly concurrencyLimit: number;
  /** The Synapse workspace the domain uses (its own, or the shared one). */
  readonly synapse: {
    readonly workspaceName: string;
    /** `https://<workspace>.dev.azuresynapse.net` */
    readonly devEndpoint: string;
    /** `<workspace>.sql.azuresynapse.net` */
    readonly sqlEndpoint: string;
    /** `<workspace>-ondemand.sql.azuresynapse.net` */
    readonly sqlOnDemandEndpoint: string;
  };
  /** The domain's lake filesystems: purpose → `https://<account>.dfs.core.windows.net/<filesystem>`. */
  readonly lakeUrls: Readonly<Record<string, string>>;
  /** Client ID of the domain worker's user-assigned identity. */
  readonly workerClientId: string;
  /** Default parameters per flow (flow name → parameters), beyond `domain`. Default: none. */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface PrefectDesiredStateInput {
  readonly environment: string;
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  /** Default: `https://management.azure.com`. */
  readonly armEndpoint?: string;
  readonly dataFactoryName: string;
  readonly keyVaultUri: string;
  readonly backupVaults: readonly { readonly id: string; readonly region: string }[];
  readonly domains: readonly PrefectDomainInput[];
  /** Global concurrency limits by name (names from the contract); absent names take the contract's defaults. */
  readonly globalConcurrencyLimits?: Readonly<Record<string, number>>;
}

interface VariableEntry {
  readonly name: string;
  readonly type: "string" | "json";
  readonly workerEnv: string;
  readonly description: string;
}

/** The shared contract file, typed (data only; the flows package reads the same file). */
export const PREFECT_CONTRACT = CONTRACT as unknown as {
  readonly managedMarker: string;
  readonly flows: readonly { readonly name: string; readonly entrypoint: string }[];
  readonly commands: { readonly configure: readonly string[]; readonly worker: readonly string[] };
  readonly globalConcurrencyLimits: readonly { readonly name: string; readonly default: number; readonly description: string }[];
  readonly platform: readonly VariableEntry[];
  readonly domain: readonly VariableEntry[];
};

/** Flow names as the flows package registers them (contracts/prefect-variables.json `flows`). */
export const PREFECT_FLOWS: readonly string[] = PREFECT_CONTRACT.flows.map((f) => f.name);

/** Domain names: no `_`, so `{domain}` in a variable name is unambiguous (configure.py `_DOMAIN`). */
const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const TAG_VALUE = /^[^\s,]{1,80}$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Prefect's limit on a variable value (prefect/types MAX_VARIABLE_VALUE_LENGTH). */
const MAX_VARIABLE_VALUE = 5000;
/** Names that would carry a credential: the desired state is plain configuration, never a secret. */
const CREDENTIAL = /(password|secret|token|api[_-]?key|auth[_-]?string|connection[_-]?string|private[_-]?key|credential|sas)/i;

export class PrefectDesiredStateError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Prefect desired state: ${problems.join("; ")}`);
  }
}

export function renderPrefectDesiredState(input: PrefectDesiredStateInput): PrefectDesiredState {
  const problems: string[] = [];
  if (!ENVIRONMENT_NAME.test(input.environment)) problems.push(`environment "${input.environment}" must be a lowercase name`);
  if (input.domains.length === 0) problems.push("at least one data domain is required");
  const seen = new Set<string>();
  for (const d of input.domains) {
    if (!DOMAIN_NAME.test(d.name)) problems.push(`domain "${d.name}": lowercase letters, digits and '-', starting with a letter, at most 63`);
    if (seen.has(d.name)) problems.push(`domain "${d.name}" is listed twice`);
    seen.add(d.name);
    for (const [what, value] of [["team", d.team], ["costCenter", d.costCenter]] as const) {
      // They become run tags (`team:<team>`): Prefect tags here have no spaces or commas (configure.py `_TAG`).
      if (!TAG_VALUE.test(value)) problems.push(`domain "${d.name}": ${what} "${value}" must be 1-80 characters without spaces or commas`);
    }
    if (!Number.isInteger(d.concurrencyLimit) || d.concurrencyLimit < 1) problems.push(`domain "${d.name}": concurrencyLimit must be an integer >= 1, got ${d.concurrencyLimit}`);
    for (const flow of Object.keys(d.parameters ?? {})) {
      if (!PREFECT_FLOWS.includes(flow)) problems.push(`domain "${d.name}": parameters name no flow "${flow}" (flows: ${PREFECT_FLOWS.join(", ")})`);
      for (const key of Object.keys(d.parameters?.[flow] ?? {})) {
        if (CREDENTIAL.test(key)) problems.push(`domain "${d.name}": parameter "${flow}.${key}" looks like a credential; flows authenticate as the worker's identity only`);
      }
    }
  }
  const limits: PrefectGlobalConcurrencyLimit[] = PREFECT_CONTRACT.globalConcurrencyLimits.map((g) => ({
    name: g.name,
    limit: input.globalConcurrencyLimits?.[g.name] ?? g.default,
    description: g.description,
  }));
  for (const name of Object.keys(input.globalConcurrencyLimits ?? {})) {
    if (!limits.some((g) => g.name === name)) problems.push(`global concurrency limit "${name}" is not one the flows use (${limits.map((g) => g.name).join(", ")})`);
  }
  for (const g of limits) if (!Number.isInteger(g.limit) || g.limit < 1) problems.push(`global concurrency limit "${g.name}" must be an integer >= 1, got ${g.limit}`);

  const platformValues: Record<string, string> = {
    dataplatform_environment: input.environment,
    dataplatform_subscription_id: input.subscriptionId,
    dataplatform_resource_group: input.resourceGroupName,
    dataplatform_arm_endpoint: input.armEndpoint ?? "https://management.azure.com",
    dataplatform_data_factory_name: input.dataFactoryName,
    dataplatform_key_vault_uri: input.keyVaultUri,
    dataplatform_backup_vaults: JSON.stringify(input.backupVaults.map((v) => ({ id: v.id, region: v.region }))),
  };
  const variables: PrefectVariable[] = [];
  const put = (name: string, value: string | undefined) => {
    if (value === undefined || value.trim() === "") problems.push(`variable ${name} has no value`);
    else if (value.length > MAX_VARIABLE_VALUE) problems.push(`variable ${name} is longer than Prefect's ${MAX_VARIABLE_VALUE} characters`);
    variables.push({ name, value: value ?? "" });
  };
  for (const entry of PREFECT_CONTRACT.platform) put(entry.name, platformValues[entry.name]);
  for (const d of input.domains) {
    const values: Record<string, string> = {
      team: d.team,
      cost_center: d.costCenter,
      synapse_workspace: d.synapse.workspaceName,
      synapse_endpoint: d.synapse.devEndpoint,
      synapse_sql_endpoint: d.synapse.sqlEndpoint,
      synapse_sql_on_demand_endpoint: d.synapse.sqlOnDemandEndpoint,
      lake_urls: JSON.stringify(d.lakeUrls),
      worker_client_id: d.workerClientId,
    };
    for (const entry of PREFECT_CONTRACT.domain) put(entry.name.replace("{domain}", d.name), values[domainKey(entry.name)]);
  }
  if (input.backupVaults.length === 0) problems.push("at least one backup vault is required (the backup flow backs up every vault's instances)");
  for (const v of variables) if (CREDENTIAL.test(v.name)) problems.push(`variable ${v.name} looks like a credential`);
  if (problems.length > 0) throw new PrefectDesiredStateError(problems);

  const deployments: PrefectDeployment[] = input.domains.flatMap((d) =>
    PREFECT_FLOWS.map((flow) => ({
      flow,
      name: d.name,
      workPool: d.name,
      tags: [`env:${input.environment}`, `domain:${d.name}`, `team:${d.team}`, `cost-center:${d.costCenter}`],
      parameters: { domain: d.name, ...(d.parameters?.[flow] ?? {}) },
    })),
  );
  return {
    version: 1,
    environment: input.environment,
    workPools: input.domains.map((d) => ({
      name: d.name,
      domain: d.name,
      type: "process" as const,
      concurrencyLimit: d.concurrencyLimit,
      description: `${PREFECT_MANAGED_MARKER} data domain ${d.name} (team ${d.team}, cost center ${d.costCenter})`,
    })),
    globalConcurrencyLimits: limits,
    variables,
    deployments,
  };
}

/** `dataplatform_domain_{domain}_team` → `team` (the keys of PrefectDomainInput's rendered values). */
function domainKey(template: string): string {
  return template.replace(/^dataplatform_domain_\{domain\}_/, "");
}

/**
 * What one domain worker applies: the platform-wide items and only that domain's pool, variables and deployments
 * (the same selection `configure --domain` makes). Each worker carries only this, so a change to another domain does
 * not roll it.
 */
export function desiredStateForDomain(state: PrefectDesiredState, domain: string): PrefectDesiredState {
  if (!state.workPools.some((p) => p.domain === domain)) {
    throw new PrefectDesiredStateError([`no data domain "${domain}" in the desired state (domains: ${state.workPools.map((p) => p.domain).join(", ")})`]);
  }
  const ownVariable = (name: string) =>
    PREFECT_CONTRACT.platform.some((e) => e.name === name) ||
    PREFECT_CONTRACT.domain.some((e) => e.name.replace("{domain}", domain) === name);
  return {
    ...state,
    workPools: state.workPools.filter((p) => p.domain === domain),
    variables: state.variables.filter((v) => ownVariable(v.name)),
    deployments: state.deployments.filter((d) => d.workPool === domain),
  };
}

/** The environment a domain worker carries: each of its variables' `workerEnv` name with the same value. */
export function workerEnvironment(state: PrefectDesiredState, domain: string): { name: string; value: string }[] {
  const byName = new Map(state.variables.map((v) => [v.name, v.value]));
  const entries = [
    ...PREFECT_CONTRACT.platform.map((e) => ({ env: e.workerEnv, variable: e.name })),
    ...PREFECT_CONTRACT.domain.map((e) => ({ env: e.workerEnv, variable: e.name.replace("{domain}", domain) })),
  ];
  return [
    { name: "DATAPLATFORM_DOMAIN", value: domain },
    ...entries.map(({ env, variable }) => {
      const value = byName.get(variable);
      if (value === undefined) throw new PrefectDesiredStateError([`variable ${variable} is missing from the desired state`]);
      return { name: env, value };
    }),
  ];
}

/** The exact JSON text the configuring container reads, and its sha256 (a revision-scoped env var: a change rolls). */
export function serializeDesiredState(state: PrefectDesiredState): { json: string; sha256: string } {
  const json = JSON.stringify(state);
  return { json, sha256: createHash("sha256").update(json, "utf8").digest("hex") };
}

/** A contract command with `{domain}` substituted (the domain worker app's container arguments). */
export function prefectCommand(role: "configure" | "worker", domain: string): string[] {
  return PREFECT_CONTRACT.commands[role].map((a) => a.replace("{domain}", domain));
}
