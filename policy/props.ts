/** Small readers over resource inputs (as the engine hands them to policies: plain JSON, secrets unwrapped). */

export type Props = Record<string, unknown>;

/** `get(props, "properties.networkAcls.defaultAction")`; array indices as `.0`. */
export function get(props: unknown, path: string): unknown {
  let value: unknown = props;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Case-insensitive string equality (ARM enums arrive as "Disabled" or "disabled"). */
export function is(value: unknown, expected: string): boolean {
  return typeof value === "string" && value.toLowerCase() === expected.toLowerCase();
}

/**
 * The entries of an object whose values are known. During `pulumi preview` the engine passes values computed from
 * other resources' outputs as unknowns, and @pulumi/policy wraps the props in a proxy whose getter throws an
 * `UnknownValueError` on them (node_modules/@pulumi/policy/proxy.js, unknownCheckingProxy); a rule that reads such a
 * value is reported as "can't run … during preview" instead of checking anything. Rules that walk every input (rather
 * than reading a path they need) use this to check the known part; `pulumi up` analyzes again with everything known.
 */
export function knownEntries(value: object): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(value)) {
    const child = known(value, key);
    if (child !== KNOWN_LATER) entries.push([key, child]);
  }
  return entries;
}

/** `known(props, key)`: the value, or KNOWN_LATER when the engine passed it as unknown (see knownEntries). */
export const KNOWN_LATER = Symbol("known later");

export function known(props: object, key: string): unknown {
  try {
    return (props as Record<string, unknown>)[key];
  } catch (error) {
    if ((error as Error)?.constructor?.name !== "UnknownValueError") throw error;
    return KNOWN_LATER;
  }
}

/**
 * Which input paths were Pulumi secrets. The engine unwraps secrets before a CrossGuard policy sees them, so in
 * `pulumi preview --policy-pack` this is unknown (undefined); the graph runner (policy/run-on-graph.ts) attaches the
 * captured `secretPaths` under this symbol, so the offline plan and the tests do check secretness.
 */
export const SECRET_PATHS = Symbol.for("dataplatform.policy.secretPaths");

export function secretPathsOf(args: object): string[] | undefined {
  return (args as { [SECRET_PATHS]?: string[] })[SECRET_PATHS];
}

/** True when `path` (dot form, arrays as `[i]`) or one of its ancestors was a secret. */
export function isSecretPath(secretPaths: readonly string[], path: string): boolean {
  return secretPaths.some((s) => s === "$" || s === path || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
}
