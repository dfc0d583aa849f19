import assert from "node:assert/strict";
import type { Graph, GraphResource } from "../../../tools/graph";
import { byId, ofType, one } from "../../support/graphs";

export const ENV = "azure-native:app:ManagedEnvironment";
export const APP = "azure-native:app:ContainerApp";
export const PG = "azure-native:dbforpostgresql:Server";
export const MI = "azure-native:managedidentity:UserAssignedIdentity";

export type Props = Record<string, any>;

export { one };

export function containers(app: GraphResource): Props[] {
  return ((app.inputs["template"] as Props)["containers"] ?? []) as Props[];
}

/** The app whose (only) container runs an image of this repository. */
export function appByImage(graph: Graph, repository: RegExp): GraphResource | undefined {
  const found = ofType(graph, APP).filter((a) => containers(a).some((c) => repository.test(String(c["image"]))));
  assert.ok(found.length <= 1, `${graph.stack}: more than one app runs ${repository}`);
  return found[0];
}

export function prefectServer(graph: Graph): GraphResource {
  const app = ofType(graph, APP).find((a) => containers(a).some((c) => (c["args"] as string[] | undefined)?.join(" ").includes("server start")));
  assert.ok(app, `${graph.stack}: a Prefect server app`);
  return app;
}

export function prefectWorker(graph: Graph): GraphResource {
  const app = ofType(graph, APP).find((a) => containers(a).some((c) => (c["args"] as string[] | undefined)?.join(" ").includes("worker start")));
  assert.ok(app, `${graph.stack}: a Prefect worker app`);
  return app;
}

export function env(app: GraphResource, name: string): Props | undefined {
  for (const c of containers(app)) {
    const found = ((c["env"] ?? []) as Props[]).find((e) => e["name"] === name);
    if (found) return found;
  }
  return undefined;
}

/** The user-assigned identity an app runs as (its only one). */
export function identityOf(graph: Graph, app: GraphResource): GraphResource {
  const ids = (app.inputs["identity"] as Props)["userAssignedIdentities"] as string[];
  assert.equal(ids.length, 1, `${graph.stack}: ${app.name} runs as exactly one identity`);
  const identity = byId(graph, ids[0]);
  assert.equal(identity?.type, MI, `${graph.stack}: ${app.name}'s identity is a user-assigned identity of this stack`);
  return identity!;
}
