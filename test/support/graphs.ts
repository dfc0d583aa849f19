import assert from "node:assert/strict";
import { parseResourceId } from "../../lib/resource-id";
import { type Graph, type GraphResource, listStacks, stackGraph } from "../../tools/graph";

export const STACKS = listStacks();

const cache = new Map<string, Promise<Graph>>();

/** The captured graph of a real stack file (evaluated once per test process, cached across processes by source hash). */
export function graphOf(stack: string): Promise<Graph> {
  let graph = cache.get(stack);
  if (!graph) {
    graph = stackGraph(stack);
    cache.set(stack, graph);
  }
  return graph;
}

export async function allGraphs(): Promise<Graph[]> {
  return Promise.all(STACKS.map(graphOf));
}

export function ofType(graph: Graph, type: string): GraphResource[] {
  return graph.resources.filter((r) => r.type === type);
}

/** The single resource of `type` (optionally matching `filter`) in `graph`; fails if there are none or several. */
export function one(graph: Graph, type: string, filter: (r: GraphResource) => boolean = () => true): GraphResource {
  const found = ofType(graph, type).filter(filter);
  assert.equal(found.length, 1, `${graph.stack}: expected one ${type}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0]!;
}

/** The resource whose (mock-assigned) ID equals `id`: resolves a scope/reference input to the resource it names. */
export function byId(graph: Graph, id: unknown): GraphResource | undefined {
  return graph.resources.find((r) => r.id !== undefined && r.id === id);
}

export function byUrn(graph: Graph, urn: string | undefined): GraphResource | undefined {
  return graph.resources.find((r) => r.urn === urn);
}

/** The role definition GUID a role assignment's `roleDefinitionId` names. */
export function roleGuid(assignment: GraphResource): string {
  return parseResourceId(String(assignment.inputs["roleDefinitionId"]), "Microsoft.Authorization/roleDefinitions").name;
}
