import type { PolicyConfigSchema } from "@pulumi/policy";
import { ENVIRONMENTS, type Environment } from "../contracts/environments";

/**
 * The only way a rule may differ per environment: the `environment` property of the policy's config, set by
 * policy/config/<env>.json (passed to `pulumi preview|up --policy-pack-config`). Without config a rule applies its
 * strictest (prod) form, so forgetting the config can only make the pack stricter.
 */
export interface EnvironmentConfig {
  environment?: Environment;
}

export const ENVIRONMENT_PROPERTY = {
  environment: {
    type: "string" as const,
    enum: [...ENVIRONMENTS],
    default: "prod",
    description: "The stack's environment; rules with per-environment behaviour read it. Default: prod (strictest).",
  },
};

/** A config schema carrying `environment` plus the rule's own properties. */
export function configSchema(properties: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
  return { properties: { ...ENVIRONMENT_PROPERTY, ...properties } };
}

export function environmentOf(args: { getConfig<T extends object>(): T }): Environment {
  const env = args.getConfig<EnvironmentConfig>().environment;
  return env && (ENVIRONMENTS as readonly string[]).includes(env) ? env : "prod";
}
