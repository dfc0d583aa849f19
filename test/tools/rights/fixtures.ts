import { CI_ACCESS, type CiAccess } from "../../../contracts/ci-access";
import type { Graph, GraphResource } from "../../../tools/graph";
import { graphResource } from "../../support/graph-resource";

/** A deep copy, so that a mutation never leaks into the cached graph other tests read. */
export function clone(graph: Graph): Graph {
  return structuredClone(graph);
}

/** CI_ACCESS with one ARM grant (by role name) removed from one identity. */
export function withoutGrant(identity: "plan" | "deploy", role: string): Readonly<Record<"plan" | "deploy", CiAccess>> {
  const access = structuredClone(CI_ACCESS) as Record<"plan" | "deploy", { arm: CiAccess["arm"][number][] } & CiAccess>;
  const before = access[identity].arm.length;
  access[identity] = { ...access[identity], arm: access[identity].arm.filter((g) => g.role !== role) };
  if (access[identity].arm.length === before) throw new Error(`${identity} holds no ${role} grant to remove`);
  return access;
}

/** A custom resource added to a graph, shaped as the harness captures it. */
export function resource(graph: Graph, type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): GraphResource {
  return graphResource({ urn: `urn:pulumi:${graph.stack}::${graph.project}::${type}::${name}`, type, name, propertyDependencies, inputs });
}
