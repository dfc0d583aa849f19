import { join } from "node:path";
import { type Graph, stackGraph } from "../../../tools/graph";
import { readStackConfigFile } from "../../../tools/graph/stack-config";

/** prod configured for Okta (`dataplatform:okta`): the stack file the Okta tests and the as-deployed Okta test share. */
export const OKTA_STACK_FILE = join(__dirname, "Pulumi.prod-okta.yaml");
export const OKTA_STACK = "prod";

export function oktaStackConfig(): Record<string, string> {
  return readStackConfigFile(OKTA_STACK_FILE);
}

/** The Okta stack's people groups, exactly as its stack file names them. */
export function oktaGroups(): { admins: string; engineers: string; analysts: string } {
  return (JSON.parse(oktaStackConfig()["dataplatform:okta"]!) as { groups: { admins: string; engineers: string; analysts: string } }).groups;
}

let graph: Promise<Graph> | undefined;
export function oktaGraph(): Promise<Graph> {
  graph ??= stackGraph(OKTA_STACK, { config: oktaStackConfig() });
  return graph;
}
