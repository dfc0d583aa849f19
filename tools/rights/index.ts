import { DEPLOY_CONDITION_INTENT } from "../../contracts/deploy-rights/identities";
import { ROLE_CATALOGUE } from "../../contracts/roles";
import { T } from "../../contracts/resource-types";
import { tryParseResourceId } from "../../lib/resource-id";
import type { Graph } from "../graph/types";
import { type AssignmentCondition, parseCondition } from "./condition";
import { evaluateRights, type Identity, type RightsInput, type Verdict } from "./evaluate";

export { evaluateRights, identityName, type Identity, type RightsInput, type Verdict } from "./evaluate";
export { parseCondition, type AssignmentCondition } from "./condition";
export { requirementsOf, type Requirement } from "./requirements";

/** The environment's resource group: the one the stack creates, or the one it reads (getResourceGroup). */
export function environmentResourceGroup(graph: Graph): string | undefined {
  const created = graph.resources.find((r) => r.type === T.resourceGroup)?.inputs["resourceGroupName"];
  if (typeof created === "string") return created;
  const read = graph.invokes.find((i) => i.token === "azure-native:resources:getResourceGroup")?.inputs["resourceGroupName"];
  return typeof read === "string" ? read : undefined;
}

/**
 * The deploy identity's RBAC-administrator condition, read from the grant that carries it (an RBAC Administrator role
 * assignment with a condition, in the platform's or bootstrap's graph); the decided intent when no graph carries one.
 */
export function findDeployCondition(graphs: readonly Graph[]): AssignmentCondition {
  const rbacAdmin = ROLE_CATALOGUE["Role Based Access Control Administrator"];
  for (const graph of graphs) {
    const grant = graph.resources.find(
      (r) => r.type === T.roleAssignment && typeof r.inputs["condition"] === "string" && tryParseResourceId(String(r.inputs["roleDefinitionId"]))?.name.toLowerCase() === rbacAdmin,
    );
    if (grant) return parseCondition(String(grant.inputs["condition"]), `${graph.project}/${graph.stack} ${grant.name}`);
  }
  return { allowedRoleIds: [...DEPLOY_CONDITION_INTENT.allowedRoleIds], principalTypes: [...DEPLOY_CONDITION_INTENT.principalTypes], source: "contracts/deploy-rights/identities.ts DEPLOY_CONDITION_INTENT" };
}

export interface IdentityRights {
  identity: Identity;
  /** What the run is: `pulumi preview` (plan), `pulumi up` (deploy), bootstrap's first `pulumi up` (admin). */
  run: string;
  verdicts: Verdict[];
}

/** The three runs of one environment: plan-<env> (preview), deploy-<env> (up) and the admin's bootstrap run. */
export function stackRights(platform: Graph, bootstrap: Graph | undefined, overrides: Partial<RightsInput> = {}): IdentityRights[] {
  const env = platform.stack;
  const condition = overrides.condition ?? findDeployCondition(bootstrap ? [platform, bootstrap] : [platform]);
  const rg = environmentResourceGroup(platform);
  const base = { graph: platform, condition, ...(rg ? { environmentResourceGroup: rg } : {}), ...(bootstrap ? { bootstrap } : {}), ...overrides };
  const out: IdentityRights[] = [
    { identity: { role: "plan", env }, run: "pulumi preview (refresh: always)", verdicts: evaluateRights({ ...base, identity: { role: "plan", env } }) },
    { identity: { role: "deploy", env }, run: "pulumi up (refresh: always)", verdicts: evaluateRights({ ...base, identity: { role: "deploy", env } }) },
  ];
  if (bootstrap) out.push({ identity: { role: "admin" }, run: "bootstrap pulumi up (first admin run)", verdicts: evaluateRights({ ...base, graph: bootstrap, identity: { role: "admin" } }) });
  return out;
}

export function missing(rights: readonly IdentityRights[]): Verdict[] {
  return rights.flatMap((r) => r.verdicts.filter((v) => !v.granted));
}
