import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  constrainedRolesCondition,
  DEPLOY_ASSIGNABLE_PRINCIPAL_TYPES,
  DEPLOY_ASSIGNABLE_ROLES,
} from "../../../components/identity/rbac-condition";
import type { PrincipalType } from "../../../components/identity/roles";
import {
  OWNER_ROLE_ID,
  PRIVILEGED_ROLE_IDS,
  PRIVILEGED_ROLES,
  ROLE_CATALOGUE,
  type RoleName,
  USER_ACCESS_ADMINISTRATOR_ROLE_ID,
} from "../../../contracts/roles";
import { allowsDelete, allowsWrite, conditionRoleGuids, evaluateCondition } from "../../support/role-condition";

const guids = (roles: readonly RoleName[]) => [...new Set(roles.map((r) => ROLE_CATALOGUE[r]))].sort();
const PRINCIPAL_TYPES: PrincipalType[] = ["ServicePrincipal", "Group", "User"];
const ALL_ROLES = Object.keys(ROLE_CATALOGUE) as RoleName[];

describe("the condition evaluator (test/support/role-condition.ts)", () => {
  // Verbatim from Microsoft Learn "Example: Constrain roles and principal types" (Backup Contributor, Backup Reader; User, Group).
  const learnExample = `(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
 )
 OR
 (
  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b, a795c7a0-d4a2-40c1-ae25-d81f01202912}
  AND
  @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User', 'Group'}
 )
)
AND
(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
 )
 OR
 (
  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b, a795c7a0-d4a2-40c1-ae25-d81f01202912}
  AND
  @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User', 'Group'}
 )
)`;

  it("reads Microsoft's own example the way the page describes it", () => {
    const backupContributor = ROLE_CATALOGUE["Backup Contributor"];
    assert.equal(allowsWrite(learnExample, backupContributor, "Group"), true);
    assert.equal(allowsWrite(learnExample, backupContributor, "user"), true, "StringEqualsIgnoreCase");
    assert.equal(allowsWrite(learnExample, backupContributor, "ServicePrincipal"), false);
    assert.equal(allowsWrite(learnExample, ROLE_CATALOGUE.Contributor, "Group"), false);
    assert.equal(allowsDelete(learnExample, ROLE_CATALOGUE["Backup Reader"], "User"), true);
    assert.equal(allowsDelete(learnExample, ROLE_CATALOGUE.Reader, "User"), false);
    // The condition constrains only the two actions it names.
    assert.equal(evaluateCondition(learnExample, { action: "Microsoft.Authorization/roleAssignments/read" }), true);
  });

  it("refuses to read a condition outside the supported shape instead of guessing", () => {
    assert.throws(() => evaluateCondition("@Request[x] StringLike 'y*'", { action: "a" }), /unsupported operator/);
    assert.throws(() => evaluateCondition("(ActionMatches{'a'}", { action: "a" }), /missing \)|unexpected end/);
  });
});

