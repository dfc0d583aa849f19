import type { PolicyPackConfig } from "@pulumi/policy";
import type { Environment } from "../contracts/environments";
import { platformPolicies } from "./policies";

/**
 * The policy pack config for one environment: every policy gets `environment`, which is the ONLY thing that makes a
 * rule behave differently per environment. Written to policy/config/<env>.json (tests keep the files in sync) and
 * passed as `--policy-pack-config policy/config/<env>.json`.
 */
export function policyConfigFor(environment: Environment): PolicyPackConfig {
  const config: PolicyPackConfig = {};
  for (const policy of platformPolicies) config[policy.name] = { environment };
  return config;
}
