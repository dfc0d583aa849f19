import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const PROJECT_ROOT = join(__dirname, "..", "..");

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: a flat `namespace:key` map in which
 * object and array values are JSON text and scalars are strings. Secure (encrypted) values cannot be read offline.
 */
export function readStackConfig(stack: string, root = PROJECT_ROOT): Record<string, string> {
  return readStackConfigFile(join(root, `Pulumi.${stack}.yaml`), stack, root);
}

export function readStackConfigFile(file: string, stack: string, root = PROJECT_ROOT): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no stack file ${file}: stacks are ${listStacks(root).join(", ")}`);
  }
  const document = (parse(text) ?? {}) as { config?: Record<string, unknown> };
  return flattenConfig(document.config ?? {}, stack);
}

export function flattenConfig(config: Record<string, unknown>, stack: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value && typeof value === "object" && "secure" in value) {
      throw new Error(`Pulumi.${stack}.yaml: ${key} is encrypted; the offline plan cannot decrypt it`);
    }
    entries[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return entries;
}

export function listStacks(root = PROJECT_ROOT): string[] {
  const { readdirSync } = require("node:fs") as typeof import("node:fs");
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => Boolean(s))
    .sort();
}

export function readProjectName(root = PROJECT_ROOT): string {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name: string };
  return project.name;
}