describe("constrainedRolesCondition", () => {
  it("allows writing and deleting assignments of exactly the given roles, read back from the condition", () => {
    const roles: RoleName[] = ["Storage Blob Data Reader", "Key Vault Secrets User"];
    const allowed = conditionRoleGuids(constrainedRolesCondition(roles));
    assert.deepEqual(allowed.write, guids(roles));
    assert.deepEqual(allowed.delete, guids(roles));
  });

  it("lists each role once, in a stable order, whatever order or repetition it was given in", () => {
    const a = constrainedRolesCondition(["Reader", "Backup Reader", "Reader"]);
    const b = constrainedRolesCondition(["Backup Reader", "Reader"]);
    assert.equal(a, b);
    assert.deepEqual(conditionRoleGuids(a).write, guids(["Reader", "Backup Reader"]));
  });

  it("allows exactly (given role × given principal type) for write (request attributes) and delete (resource attributes)", () => {
    const roles: RoleName[] = ["Reader", "Storage Blob Data Reader"];
    const condition = constrainedRolesCondition(roles);
    for (const role of ALL_ROLES) {
      for (const type of PRINCIPAL_TYPES) {
        const expected = roles.includes(role) && type !== "User";
        assert.equal(allowsWrite(condition, ROLE_CATALOGUE[role], type), expected, `write ${role} → ${type}`);
        assert.equal(allowsDelete(condition, ROLE_CATALOGUE[role], type), expected, `delete ${role} ← ${type}`);
      }
    }
    // The delete branch reads the existing assignment (@Resource), not the request: a request attribute does not help.
    assert.equal(
      evaluateCondition(condition, {
        action: "Microsoft.Authorization/roleAssignments/delete",
        request: { "Microsoft.Authorization/roleAssignments:RoleDefinitionId": ROLE_CATALOGUE.Reader, "Microsoft.Authorization/roleAssignments:PrincipalType": "Group" },
        resource: { "Microsoft.Authorization/roleAssignments:RoleDefinitionId": ROLE_CATALOGUE.Contributor, "Microsoft.Authorization/roleAssignments:PrincipalType": "Group" },
      }),
      false,
    );
  });

  it("constrains principal types to ServicePrincipal and Group unless told otherwise", () => {
    assert.deepEqual([...DEPLOY_ASSIGNABLE_PRINCIPAL_TYPES].sort(), ["Group", "ServicePrincipal"]);
    const withUsers = constrainedRolesCondition(["Reader"], ["User"]);
    assert.equal(allowsWrite(withUsers, ROLE_CATALOGUE.Reader, "User"), true);
    assert.equal(allowsWrite(withUsers, ROLE_CATALOGUE.Reader, "Group"), false);
  });

  it("refuses an empty role list, an empty principal-type list and an unknown principal type", () => {
    assert.throws(() => constrainedRolesCondition([]), /no roles given/);
    assert.throws(() => constrainedRolesCondition(["Reader"], []), /no principal types given/);
    assert.throws(() => constrainedRolesCondition(["Reader"], ["Device" as PrincipalType]), /unknown principal type "Device"/);
  });
});

describe("DEPLOY_ASSIGNABLE_ROLES and the deploy identity's condition", () => {
  const condition = constrainedRolesCondition(DEPLOY_ASSIGNABLE_ROLES);

  it("is the catalogue minus the privileged roles (RBAC Administrator, Contributor, Key Vault Administrator, Storage Blob Data Owner)", () => {
    assert.deepEqual(
      [...PRIVILEGED_ROLES].sort(),
      ["Contributor", "Key Vault Administrator", "Role Based Access Control Administrator", "Storage Blob Data Owner"],
    );
    assert.deepEqual([...DEPLOY_ASSIGNABLE_ROLES].sort(), ALL_ROLES.filter((r) => !PRIVILEGED_ROLES.includes(r)).sort());
  });

  it("never lets deploy assign or remove a privileged role, Owner or User Access Administrator, to any principal type", () => {
    for (const guid of [...PRIVILEGED_ROLE_IDS, OWNER_ROLE_ID, USER_ACCESS_ADMINISTRATOR_ROLE_ID]) {
      for (const type of PRINCIPAL_TYPES) {
        assert.equal(allowsWrite(condition, guid, type), false, `${guid} → ${type} is assignable`);
        assert.equal(allowsDelete(condition, guid, type), false, `${guid} ← ${type} is removable`);
      }
    }
  });

  it("lets deploy assign and remove every other catalogue role to service principals and groups, never to users", () => {
    for (const role of DEPLOY_ASSIGNABLE_ROLES) {
      for (const type of PRINCIPAL_TYPES) {
        const expected = type !== "User";
        assert.equal(allowsWrite(condition, ROLE_CATALOGUE[role], type), expected, `write ${role} → ${type}`);
        assert.equal(allowsDelete(condition, ROLE_CATALOGUE[role], type), expected, `delete ${role} ← ${type}`);
      }
    }
  });
});
