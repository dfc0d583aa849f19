import type { z } from "zod";

export const CONFIG_NAMESPACE = "dataplatform";

/** One bad key, named the way `pulumi config set` names it. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/** Every problem in a stack's config, reported at once before any resource is registered. */
export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function keyName(path: readonly PropertyKey[]): string {
  let key = CONFIG_NAMESPACE;
  path.forEach((segment, i) => {
    if (typeof segment === "number") key += `[${segment}]`;
    else key += i === 0 ? `:${String(segment)}` : `.${String(segment)}`;
  });
  return key;
}

/** Turns zod's issues into one line per key, with wording a stack owner can act on. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], knownKeys: (path: PropertyKey[]) => string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const unknown of issue.keys) {
        const hint = closest(unknown, knownKeys(issue.path));
        problems.push({
          key: keyName([...issue.path, unknown]),
          message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // Named by the map that holds the bad key: the key itself may be empty or hundreds of characters long.
      const bad = String(issue.path.at(-1) ?? "");
      const shown = bad.length > 40 ? `${JSON.stringify(bad.slice(0, 40))}… (${bad.length} characters)` : JSON.stringify(bad);
      problems.push({ key: keyName(issue.path.slice(0, -1)), message: `key ${shown}: ${issue.issues.map((i) => i.message).join("; ")}` });
      continue;
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
      problems.push({ key: keyName(issue.path), message: `is required (expected ${issue.expected})` });
      continue;
    }
    if (issue.code === "invalid_type") {
      problems.push({ key: keyName(issue.path), message: `expected ${issue.expected}, got ${describeValue(issue.input)}` });
      continue;
    }
    if (issue.code === "invalid_value" && "values" in issue) {
      problems.push({
        key: keyName(issue.path),
        message: `${JSON.stringify(issue.input)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
      });
      continue;
    }
    problems.push({ key: keyName(issue.path), message: issue.message });
  }
  return problems;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
