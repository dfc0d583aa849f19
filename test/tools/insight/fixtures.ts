import type { Graph, GraphResource } from "../../../tools/graph";

export const SLEEP = "time:index/sleep:Sleep";

export interface Spec {
  name: string;
  /** Seconds (a time.Sleep with that createDuration) unless `type` says otherwise. */
  seconds?: number;
  type?: string;
  /** Data dependencies (through an Output), by name. */
  data?: string[];
  /** Explicit dependsOn, by name. */
  explicit?: string[];
  /** A parent, by name. */
  parent?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
}

const urn = (type: string, name: string) => `urn:pulumi:t::p::${type}::${name}`;

/** A synthetic graph: every resource a Sleep of `seconds` unless typed otherwise; edges recorded as the capture does. */
export function graphOf(specs: Spec[], stack = "t"): Graph {
  const urns = new Map(specs.map((s) => [s.name, urn(s.type ?? SLEEP, s.name)]));
  const u = (name: string) => {
    const found = urns.get(name);
    if (!found) throw new Error(`fixture: no resource ${name}`);
    return found;
  };
  const resources: GraphResource[] = specs.map((s) => {
    const data = (s.data ?? []).map(u);
    const explicit = (s.explicit ?? []).map(u);
    const type = s.type ?? SLEEP;
    const propertyDependencies: Record<string, string[]> = data.length ? { triggers: data } : {};
    return {
      urn: u(s.name),
      type,
      name: s.name,
      custom: s.custom ?? true,
      ...(s.parent ? { parent: u(s.parent) } : {}),
      dependsOn: [...new Set([...data, ...explicit])].sort(),
      propertyDependencies,
      protect: false,
      retainOnDelete: false,
      ignoreChanges: [],
      replaceOnChanges: [],
      additionalSecretOutputs: [],
      inputs: s.inputs ?? (type === SLEEP ? { createDuration: `${s.seconds ?? 0}s` } : {}),
      secretPaths: [],
      outputs: {},
    };
  });
  return { project: "p", stack, resources, outputs: {}, secretOutputs: [], invokes: [] };
}
