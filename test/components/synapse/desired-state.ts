import { RBAC_JOB_ENV } from "../../../components/synapse/rbac-job";
import type { Graph, GraphResource } from "../../../tools/graph";
import { configOf } from "../identity/principals";
import { ofType } from "../../support/graphs";

export interface DesiredEntry {
  principalId: string;
  principalType: string;
  role: string;
}

/** The Synapse RBAC job of a stack (none when the stack assigns no Synapse roles). */
export function rbacJobOf(graph: Graph): GraphResource | undefined {
  const jobs = ofType(graph, "azure-native:app:Job").filter((j) => envOf(j)[RBAC_JOB_ENV.desiredState] !== undefined);
  if (jobs.length > 1) throw new Error(`${graph.stack}: ${jobs.length} Synapse RBAC jobs`);
  return jobs[0];
}

/** A job's container environment variables (the one container), name → value. */
export function envOf(job: GraphResource): Record<string, string> {
  const containers = (job.inputs["template"] as { containers?: { env?: { name: string; value?: string }[] }[] } | undefined)?.containers ?? [];
  return Object.fromEntries((containers[0]?.env ?? []).map((e) => [e.name, String(e.value)]));
}

/** The desired state the job enforces, as it will read it. */
export function desiredStateOf(job: GraphResource): DesiredEntry[] {
  return JSON.parse(envOf(job)[RBAC_JOB_ENV.desiredState]!) as DesiredEntry[];
}

/**
 * A label for a principal object ID in the desired state, found independently of the program's wiring: a configured
 * Entra group (`group:<name>`), a user-assigned identity (its purpose, as in the Azure access matrix), or a service
 * principal (its application's role in `<project>-<role>-<env>`).
 */
export function principalIdLabel(graph: Graph, principalId: string): string {
  const config = configOf(graph);
  for (const [group, id] of Object.entries(config.entra.groups)) if (principalId === id.toLowerCase()) return `group:${group}`;
  const uami = ofType(graph, "azure-native:managedidentity:UserAssignedIdentity").find((r) => String(r.outputs["principalId"]).toLowerCase() === principalId);
  if (uami) {
    const match = /^id-[a-z0-9]+-(.+)-[a-z]+-[a-z]+$/.exec(String(uami.inputs["resourceName"]));
    return match?.[1]?.replace(new RegExp(`-${config.environment}$`), "") ?? `<uami ${uami.name}>`;
  }
  const sp = ofType(graph, "azuread:index/servicePrincipal:ServicePrincipal").find((r) => String(r.outputs["objectId"] ?? r.id).toLowerCase() === principalId);
  if (sp) {
    const app = ofType(graph, "azuread:index/application:Application").find((a) => a.outputs["clientId"] === sp.inputs["clientId"]);
    const match = new RegExp(`^${config.project}-(\\w+)-${config.environment}$`).exec(String(app?.inputs["displayName"]));
    return match ? match[1]! : `<sp ${sp.name}>`;
  }
  return `<unresolved ${principalId}>`;
}
