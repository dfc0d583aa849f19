/**
 * Data only: the Prefect configuration the platform applies from inside the VNet (issue 11 point 4, issue 12 point 6).
 * The TypeScript side renders a `PrefectDesiredState` from the stack; the flows package (`dataplatform_flows.configure`)
 * applies exactly this JSON with the Prefect client, idempotently, and never deletes what it did not create. The plan
 * prints it; the tests apply it to a real Prefect server.
 */

/** Marks every Prefect object the platform created (tag, or description prefix where an object has no tags). */
export const PREFECT_MANAGED_MARKER = "managed-by:dataplatform";

/** Environment variable (on the configuring container) that carries the desired state as JSON. */
export const PREFECT_DESIRED_STATE_ENV = "DATAPLATFORM_PREFECT_CONFIG";
/** Environment variable carrying the sha256 of that JSON: a revision-scoped value, so a change rolls and re-applies. */
export const PREFECT_DESIRED_STATE_SHA_ENV = "DATAPLATFORM_PREFECT_CONFIG_SHA256";

export interface PrefectWorkPool {
  /** The data domain's name (one pool per domain). */
  readonly name: string;
  readonly domain: string;
  readonly type: "process";
  /** Flow runs the pool runs at once; a bad deploy in one domain cannot take another domain's slots. */
  readonly concurrencyLimit: number;
  readonly description: string;
}

export interface PrefectGlobalConcurrencyLimit {
  readonly name: string;
  readonly limit: number;
  readonly description: string;
}

export interface PrefectVariable {
  /** As listed in contracts/prefect-variables.json (`{domain}` substituted). */
  readonly name: string;
  readonly value: string;
}

export interface PrefectDeployment {
  /** Flow name as the flows package registers it (e.g. `adf-pipeline-run`). */
  readonly flow: string;
  /** Deployment name: the domain's name. */
  readonly name: string;
  readonly workPool: string;
  readonly tags: readonly string[];
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface PrefectDesiredState {
  readonly version: 1;
  readonly environment: string;
  readonly workPools: readonly PrefectWorkPool[];
  readonly globalConcurrencyLimits: readonly PrefectGlobalConcurrencyLimit[];
  readonly variables: readonly PrefectVariable[];
  readonly deployments: readonly PrefectDeployment[];
}
