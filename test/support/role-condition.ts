/**
 * The role definition GUIDs an RBAC-administrator condition built by `constrainedRolesCondition`
 * (components/identity/rbac-condition.ts) allows, per action: tests read the condition back by meaning, not by text.
 * Anything not in that shape reads as allowing nothing.
 */
export function conditionRoleGuids(condition: string): { write: string[]; delete: string[] } {
  const pick = (attribute: "Request" | "Resource") => {
    const match = new RegExp(`@${attribute}\\[Microsoft\\.Authorization/roleAssignments:RoleDefinitionId\\] ForAnyOfAnyValues:GuidEquals \\{([^}]*)\\}`).exec(condition);
    return match ? match[1]!.split(",").map((g) => g.trim()).filter(Boolean) : [];
  };
  return { write: pick("Request"), delete: pick("Resource") };
}
