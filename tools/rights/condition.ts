/**
 * Reads an RBAC-administrator ABAC condition (the shape of components/identity/rbac-condition.ts and of
 * https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples) by meaning:
 * which role definition GUIDs may be written, and which principal types (undefined: not constrained).
 */
export interface AssignmentCondition {
  allowedRoleIds: string[];
  principalTypes?: string[];
  /** Where the condition was read. */
  source: string;
}

export function parseCondition(text: string, source: string): AssignmentCondition {
  const roles = /@Request\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\]\s+ForAnyOfAnyValues:GuidEquals\s+\{([^}]*)\}/.exec(text);
  if (!roles) throw new Error(`${source}: condition does not constrain @Request[...RoleDefinitionId] with ForAnyOfAnyValues:GuidEquals`);
  const types = /@Request\[Microsoft\.Authorization\/roleAssignments:PrincipalType\]\s+ForAnyOfAnyValues:StringEqualsIgnoreCase\s+\{([^}]*)\}/.exec(text);
  const list = (s: string) => s.split(",").map((x) => x.trim().replace(/^'|'$/g, "")).filter(Boolean);
  return {
    allowedRoleIds: list(roles[1]!).map((g) => g.toLowerCase()),
    ...(types ? { principalTypes: list(types[1]!) } : {}),
    source,
  };
}
