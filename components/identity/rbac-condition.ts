import { PRIVILEGED_ROLE_IDS, ROLE_CATALOGUE, type RoleName } from "../../contracts/roles";
import type { PrincipalType } from "./roles";

/**
 * Roles the deploy identity may hand out (and remove) as Role Based Access Control Administrator: the catalogue minus
 * the privileged roles (contracts/roles.ts PRIVILEGED_ROLE_IDS: RBAC Administrator, Contributor, Key Vault
 * Administrator, Storage Blob Data Owner; Owner and User Access Administrator are not in the catalogue at all), so
 * the deploy identity can neither mint administrators nor grant anyone more than it needs to wire the platform.
 */
export const DEPLOY_ASSIGNABLE_ROLES: readonly RoleName[] = (Object.keys(ROLE_CATALOGUE) as RoleName[]).filter(
  (role) => !PRIVILEGED_ROLE_IDS.includes(ROLE_CATALOGUE[role]),
);

/**
 * Principal types the deploy identity may assign roles to: the platform's managed identities (ServicePrincipal) and
 * Entra groups. Never a user: people get access through groups, which admins (not CI) manage.
 */
export const DEPLOY_ASSIGNABLE_PRINCIPAL_TYPES: readonly PrincipalType[] = ["ServicePrincipal", "Group"];

const PRINCIPAL_TYPES: readonly PrincipalType[] = ["ServicePrincipal", "Group", "User"];

/**
 * ABAC condition (version 2.0) for an RBAC-administrator assignment: role assignments may only be written (request
 * attributes) or deleted (resource attributes, i.e. the existing assignment's) for the given roles AND principal types.
 * Shape and attributes, verbatim from Microsoft Learn "Examples to delegate Azure role assignment management with
 * conditions", section "Example: Constrain roles and principal types"
 * (https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples; MicrosoftDocs/azure-docs
 * articles/role-based-access-control/delegate-role-assignments-examples.md). Attribute
 * `Microsoft.Authorization/roleAssignments:PrincipalType` (values User, ServicePrincipal, Group; operator
 * ForAnyOfAnyValues:StringEqualsIgnoreCase) from "Authorization actions and attributes"
 * (articles/role-based-access-control/conditions-authorization-actions-attributes.md).
 *
 * `principalTypes` defaults to ServicePrincipal and Group (DEPLOY_ASSIGNABLE_PRINCIPAL_TYPES).
 */
export function constrainedRolesCondition(
  roles: readonly RoleName[],
  principalTypes: readonly PrincipalType[] = DEPLOY_ASSIGNABLE_PRINCIPAL_TYPES,
): string {
  if (roles.length === 0) throw new Error("constrainedRolesCondition: no roles given (an RBAC administrator that may assign nothing needs no role)");
  if (principalTypes.length === 0) throw new Error("constrainedRolesCondition: no principal types given");
  const unknownType = principalTypes.find((t) => !PRINCIPAL_TYPES.includes(t));
  if (unknownType) throw new Error(`constrainedRolesCondition: unknown principal type "${unknownType}" (one of ${PRINCIPAL_TYPES.join(", ")})`);
  const guids = [...new Set(roles.map((r) => ROLE_CATALOGUE[r]))].sort().join(", ");
  const types = PRINCIPAL_TYPES.filter((t) => principalTypes.includes(t))
    .map((t) => `'${t}'`)
    .join(", ");
  const branch = (action: "write" | "delete", source: "Request" | "Resource") => [
    "(",
    " (",
    `  !(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})`,
    " )",
    " OR",
    " (",
    `  @${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}`,
    "  AND",
    `  @${source}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {${types}}`,
    " )",
    ")",
  ];
  return [...branch("write", "Request"), "AND", ...branch("delete", "Resource")].join("\n");
}
