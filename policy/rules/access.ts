import type { PolicyResource } from "@pulumi/policy";
import { FORBIDDEN_AT_SUBSCRIPTION, ROLE_CATALOGUE } from "../../contracts/roles";
import { isResourceType, tryParseResourceId } from "../../lib/resource-id";
import { resourceRule, stackRule } from "../rule";
import { T } from "../../contracts/resource-types";

const CATALOGUE_IDS = new Set(Object.values(ROLE_CATALOGUE).map((id) => id.toLowerCase()));

const ROLE_DEFINITIONS = "Microsoft.Authorization/roleDefinitions";

/**
 * The GUID a role definition ID names, or undefined when the value is no Microsoft.Authorization/roleDefinitions ID
 * (a bare GUID, some other resource whose name happens to be a catalogue GUID, an unknown): ARM wants the full ID.
 */
function roleGuid(roleDefinitionId: unknown): string | undefined {
  const id = tryParseResourceId(roleDefinitionId);
  return id && isResourceType(id, ROLE_DEFINITIONS) ? id.name.toLowerCase() : undefined;
}

/**
 * `/`, the tenant, a management group or a subscription itself: scopes that reach beyond one environment. A scope
 * that is no resource ID at all counts as broad, since nothing shows it is narrow.
 */
function isBroadScope(scope: string): boolean {
  const id = tryParseResourceId(scope.replace(/\/+$/, ""));
  return id === undefined || id.subscriptionId === undefined || isResourceType(id, "Microsoft.Resources/subscriptions");
}

export const roleAssignmentCatalogue = resourceRule({
  name: "role-assignment-catalogue-only",
  description: "Every role assignment uses a role from the catalogue in contracts/roles.ts (the same list the deploy identity's RBAC-administrator condition allows).",
  severity: "high",
  benchmarks: { mcsb: ["PA-7"] },
  remediationSteps: "Assign through assignRole() with a catalogue role; add a new built-in role to ROLE_CATALOGUE (with its verified GUID) if truly needed.",
  types: [T.roleAssignment],
  check(props, _ctx, report) {
    const guid = roleGuid(props["roleDefinitionId"]);
    if (guid === undefined) report(`roleDefinitionId ${JSON.stringify(props["roleDefinitionId"] ?? null)} is not a ${ROLE_DEFINITIONS} resource ID`);
    else if (!CATALOGUE_IDS.has(guid)) report(`role definition ${guid} is not in the role catalogue`);
  },
});

export const roleAssignmentNoBroadScope = resourceRule({
  name: "role-assignment-no-broad-scope",
  description: "No Owner, Contributor or User Access Administrator at subscription (or management group / root) scope, ever; no role at all at those scopes.",
  severity: "critical",
  benchmarks: { mcsb: ["PA-1", "PA-7"] },
  remediationSteps: "Scope the assignment to the narrowest resource (docs/identity-and-access.md).",
  types: [T.roleAssignment],
  check(props, _ctx, report) {
    const scope = String(props["scope"] ?? "");
    if (!isBroadScope(scope)) return;
    const guid = roleGuid(props["roleDefinitionId"]);
    const privileged = guid !== undefined && FORBIDDEN_AT_SUBSCRIPTION.map((id) => id.toLowerCase()).includes(guid);
    report(`${privileged ? "privileged role" : "role"} ${guid ?? String(props["roleDefinitionId"])} assigned at broad scope ${scope || "/"}`);
  },
});

export const roleAssignmentInEnvironment = stackRule({
  name: "role-assignment-scope-in-environment",
  description: "Every role assignment's scope lies inside a resource group this stack manages (the environment's), so no stack grants access outside itself.",
  severity: "high",
  benchmarks: { mcsb: ["PA-7"] },
  remediationSteps: "Assign on resources of this environment; cross-environment access is an admin task, not a stack's.",
  check(resources, _ctx, report) {
    // The environment's groups: those the stack manages, and (issue 9, D1) the bootstrap-created one it places its
    // resources in without managing it.
    const groups = [
      ...resources.filter((r) => r.type === T.resourceGroup).map((r) => String(r.props["resourceGroupName"] ?? r.props["name"] ?? "")),
      ...resources.map((r) => (typeof r.props["resourceGroupName"] === "string" ? r.props["resourceGroupName"] : "")),
    ]
      .map((g) => g.toLowerCase())
      .filter((g, i, all) => Boolean(g) && all.indexOf(g) === i);
    for (const ra of resources.filter((r: PolicyResource) => r.type === T.roleAssignment)) {
      const scope = String(ra.props["scope"] ?? "").toLowerCase();
      const rg = tryParseResourceId(scope)?.resourceGroupName;
      if (!rg || !groups.includes(rg)) report(`role assignment ${ra.name} scope ${scope || "(none)"} is outside the environment's resource groups (${groups.join(", ") || "none"})`, ra.urn);
    }
  },
});
