import type { PolicyResource } from "@pulumi/policy";
import { FORBIDDEN_AT_SUBSCRIPTION, ROLE_CATALOGUE } from "../../contracts/roles";
import { isResourceType, tryParseResourceId } from "../../lib/resource-id";
import { known, KNOWN_LATER } from "../props";
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
    // A custom role's ID is unknown until it exists (first preview): `pulumi up` analyzes again with it known.
    const roleDefinitionId = known(props, "roleDefinitionId");
    if (roleDefinitionId === KNOWN_LATER) return;
    const guid = roleGuid(roleDefinitionId);
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
    // Unknown during a preview means computed from the ID of a resource this stack creates: a resource scope, never
    // `/`, a management group or a subscription (those are constants); `pulumi up` checks the resolved value.
    const knownScope = known(props, "scope");
    if (knownScope === KNOWN_LATER) return;
    const scope = String(knownScope ?? "");
    if (!isBroadScope(scope)) return;
    const roleDefinitionId = known(props, "roleDefinitionId");
    const guid = roleDefinitionId === KNOWN_LATER ? undefined : roleGuid(roleDefinitionId);
    const privileged = guid !== undefined && FORBIDDEN_AT_SUBSCRIPTION.map((id) => id.toLowerCase()).includes(guid);
    report(`${privileged ? "privileged role" : "role"} ${guid ?? String(roleDefinitionId === KNOWN_LATER ? "(known later)" : roleDefinitionId)} assigned at broad scope ${scope || "/"}`);
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
    const groupOf = (r: PolicyResource): string => {
      const name = known(r.props, "resourceGroupName");
      return typeof name === "string" ? name.toLowerCase() : "";
    };
    const groups = [...new Set(resources.map(groupOf).filter(Boolean))];
    for (const ra of resources.filter((r: PolicyResource) => r.type === T.roleAssignment)) {
      const problem = scopeOutsideEnvironment(ra, groups, groupOf);
      if (problem) report(`role assignment ${ra.name} scope ${problem} is outside the environment's resource groups (${groups.join(", ") || "none"})`, ra.urn);
    }
  },
});

/**
 * Why an assignment's scope lies outside `groups`, or undefined. In a first preview the scope is unknown: it is the ID
 * (or a child) of the resources it is computed from, so those must be in the environment; none at all means it comes
 * from outside this stack.
 */
function scopeOutsideEnvironment(ra: PolicyResource, groups: readonly string[], groupOf: (r: PolicyResource) => string): string | undefined {
  const value = known(ra.props, "scope");
  if (value === KNOWN_LATER) {
    const targets = ra.propertyDependencies["scope"] ?? [];
    const outside = targets.filter((t) => !groups.includes(groupOf(t)));
    if (targets.length > 0 && outside.length === 0) return undefined;
    return `(known later, from ${targets.length ? outside.map((t) => t.name).join(", ") : "no resource of this stack"})`;
  }
  const scope = String(value ?? "").toLowerCase();
  const rg = tryParseResourceId(scope)?.resourceGroupName;
  return rg && groups.includes(rg) ? undefined : scope || "(none)";
}
