import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { constrainedRolesCondition, DEPLOY_ASSIGNABLE_ROLES } from "../../../components/identity/rbac-condition";
import { OWNER_ROLE_ID, ROLE_CATALOGUE, type RoleName, USER_ACCESS_ADMINISTRATOR_ROLE_ID } from "../../../contracts/roles";
import { conditionRoleGuids } from "../../support/role-condition";

const guids = (roles: readonly RoleName[]) => [...new Set(roles.map((r) => ROLE_CATALOGUE[r]))].sort();

describe("constrainedRolesCondition", () => {
  it("allows writing and deleting assignments of exactly the given roles, read back from the condition", () => {
    const roles: RoleName[] = ["Storage Blob Data Reader", "Key Vault Secrets User"];
    const allowed = conditionRoleGuids(constrainedRolesCondition(roles));
    assert.deepEqual(allowed.write, guids(roles));
    assert.deepEqual(allowed.delete, guids(roles));
  });

  it("lists each role once, in a stable order, whatever order or repetition it was given in", () => {
    const a = constrainedRolesCondition(["Reader", "Contributor", "Reader"]);
    const b = constrainedRolesCondition(["Contributor", "Reader"]);
    assert.equal(a, b);
    assert.deepEqual(conditionRoleGuids(a).write, guids(["Reader", "Contributor"]));
  });

  it("constrains both the write and the delete action, each on its own attribute", () => {
    const condition = constrainedRolesCondition(["Reader"]);
    assert.match(condition, /!\(ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/write'\}\)/);
    assert.match(condition, /!\(ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/delete'\}\)/);
    assert.match(condition, /@Request\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{acdd72a7-3385-48ef-bd42-f606fba81ae7\}/);
    assert.match(condition, /@Resource\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{acdd72a7-3385-48ef-bd42-f606fba81ae7\}/);
    assert.match(condition, /^\($[\s\S]*^AND$[\s\S]*\)$/m);
  });

  it("reads nothing from a condition of another shape", () => {
    assert.deepEqual(conditionRoleGuids(""), { write: [], delete: [] });
    assert.deepEqual(conditionRoleGuids("@Request[Microsoft.Storage/x] StringEquals 'y'"), { write: [], delete: [] });
  });
});

describe("DEPLOY_ASSIGNABLE_ROLES", () => {
  const allowed = conditionRoleGuids(constrainedRolesCondition(DEPLOY_ASSIGNABLE_ROLES));

  it("is the catalogue minus the RBAC administrator role itself", () => {
    const expected = (Object.keys(ROLE_CATALOGUE) as RoleName[]).filter((r) => r !== "Role Based Access Control Administrator");
    assert.deepEqual([...DEPLOY_ASSIGNABLE_ROLES].sort(), expected.sort());
    assert.deepEqual(allowed.write, guids(expected));
    assert.deepEqual(allowed.delete, allowed.write);
  });

  it("lets the deploy identity mint no administrators: not RBAC Administrator, Owner or User Access Administrator", () => {
    for (const guid of [ROLE_CATALOGUE["Role Based Access Control Administrator"], OWNER_ROLE_ID, USER_ACCESS_ADMINISTRATOR_ROLE_ID]) {
      assert.ok(!allowed.write.includes(guid), `${guid} is not assignable`);
      assert.ok(!allowed.delete.includes(guid), `${guid} is not removable`);
    }
  });
});
