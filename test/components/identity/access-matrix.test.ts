import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { FORBIDDEN_AT_SUBSCRIPTION, ROLE_CATALOGUE } from "../../../contracts/roles";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/graph/mock-state";
import type { Graph } from "../../../tools/graph";
import { allGraphs, ofType } from "../../support/graphs";
import { desiredStateOf, principalIdLabel, rbacJobOf } from "../synapse/desired-state";
import { configOf, environmentGroupId, presentScopes, principalLabel, roleAssignments, roleGuid, roleName, scopeLabel } from "./principals";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

type Row = [principal: string, role: string, scope: string];

/**
 * docs/identity-and-access.md as a table, written independently of the code: who holds which Azure RBAC role on what, per
 * environment. Rows whose scope resource is not in the graph yet (a component still being built) are skipped;
 * everything present must match exactly, with nothing extra.
 */
function expectedArmMatrix(env: string): Row[] {
  const dev = env === "dev";
  return [
    // The CI identities' grants (deploy: Contributor, conditioned RBAC administrator, lock writer; plan: Reader) are
    // bootstrap's (test/bootstrap), never the stack's.
    ["group:admins", "Reader", "rg"],
    ["group:engineers", "Reader", "rg"],
    ["group:engineers", dev ? "Storage Blob Data Contributor" : "Storage Blob Data Reader", "lake"],
    ...(dev ? ([["group:engineers", "Data Factory Contributor", "factory"]] as Row[]) : []),
    ["prefect-server", "Key Vault Secrets User", "vault"],
    ["orchestrator", "Key Vault Secrets User", "vault"],
    ["orchestrator", "Data Factory Contributor", "factory"],
    ["orchestrator", "Backup Contributor", "backup-vault"],
    // The orchestrator is the default data domain's worker: it reads and writes that domain's filesystems only.
    ["orchestrator", "Storage Blob Data Contributor", "fs:raw"],
    ["orchestrator", "Storage Blob Data Contributor", "fs:curated"],
    // Tunnel mode: the cloudflared connector's identity reads only its own token secret.
    ["cloudflared", "Key Vault Secrets User", "secret:cloudflared-tunnel-token"],
    ["synapse-mi", "Storage Blob Data Contributor", "fs:synapse"],
    ["adf-mi", "Key Vault Secrets User", "vault"],
    ["adf-mi", "Storage Blob Data Contributor", "fs:raw"],
    ["adf-mi", "Storage Blob Data Contributor", "fs:curated"],
    // No Storage Account Backup Contributor on the lake: vaulted ADLS backup is not deployed (components/backup/policies.ts).
    ["backup-mi", "PostgreSQL Flexible Server Long Term Retention Backup Role", "postgres"],
    // Azure Backup for PostgreSQL flexible server discovers the server through Reader on its resource group.
    ["backup-mi", "Reader", "rg"],
  ];
}

/** Synapse RBAC (data plane): the gateway and the orchestrator get only what their calls need. */
function expectedSynapseMatrix(): Row[] {
  return [
    ["group:admins", "Synapse Administrator", "workspace"],
    ["orchestrator", "Synapse Compute Operator", "workspace"],
    ["orchestrator", "Synapse Credential User", "workspace"],
    ["gateway", "Synapse User", "workspace"],
  ];
}

const key = (row: Row) => row.join(" | ");

/** System-assigned identities exist once their resource does (the scope label of that resource). */
const SYSTEM_IDENTITY_HOSTS: Record<string, string> = {
  "synapse-mi": "workspace",
  "adf-mi": "factory",
  "backup-mi": "backup-vault",
  cloudflared: "secret:cloudflared-tunnel-token",
};

