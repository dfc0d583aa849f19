import { PREFECT_DESIRED_STATE_ENV, type PrefectDesiredState } from "../../contracts/prefect-config";
import type { Graph, GraphResource } from "../graph/types";

interface Applied {
  readonly app: string;
  readonly state: PrefectDesiredState;
}

/**
 * "Prefect configuration" for one stack, from the captured graph: what each domain worker's init container applies
 * (its `DATAPLATFORM_PREFECT_CONFIG`, the JSON `configure --domain` reads): work pools and their limits, global
 * concurrency limits, variables and deployments, per domain. Read from the graph, not re-rendered, so the plan shows
 * exactly what the apps carry.
 */
export function prefectConfiguration(graph: Graph): string[] {
  const applied = graph.resources.flatMap((r) => appliedState(r));
  if (applied.length === 0) return ["- none: no domain worker applies a Prefect configuration in this stack"];
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const out: string[] = [];
  out.push("Applied by each domain worker's init container (`python -m dataplatform_flows.configure --domain <name>`):", "");
  out.push("| work pool | type | concurrency limit | worker app |", "|---|---|---|---|");
  for (const { app, state } of applied) {
    for (const p of state.workPools) out.push(`| ${p.name} | ${p.type} | ${p.concurrencyLimit} | ${app} |`);
  }
  out.push("", "| global concurrency limit | limit | why |", "|---|---|---|");
  const limits = new Map<string, string>();
  for (const { state } of applied) {
    for (const g of state.globalConcurrencyLimits) limits.set(g.name, `| ${g.name} | ${g.limit} | ${escape(g.description)} |`);
  }
  out.push(...[...limits.values()]);
  out.push("", "| variable | value |", "|---|---|");
  const variables = new Map<string, string>();
  for (const { state } of applied) for (const v of state.variables) variables.set(v.name, v.value);
  for (const [name, value] of [...variables].sort(([a], [b]) => a.localeCompare(b))) out.push(`| ${name} | \`${escape(value)}\` |`);
  out.push("", "| deployment | work pool | tags | parameters |", "|---|---|---|---|");
  for (const { state } of applied) {
    for (const d of state.deployments) {
      out.push(`| ${d.flow}/${d.name} | ${d.workPool} | ${d.tags.join(" ")} | \`${escape(JSON.stringify(d.parameters))}\` |`);
    }
  }
  return out;
}

function appliedState(resource: GraphResource): Applied[] {
  if (resource.type !== "azure-native:app:ContainerApp") return [];
  const template = resource.inputs["template"] as { initContainers?: { env?: { name: string; value?: unknown }[] }[] } | undefined;
  for (const init of template?.initContainers ?? []) {
    const json = init.env?.find((e) => e.name === PREFECT_DESIRED_STATE_ENV)?.value;
    if (typeof json === "string") {
      return [{ app: String(resource.inputs["containerAppName"] ?? resource.name), state: JSON.parse(json) as PrefectDesiredState }];
    }
  }
  return [];
}
