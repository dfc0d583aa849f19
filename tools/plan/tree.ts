import type { Graph, GraphResource } from "../graph";

/** The resource tree, component → children, one line per resource: `type name [protect]`. */
export function resourceTree(graph: Graph): string {
  const children = new Map<string, GraphResource[]>();
  const roots: GraphResource[] = [];
  for (const resource of graph.resources) {
    if (resource.type.startsWith("pulumi:providers:")) continue;
    if (resource.parent) {
      const siblings = children.get(resource.parent) ?? [];
      siblings.push(resource);
      children.set(resource.parent, siblings);
    } else roots.push(resource);
  }
  const lines: string[] = [];
  const visit = (resource: GraphResource, prefix: string, last: boolean, depth: number) => {
    const flags = [resource.protect ? "protect" : "", resource.retainOnDelete ? "retain" : ""].filter(Boolean);
    const label = `${resource.type}  ${resource.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`;
    lines.push(depth === 0 ? label : `${prefix}${last ? "└─ " : "├─ "}${label}`);
    const kids = [...(children.get(resource.urn) ?? [])].sort(byComponentThenName);
    const nextPrefix = depth === 0 ? "" : `${prefix}${last ? "   " : "│  "}`;
    kids.forEach((kid, i) => visit(kid, nextPrefix, i === kids.length - 1, depth + 1));
  };
  roots.forEach((root) => visit(root, "", true, 0));
  return lines.join("\n");
}

/** Components first (they group the rest), then by type and name. */
function byComponentThenName(a: GraphResource, b: GraphResource): number {
  if (a.custom !== b.custom) return a.custom ? 1 : -1;
  return a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
}

/** Resource counts by type, largest first, providers and the stack excluded. */
export function countsByType(graph: Graph): { type: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of graph.resources) {
    if (r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:Stack") continue;
    counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([type, count]) => ({ type, count }))
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

/** Stack outputs with secret ones masked. */
export function describeOutputs(graph: Graph): string[] {
  return Object.keys(graph.outputs)
    .sort()
    .map((key) => {
      const secret = graph.secretOutputs.some((p) => p === key || p.startsWith(`${key}.`) || p.startsWith(`${key}[`));
      const value = secret ? "[secret]" : JSON.stringify(graph.outputs[key]);
      return `${key}: ${value}`;
    });
}
