/** One resource as the program registered it, captured from the resource monitor under mocks. */
export interface GraphResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  /** Explicit and implicit (through Outputs) dependencies, as URNs. */
  dependsOn: string[];
  /** Per-input dependencies, as URNs. */
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace?: boolean;
  /** Aliases as registered: an alias URN, or a spec as `name:<old name>`, `type:<old type>` and/or `parent:<old parent URN>`. */
  aliases?: string[];
  additionalSecretOutputs: string[];
  /** Inputs with secrets unwrapped; `secretPaths` says which were secret. */
  inputs: Record<string, unknown>;
  secretPaths: string[];
  /** What the mock returned as the resource's state (ids, computed outputs): never evidence by itself. */
  outputs: Record<string, unknown>;
  id?: string;
}

export interface Graph {
  project: string;
  stack: string;
  resources: GraphResource[];
  /** Stack outputs, secrets unwrapped; `secretOutputs` names the secret ones. */
  outputs: Record<string, unknown>;
  secretOutputs: string[];
  invokes: { token: string; inputs: Record<string, unknown> }[];
  /** `pulumi.log.warn` messages the program logged (what `pulumi up` would print as warnings). */
  warnings?: string[];
}

export interface EvaluationFailure {
  error: string;
  /** Resources registered before the failure: a config error must leave this empty. */
  resources: GraphResource[];
}

/** Cost of one evaluation inside the child: program time (config load → last registration) and peak memory. */
export interface EvaluationCost {
  evaluationMs: number;
  maxRssMb: number;
}

export type EvaluationResult = ({ ok: true; graph: Graph } | { ok: false; failure: EvaluationFailure }) & { cost?: EvaluationCost };
