import assert from "node:assert/strict";
import { ConfigError, resolvePlatformConfig } from "../../stacks/config";
import { readStackConfig } from "../../tools/graph";

/** The real stack file's config with some `dataplatform:` keys replaced (objects as JSON, as Pulumi hands them over). */
export function stackConfigWith(stack: string, keys: Record<string, unknown>): Record<string, string> {
  const config = readStackConfig(stack);
  for (const [key, value] of Object.entries(keys)) {
    config[`dataplatform:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

/** Every config problem as `key: message`; empty when the config resolves. */
export function configProblems(stack: string, config: Record<string, string>): string[] {
  try {
    resolvePlatformConfig("dataplatform", stack, config);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems.map((p) => `${p.key}: ${p.message}`);
  }
}
