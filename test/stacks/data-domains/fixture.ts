import { join } from "node:path";
import { type Graph, type GraphResource, stackGraph } from "../../../tools/graph";
import { readStackConfigFile } from "../../../tools/graph/stack-config";
import { ofType } from "../../support/graphs";
import { RBAC_JOB_ENV } from "../../../components/synapse/rbac-job";
import { envOf } from "../../components/synapse/desired-state";

/** The dev stack file with three data domains (sales: shared + groups, finance: own workspace, marketing: shared). */
export const THREE_DOMAINS_FILE = join(__dirname, "Pulumi.dev.yaml");

export function threeDomainConfig(): Record<string, string> {
  return readStackConfigFile(THREE_DOMAINS_FILE);
}

/** The 3-domain stack's graph, evaluated like the real stacks (cached by source hash). */
export function threeDomainGraph(): Promise<Graph> {
  return stackGraph("dev", { config: threeDomainConfig() });
}

/** Every Synapse RBAC job by the workspace it keeps (its SYNAPSE_WORKSPACE). */
export function rbacJobsByWorkspace(graph: Graph): Map<string, GraphResource> {
  const jobs = new Map<string, GraphResource>();
  for (const job of ofType(graph, "azure-native:app:Job")) {
    const env = envOf(job);
    if (env[RBAC_JOB_ENV.desiredState] !== undefined) jobs.set(String(env[RBAC_JOB_ENV.workspace]), job);
  }
  return jobs;
}
