import type { Graph, GraphResource } from "./types";

/**
 * The refresh round trip, offline: does `pulumi refresh` followed by `pulumi up` show a diff on a stack nobody changed?
 *
 * What the real tools do (pulumi/pulumi-azure-native provider/pkg/provider/provider.go):
 *  - After a write, state holds the inputs I and the outputs O (a GET after the PUT, `readAfterWrite`).
 *  - `Read` (refresh) GETs the resource again (O'), projects O and O' to the input shape (`SdkOutputsToSdkInputs`:
 *    read-only properties dropped), diffs the two projections and applies that diff to I (`applyDiff` in diff.go):
 *    I' = I + (what changed in Azure since the last write).
 *  - `Diff` (the next preview/up) compares I' with the program's new inputs, input against input, after the engine has
 *    put I' back at every `ignoreChanges` path; `location` compares ignoring case and spaces (applyAzureSpecificDiff).
 *
 * Here: evaluation 1 gives I and O (the mocks' state); an AzureReadModel says what Azure answers to the GET for a
 * type whose answer is known to differ from what was written (O'); evaluation 2 runs the program again with the
 * mocks answering O' (so values the program reads from other resources are Azure's); the diff is evaluation 2's
 * inputs against I'.
 *
 * Limits of this proof, stated so nobody reads more into a green run:
 *  - Only types with a read model can show a diff; every other type is assumed to read back exactly what was written.
 *    A missing model is a false "no diff", never a false alarm. Models encode documented service behaviour only.
 *  - The projection to the input shape keeps the keys the inputs have (recursively), plus whole subtrees of untyped
 *    (`any`) properties such as a generic resource's `properties`; the provider uses the schema instead, so a
 *    read-only key nested under a typed input object is kept here where the provider would drop it (stricter).
 *  - Arrays compare element by element in order (as resource.PropertyMap.Diff does); provider-side defaults
 *    (`removeDefaults`) and sub-resource handling are not modelled.
 *  - Only azure-native resources are checked; other providers (time, random, azuread, cloudflare) have their own
 *    Read semantics.
 */
export type Props = Record<string, unknown>;

/** What Azure answers to a GET of `r` after it was written: its outputs (O'), in the mocks' (input-echo) shape. */
export type AzureReadModel = (r: GraphResource) => Props;

/** Properties whose schema type is untyped: the provider copies them whole into the input projection. */
const UNTYPED: Record<string, readonly string[]> = {
  "azure-native:resources:Resource": ["properties"],
};

/** `value` cut down to the shape of `shape`: the keys `shape` has, recursively; arrays and leaves whole. */
export function projectToInputs(type: string, inputs: Props, outputs: Props): Props {
  const untyped = new Set(UNTYPED[type] ?? []);
  const pick = (shape: unknown, value: unknown, top: boolean): unknown => {
    if (!isObject(shape) || !isObject(value)) return value;
    const out: Props = {};
    for (const key of Object.keys(shape)) {
      if (!(key in value)) continue;
      out[key] = top && untyped.has(key) ? value[key] : pick(shape[key], value[key], false);
    }
    return out;
  };
  return pick(inputs, outputs, true) as Props;
}

/** azure-native's `applyDiff`: the inputs in state after a refresh that read `newOutputs` where `oldOutputs` were. */
export function refreshedInputs(r: GraphResource, oldOutputs: Props, newOutputs: Props): Props {
  const before = projectToInputs(r.type, r.inputs, oldOutputs);
  const after = projectToInputs(r.type, r.inputs, newOutputs);
  return applyChanges(r.inputs, before, after) as Props;
}

function applyChanges(base: unknown, before: unknown, after: unknown): unknown {
  if (isObject(base) && isObject(before) && isObject(after)) {
    const out: Props = {};
    for (const [k, v] of Object.entries(base)) if (!(k in before) || k in after) out[k] = v;
    for (const [k, v] of Object.entries(after)) {
      if (!(k in before)) out[k] = v;
      else if (!equal(before[k], v)) out[k] = k in base ? applyChanges(base[k], before[k], v) : v;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(before) && Array.isArray(after)) {
    return after.map((el, i) => (i < base.length && i < before.length ? applyChanges(base[i], before[i], el) : el));
  }
  return equal(before, after) ? base : after;
}

/**
 * The paths where `news` differs from `olds`, as azure-native's input-to-input Diff would report them, after the
 * engine put `olds` back at each `ignoreChanges` path (a path covers everything under it).
 */
export function inputDiff(olds: Props, news: Props, ignoreChanges: readonly string[] = []): string[] {
  const ignored = (path: string) => ignoreChanges.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  const paths: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (path && ignored(path)) return;
    if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[key], b[key], path ? `${path}.${key}` : key);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (path === "location" && typeof a === "string" && typeof b === "string" && norm(a) === norm(b)) return;
    if (!equal(a, b)) paths.push(path || "$");
  };
  walk(olds, news, "");
  return paths;
}

export interface ResourceDiff {
  readonly urn: string;
  readonly type: string;
  readonly paths: readonly string[];
}

/** The key `evaluateProgram`'s `state` option matches a registration by. */
export function stateKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/** O' for every azure-native custom resource of `graph`, keyed for `evaluateProgram`'s `state` option. */
export function azureState(graph: Graph, models: Readonly<Record<string, AzureReadModel>>): Record<string, { id?: string; outputs: Props }> {
  const state: Record<string, { id?: string; outputs: Props }> = {};
  for (const r of graph.resources) {
    if (!r.custom || !r.type.startsWith("azure-native:")) continue;
    state[stateKey(r.type, r.name)] = { ...(r.id ? { id: r.id } : {}), outputs: models[r.type]?.(r) ?? r.outputs };
  }
  return state;
}

/**
 * Every azure-native resource of `second` whose inputs differ from what a refresh of `first` (read through `models`)
 * left in state. `second` must be evaluated with `state: azureState(first, models)`. A resource that exists only in
 * `second` is a create, not a refresh diff, and is skipped.
 */
export function refreshDiffs(first: Graph, second: Graph, models: Readonly<Record<string, AzureReadModel>>): ResourceDiff[] {
  const before = new Map(first.resources.map((r) => [r.urn, r]));
  const diffs: ResourceDiff[] = [];
  for (const now of second.resources) {
    if (!now.custom || !now.type.startsWith("azure-native:")) continue;
    const then = before.get(now.urn);
    if (!then) continue;
    const read = models[then.type]?.(then) ?? then.outputs;
    const paths = inputDiff(refreshedInputs(then, then.outputs, read), now.inputs, now.ignoreChanges);
    if (paths.length > 0) diffs.push({ urn: now.urn, type: now.type, paths });
  }
  return diffs;
}

function isObject(v: unknown): v is Props {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Objects with sorted keys: property order is not a difference. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
}

function norm(location: string): string {
  return location.toLowerCase().replace(/ /g, "");
}
