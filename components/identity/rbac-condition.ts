import { ROLE_CATALOGUE, type RoleName } from "../../contracts/roles";

/**
 * Roles the deploy identity may hand out (and remove) as Role Based Access Control Administrator: the catalogue
 * minus the RBAC administrator role itself, so the deploy identity cannot mint further (unconditioned) administrators.
 */
export const DEPLOY_ASSIGNABLE_ROLES: readonly RoleName[] = (Object.keys(ROLE_CATALOGUE) as RoleName[]).filter(
  (role) => role !== "Role Based Access Control Administrator",
);

/**
 * ABAC condition (version 2.0) for an RBAC-administrator assignment: role assignments may only be written or deleted
 * for the given roles. Shape from "Delegate Azure role assignment management to others with conditions"
 * (https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples).
 */
export function constrainedRolesCondition(roles: readonly RoleName[]): string {
  const guids = [...new Set(roles.map((r) => ROLE_CATALOGUE[r]))].sort().join(", ");
  return [
    "(",
    " (",
    "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})",
    " )",
    " OR",
    " (",
    `  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}`,
    " )",
    ")",
    "AND",
    "(",
    " (",
    "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})",
    " )",
    " OR",
    " (",
    `  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}`,
    " )",
    ")",
  ].join("\n");
}
