import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { CI_ACCESS, CI_CUSTOM_ROLES } from "../../contracts/ci-access";
import { DEPLOY_RIGHTS_AS_OF, ARM_RESOURCES, INVOKES, OTHER_RESOURCES } from "../../contracts/deploy-rights/operations";
import { ROLE_DEFINITIONS } from "../../contracts/deploy-rights/role-definitions";
import { ADMIN_ACCESS } from "../../contracts/deploy-rights/identities";
import { OPERATIONS } from "../../contracts/deploy-rights/types";
import { roleAllows } from "../../tools/rights/actions";
import { parseCondition } from "../../tools/rights/condition";
import { constrainedRolesCondition, DEPLOY_ASSIGNABLE_ROLES } from "../../components/identity/rbac-condition";
import { ROLE_CATALOGUE } from "../../contracts/roles";

describe("contracts/deploy-rights: the dated table", () => {
  it("is dated and every entry names its source", () => {
    assert.equal(DEPLOY_RIGHTS_AS_OF, "2026-12-02");
    for (const [token, e] of [...Object.entries(ARM_RESOURCES), ...Object.entries(OTHER_RESOURCES), ...Object.entries(INVOKES)]) {
      assert.ok(e.source.length > 10, `${token} has a source`);
    }
  });

  it("every non-ARM type lists each of create, update, delete and read", () => {
    for (const [token, e] of Object.entries(OTHER_RESOURCES)) assert.deepEqual(Object.keys(e.operations).sort(), [...OPERATIONS].sort(), token);
  });

  it("covers the classic Synapse role assignment as a data-plane call on <workspace>.dev.azuresynapse.net", () => {
    const e = OTHER_RESOURCES["azure:synapse/roleAssignment:RoleAssignment"]!;
    for (const op of ["create", "read", "delete"] as const) {
      const [call] = e.operations[op];
      assert.equal(call!.plane, "data-plane");
      assert.match((call as { host: string }).host, /\.dev\.azuresynapse\.net$/);
    }
  });

  it("holds a definition for every role CI and the admin are granted", () => {
    const held = [...CI_ACCESS.plan.arm, ...CI_ACCESS.deploy.arm, ...ADMIN_ACCESS.arm].map((g) => g.role);
    for (const role of held) assert.ok(ROLE_DEFINITIONS[role], `${role} is defined`);
    assert.deepEqual(ROLE_DEFINITIONS["dataplatform lock writer"]!.actions, CI_CUSTOM_ROLES["dataplatform lock writer"].actions);
  });
});

describe("Azure semantics of the role definitions (Actions minus NotActions, wildcards, case-insensitive)", () => {
  const contributor = ROLE_DEFINITIONS["Contributor"]!;
  it("Contributor cannot write or delete management locks or role assignments, but writes everything else", () => {
    for (const a of ["Microsoft.Authorization/locks/write", "microsoft.authorization/LOCKS/delete", "Microsoft.Authorization/roleAssignments/write"]) {
      const v = roleAllows(contributor, a, false);
      assert.equal(v.granted, false, a);
      assert.ok(v.excludedBy, a);
    }
    assert.equal(roleAllows(contributor, "Microsoft.Authorization/locks/read", false).granted, true);
    assert.equal(roleAllows(contributor, "Microsoft.Storage/storageAccounts/write", false).granted, true);
  });
  it("Reader reads everything and writes nothing; control-plane roles grant no DataActions", () => {
    const reader = ROLE_DEFINITIONS["Reader"]!;
    assert.equal(roleAllows(reader, "Microsoft.Synapse/workspaces/read", false).granted, true);
    assert.equal(roleAllows(reader, "Microsoft.Synapse/workspaces/write", false).granted, false);
    assert.equal(roleAllows(contributor, "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", true).granted, false);
  });
});

describe("the deploy identity's condition, read by meaning", () => {
  it("parses the condition components/identity/rbac-condition.ts builds: exactly DEPLOY_ASSIGNABLE_ROLES", () => {
    const parsed = parseCondition(constrainedRolesCondition(DEPLOY_ASSIGNABLE_ROLES), "rbac-condition.ts");
    assert.deepEqual(parsed.allowedRoleIds.sort(), DEPLOY_ASSIGNABLE_ROLES.map((r) => ROLE_CATALOGUE[r]).sort());
  });
  it("reads a principal-type constraint when the condition has one, and refuses text it cannot read", () => {
    const text = "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {acdd72a7-3385-48ef-bd42-f606fba81ae7} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal', 'Group'}";
    assert.deepEqual(parseCondition(text, "x").principalTypes, ["ServicePrincipal", "Group"]);
    assert.throws(() => parseCondition("true", "grant y"), /grant y: condition does not constrain/);
  });
});