describe("access matrix (docs/identity-and-access.md)", () => {
  it("every Azure role assignment matches the matrix: principal, role and scope resource, nothing extra", () => {
    for (const graph of graphs) {
      const present = presentScopes(graph);
      const expected = expectedArmMatrix(graph.stack)
        .filter(([principal, , scope]) => present.has(scope) && present.has(SYSTEM_IDENTITY_HOSTS[principal] ?? "rg"))
        .map(key)
        .sort();
      const actual = roleAssignments(graph).map((r) => key([principalLabel(graph, r), roleName(r), scopeLabel(graph, r)])).sort();
      assert.deepEqual(actual, expected, `${graph.stack}: role assignments differ from the matrix`);
      assert.ok(actual.length >= 9, `${graph.stack}: only ${actual.length} assignments`);
    }
  });

  it("every Synapse data-plane role assignment matches the matrix on the environment's workspace", () => {
    for (const graph of graphs) {
      if (!presentScopes(graph).has("workspace")) continue;
      // Enforced by the workspace's RBAC job (components/synapse/rbac-job.ts): its desired state is the matrix.
      const job = rbacJobOf(graph);
      assert.ok(job, `${graph.stack}: no Synapse RBAC job`);
      const actual = desiredStateOf(job).map((d) => key([principalIdLabel(graph, d.principalId), d.role, "workspace"])).sort();
      assert.deepEqual(actual, expectedSynapseMatrix().map(key).sort(), graph.stack);
    }
  });

  it("uses only catalogue roles, explicit principal types, and scopes inside the environment's resource group", () => {
    for (const graph of graphs) {
      const rgPrefix = environmentGroupId(graph)!;
      assert.ok(rgPrefix, `${graph.stack}: the stack reads its resource group`);
      for (const r of roleAssignments(graph)) {
        const scope = String(r.inputs["scope"]);
        assert.ok(Object.values(ROLE_CATALOGUE).includes(roleGuid(r) as never), `${r.name}: role ${roleGuid(r)} not in the catalogue`);
        assert.ok(["ServicePrincipal", "Group", "User"].includes(String(r.inputs["principalType"])), `${r.name}: principalType`);
        assert.ok(scope === rgPrefix || scope.startsWith(`${rgPrefix}/`), `${graph.stack}: ${r.name} scope ${scope} is outside ${rgPrefix}`);
        assert.ok(String(r.inputs["roleDefinitionId"]).startsWith(`/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/`));
        assert.ok(String(r.inputs["description"] ?? "").length > 10, `${r.name}: says why`);
      }
    }
  });

  it("grants no Owner, Contributor or User Access Administrator at subscription scope, and no Owner/UAA anywhere", () => {
    const owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    const uaa = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    for (const graph of graphs) {
      for (const r of roleAssignments(graph)) {
        const atSubscription = /^\/subscriptions\/[^/]+\/?$/.test(String(r.inputs["scope"]));
        assert.ok(!(atSubscription && FORBIDDEN_AT_SUBSCRIPTION.includes(roleGuid(r))), `${graph.stack}: ${r.name}`);
        assert.ok(![owner, uaa].includes(roleGuid(r)), `${graph.stack}: ${r.name} grants Owner/UAA`);
      }
    }
  });

  it("assigns no RBAC administrator role itself: the deploy identity's conditioned one is bootstrap's", () => {
    const rbacAdmin = ROLE_CATALOGUE["Role Based Access Control Administrator"];
    for (const graph of graphs) {
      assert.deepEqual(roleAssignments(graph).filter((r) => roleGuid(r) === rbacAdmin).map((r) => r.name), [], graph.stack);
    }
  });

  it("gives the gateway app and the analysts no Azure RBAC role at all", () => {
    for (const graph of graphs) {
      const labels = roleAssignments(graph).map((r) => principalLabel(graph, r));
      assert.ok(!labels.includes("gateway"), `${graph.stack}: gateway holds an ARM role`);
      assert.ok(!labels.includes("group:analysts"), `${graph.stack}: analysts hold an ARM role`);
      assert.ok(labels.every((l) => !l.startsWith("<")), `${graph.stack}: unresolved principal in ${labels.join(", ")}`);
    }
  });

  it("engineers write only in dev", () => {
    for (const graph of graphs) {
      const writes = roleAssignments(graph).filter(
        (r) => principalLabel(graph, r) === "group:engineers" && /Contributor|Owner|Officer|Administrator/.test(roleName(r)),
      );
      if (configOf(graph).environment === "dev") assert.ok(writes.length >= 1, "dev: engineers can write");
      else assert.deepEqual(writes.map((r) => r.name), [], `${graph.stack}: engineers have write roles`);
    }
  });
});
