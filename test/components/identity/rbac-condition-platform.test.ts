import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { constrainedRolesCondition, DEPLOY_ASSIGNABLE_ROLES } from "../../../components/identity/rbac-condition";
import type { Graph } from "../../../tools/graph";
import { allGraphs } from "../../support/graphs";
import { allowsWrite } from "../../support/role-condition";
import { roleAssignments, roleGuid } from "./principals";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

/**
 * The deploy identity's own grants, which the platform stack still declares today and which move to bootstrap (an
 * admin's run) under issue 9 D1: deploy cannot hand itself Contributor or RBAC Administrator. Nothing else may be refused.
 */
const MOVING_TO_BOOTSTRAP = /-identity-deploy-(contributor|rbac-admin)$/;

describe("the platform stack asks deploy only for role assignments its RBAC-administrator condition allows", () => {
  const condition = constrainedRolesCondition(DEPLOY_ASSIGNABLE_ROLES);

  it("every role assignment (role × principal type) in every stack passes the condition, except deploy's own grants", () => {
    for (const graph of graphs) {
      const refused = roleAssignments(graph)
        .filter((r) => !allowsWrite(condition, roleGuid(r), String(r.inputs["principalType"])))
        .map((r) => r.name);
      const unexpected = refused.filter((name) => !MOVING_TO_BOOTSTRAP.test(name));
      assert.deepEqual(unexpected, [], `${graph.stack}: the deploy identity could not create these`);
    }
  });
});
