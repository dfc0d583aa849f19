import type {
  EnforcementLevel,
  Policies,
  PolicyPackConfig,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Graph, GraphResource } from "../tools/graph";
import { platformPolicies } from "./policies";
import { SECRET_PATHS } from "./props";

/** One reported violation, as the offline plan prints it. */
export interface Violation {
  policy: string;
  level: EnforcementLevel;
  severity?: Severity;
  /** The resource the violation is about; undefined for a stack-wide violation. */
  urn?: string;
  name?: string;
  type?: string;
  message: string;
}

export interface RunOptions {
  /** The pack config (policy/config/<env>.json shape): per-policy properties and optional enforcementLevel. */
  config?: PolicyPackConfig;
  policies?: Policies;
}

class NotApplicable extends Error {}

/**
 * Runs every policy over a captured graph exactly as the CrossGuard engine would call it — validateResource per
 * custom resource with its inputs, validateStack once with all resources linked by parent/dependencies — without
 * constructing a PolicyPack (which would start a gRPC server). Differences from the engine, on purpose: props are
 * the captured inputs (after SDK defaults), and the secret input paths are attached so secret rules can check them.
 */
export async function runPoliciesOnGraph(graph: Graph | GraphResource[], options: RunOptions = {}): Promise<Violation[]> {
  const resources = (Array.isArray(graph) ? graph : graph.resources).filter((r) => r.custom && !r.type.startsWith("pulumi:"));
  const policies = options.policies ?? platformPolicies;
  const config = options.config ?? {};
  const violations: Violation[] = [];

  for (const policy of policies) {
    const policyConfig = config[policy.name];
    const level: EnforcementLevel =
      (typeof policyConfig === "string" ? policyConfig : policyConfig?.enforcementLevel) ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    const properties = typeof policyConfig === "object" ? withoutLevel(policyConfig) : {};
    const getConfig = <T extends object>() => properties as T;
    const base = { policy: policy.name, level: level === "remediate" ? "mandatory" : level, severity: policy.severity } as const;

    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const resource of resources) {
        const args = resourceArgs(resource, getConfig);
        for (const validate of validations) {
          await guard(() =>
            validate(args, (message) => violations.push({ ...base, urn: resource.urn, name: resource.name, type: resource.type, message })),
          );
        }
      }
    }
    if ("validateStack" in policy) {
      const args: StackValidationArgs = { resources: linkResources(resources), stackTags: new Map(), getConfig, notApplicable };
      const byUrn = new Map(resources.map((r) => [r.urn, r]));
      await guard(() =>
        (policy as StackValidationPolicy).validateStack(args, (message, urn) => {
          const resource = urn ? byUrn.get(urn) : undefined;
          violations.push({ ...base, urn, name: resource?.name, type: resource?.type, message });
        }),
      );
    }
  }
  return violations;
}

function withoutLevel(config: Record<string, unknown>): Record<string, unknown> {
  const { enforcementLevel: _ignored, ...rest } = config;
  return rest;
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

async function guard(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
}

type ResourceClass = { new (...args: never[]): unknown; __pulumiType?: string };

function typeOf(resourceClass: unknown): string | undefined {
  return (resourceClass as ResourceClass).__pulumiType;
}

function resourceArgs(resource: GraphResource, getConfig: <T extends object>() => T): ResourceValidationArgs {
  const args: ResourceValidationArgs & { [SECRET_PATHS]?: string[] } = {
    type: resource.type,
    props: resource.inputs,
    urn: resource.urn,
    name: resource.name,
    opts: options(resource),
    stackTags: new Map(),
    isType: (cls) => typeOf(cls) === resource.type,
    asType: ((cls: unknown) => (typeOf(cls) === resource.type ? resource.inputs : undefined)) as ResourceValidationArgs["asType"],
    getConfig,
    notApplicable,
  };
  args[SECRET_PATHS] = resource.secretPaths;
  return args;
}

function options(resource: GraphResource): PolicyResource["opts"] {
  return {
    protect: resource.protect,
    ignoreChanges: resource.ignoreChanges,
    aliases: [],
    additionalSecretOutputs: resource.additionalSecretOutputs,
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    ...(resource.parent ? { parent: resource.parent } : {}),
  } as PolicyResource["opts"];
}

/** PolicyResources with parent/dependencies/propertyDependencies resolved to each other, as the engine links them. */
function linkResources(resources: GraphResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const r of resources) {
    const props = { ...r.inputs, ...(r.id ? { id: r.id } : {}) };
    byUrn.set(r.urn, {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => typeOf(cls) === r.type,
      asType: ((cls: unknown) => (typeOf(cls) === r.type ? props : undefined)) as PolicyResource["asType"],
    });
  }
  for (const r of resources) {
    const resource = byUrn.get(r.urn)!;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) resource.parent = parent;
    resource.dependencies = r.dependsOn.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => Boolean(d));
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      resource.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => Boolean(d));
    }
  }
  return [...byUrn.values()];
}

export function isMandatory(violation: Violation): boolean {
  return violation.level === "mandatory";
}

export type { ResourceValidationPolicy };
