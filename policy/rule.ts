import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { benchmarkTags, benchmarkText, type Benchmarks } from "./benchmarks";
import { configSchema, environmentOf } from "./environment";
import type { Environment } from "../contracts/environments";
import { secretPathsOf, type Props } from "./props";

interface RuleMeta {
  name: string;
  /** What the rule demands and why; every environment exception is spelled out here. */
  description: string;
  severity: Severity;
  /** Default mandatory: a violation blocks `pulumi up` and fails the offline plan. */
  enforcementLevel?: EnforcementLevel;
  benchmarks: Benchmarks;
  remediationSteps: string;
  /** Rule-specific config properties (beyond `environment`), with defaults. */
  config?: PolicyConfigSchema["properties"];
}

export interface ResourceRuleContext {
  env: Environment;
  config: Record<string, unknown>;
  args: ResourceValidationArgs;
  /** Secret input paths when known (graph runner); undefined under the real engine, which unwraps secrets. */
  secretPaths: string[] | undefined;
}

export interface ResourceRuleSpec extends RuleMeta {
  /** Pulumi type tokens the rule applies to; `"*"` for every resource. */
  types: readonly string[] | "*";
  check(props: Props, ctx: ResourceRuleContext, report: (message: string) => void): void;
}

export interface StackRuleContext {
  env: Environment;
  config: Record<string, unknown>;
}

export interface StackRuleSpec extends RuleMeta {
  check(resources: PolicyResource[], ctx: StackRuleContext, report: (message: string, urn?: string) => void): void;
}

function meta(spec: RuleMeta) {
  return {
    name: spec.name,
    description: `${spec.description}${benchmarkText(spec.benchmarks)}`,
    enforcementLevel: spec.enforcementLevel ?? "mandatory",
    severity: spec.severity,
    tags: benchmarkTags(spec.benchmarks),
    remediationSteps: spec.remediationSteps,
    configSchema: configSchema(spec.config),
  };
}

function configWithDefaults(spec: RuleMeta, given: Record<string, unknown>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(spec.config ?? {})) {
    if (schema && typeof schema === "object" && "default" in schema) defaults[key] = (schema as { default: unknown }).default;
  }
  return { ...defaults, ...given };
}

export function resourceRule(spec: ResourceRuleSpec): ResourceValidationPolicy {
  return {
    ...meta(spec),
    validateResource: (args, reportViolation) => {
      if (spec.types !== "*" && !spec.types.includes(args.type)) {
        args.notApplicable(`applies to ${spec.types.join(", ")}`);
      }
      const ctx: ResourceRuleContext = {
        env: environmentOf(args),
        config: configWithDefaults(spec, args.getConfig<Record<string, unknown>>()),
        args,
        secretPaths: secretPathsOf(args),
      };
      spec.check(args.props as Props, ctx, (message) => reportViolation(message));
    },
  };
}

export function stackRule(spec: StackRuleSpec): StackValidationPolicy {
  return {
    ...meta(spec),
    validateStack: (args: StackValidationArgs, reportViolation) => {
      const ctx: StackRuleContext = {
        env: environmentOf(args),
        config: configWithDefaults(spec, args.getConfig<Record<string, unknown>>()),
      };
      spec.check(args.resources, ctx, reportViolation);
    },
  };
}
