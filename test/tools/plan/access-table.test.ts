import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import type { Graph } from "../../../tools/graph";
import { accessTable } from "../../../tools/plan/access-table";
import { allGraphs, ofType } from "../../support/graphs";
import { desiredStateOf, rbacJobOf } from "../../components/synapse/desired-state";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

describe("the plan's access table", () => {
  it("has one row per role grant, names principals and scopes instead of IDs (groups excepted)", () => {
    for (const graph of graphs) {
      const table = accessTable(graph);
      const rows = table.split("\n").slice(2);
      const grants =
        ofType(graph, "azure-native:authorization:RoleAssignment").length +
        desiredStateOf(rbacJobOf(graph)!).length +
        ofType(graph, "azure-native:synapse:Workspace").filter((w) => w.inputs["cspWorkspaceAdminProperties"]).length +
        ofType(graph, "azuread:index/appRoleAssignment:AppRoleAssignment").length;
      assert.equal(rows.length, grants, graph.stack);
      for (const row of rows) {
        const [, principal, , scope] = row.split(" | ");
        assert.ok(!scope!.includes("`"), `${graph.stack}: unresolved scope in ${row}`);
        if (!principal!.startsWith("group")) assert.ok(!principal!.includes("`"), `${graph.stack}: unresolved principal in ${row}`);
      }
      const env = graph.stack;
      // The CI identities' grants are bootstrap's (test/bootstrap); the stack's rg-scoped grants name the group it reads.
      assert.ok(rows.some((r) => r.includes(`| Reader | resources/ResourceGroup rg-dataplatform-${env}-weu (read) |`)));
      assert.ok(rows.some((r) => /^\| managed identity id-dataplatform-orchestrator-\w+-\w+ \| Synapse Compute Operator \(Synapse RBAC\) \| synapse\/Workspace synw-/.test(r)), "Synapse RBAC rows come from the job's desired state");
      assert.ok(rows.some((r) => /^\| managed identity id-dataplatform-synapse-rbac-\w+-\w+ \| Synapse Administrator \(Synapse RBAC\) \| synapse\/Workspace synw-[^|]+\| initial workspace admin/.test(r)));
      assert.ok(rows.some((r) => r.startsWith(`| app dataplatform-gateway-${env} | Synapse User (Synapse RBAC) | synapse/Workspace synw-`)));
      assert.ok(rows.some((r) => /\| managed identity id-dataplatform-prefect-server-\w+-\w+ \| Key Vault Secrets User \| keyvault\/Vault kv-/.test(r)));
    }
  });
});
