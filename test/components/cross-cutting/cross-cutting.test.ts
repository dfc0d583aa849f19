import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { parseResourceId } from "../../../lib/resource-id";
import { evaluateStack, type Graph, type GraphResource, stackGraph } from "../../../tools/graph";
import { byId, ofType } from "../../support/graphs";
import { PROBES } from "./probes";

const RA = "azure-native:authorization:RoleAssignment";
const LOCK = "azure-native:authorization:ManagementLockByScope";
const DIAG = "azure-native:monitor:DiagnosticSetting";

/**
 * Per component of fixture.ts (each given one role assignment, a CanNotDelete lock and diagnostics): its token, its
 * main resource's ARM type, and the resources that carry its lock (its stateful ones) — the component's fixed choice.
 */
const COMPONENTS: Record<string, { token: string; main: string; locked: string[] }> = {
  monitoring: { token: "dataplatform:monitoring:Monitoring", main: "Microsoft.OperationalInsights/workspaces", locked: ["Microsoft.OperationalInsights/workspaces"] },
  network: { token: "dataplatform:network:Network", main: "Microsoft.Network/virtualNetworks", locked: [] },
  keyvault: { token: "dataplatform:keyvault:KeyVault", main: "Microsoft.KeyVault/vaults", locked: ["Microsoft.KeyVault/vaults"] },
  datalake: { token: "dataplatform:datalake:DataLake", main: "Microsoft.Storage/storageAccounts", locked: ["Microsoft.Storage/storageAccounts"] },
  orchestrator: { token: "dataplatform:orchestrator:Orchestrator", main: "Microsoft.App/managedEnvironments", locked: ["Microsoft.DBforPostgreSQL/flexibleServers"] },
  backup: { token: "dataplatform:backup:Backup", main: "Microsoft.DataProtection/backupVaults", locked: ["Microsoft.DataProtection/backupVaults"] },
  datafactory: { token: "dataplatform:datafactory:DataFactory", main: "Microsoft.DataFactory/factories", locked: ["Microsoft.DataFactory/factories"] },
  synapse: { token: "dataplatform:synapse:Synapse", main: "Microsoft.Synapse/workspaces", locked: ["Microsoft.Synapse/workspaces", "Microsoft.Synapse/workspaces/sqlPools"] },
};

let graph: Graph;
beforeAll(async () => {
  graph = await stackGraph("xc", { config: { "fixture:order": "forward" }, project: { dir: ".", main: "test/components/cross-cutting/fixture.ts" } });
});

const componentOf = (token: string): GraphResource => {
  const found = graph.resources.filter((r) => r.type === token);
  assert.equal(found.length, 1, token);
  return found[0]!;
};
const typeOf = (id: unknown) => parseResourceId(String(id)).type;

describe("cross-cutting args apply to the component's main resource only (issue 9 g, D6)", () => {
  for (const [component, expected] of Object.entries(COMPONENTS)) {
    it(`${component}: one roleAssignment → exactly one RoleAssignment, on the main resource (${expected.main})`, () => {
      const assignments = ofType(graph, RA).filter((r) => r.inputs["principalId"] === PROBES[component]);
      assert.equal(assignments.length, 1, `${component}: ${assignments.map((r) => r.name).join(", ")}`);
      const assignment = assignments[0]!;
      assert.equal(typeOf(assignment.inputs["scope"]), expected.main);
      assert.equal(byId(graph, assignment.inputs["scope"])?.parent, componentOf(expected.token).urn, "the component's own resource");
      assert.equal(assignment.parent, componentOf(expected.token).urn);
    });

    it(`${component}: one lock → one lock per stateful resource (${expected.locked.join(", ") || "none: Network takes no lock"})`, () => {
      const urn = componentOf(expected.token).urn;
      const locks = ofType(graph, LOCK).filter((l) => l.parent === urn);
      assert.deepEqual(locks.map((l) => typeOf(l.inputs["scope"])).sort(), [...expected.locked].sort());
    });

    it(`${component}: diagnostics on the main resource, and at most one setting per resource, all of them the component's own`, () => {
      const urn = componentOf(expected.token).urn;
      const settings = ofType(graph, DIAG).filter((d) => d.parent === urn);
      const targets = settings.map((d) => String(d.inputs["resourceUri"]));
      assert.equal(new Set(targets).size, targets.length, `${component}: a resource with two settings`);
      assert.ok(targets.some((t) => typeOf(t) === expected.main), `${component}: the main resource sends diagnostics`);
      for (const target of targets) {
        const owner = byId(graph, target) ?? byId(graph, target.replace(/\/blobServices\/default$/, ""));
        assert.equal(owner?.parent, urn, `${component}: ${target} is not one of its resources`);
      }
    });
  }

  it("a component that passes roleAssignments to a second target is refused before that target gets any", async () => {
    const result = await evaluateStack("xc-double", { config: {}, project: { dir: ".", main: "test/components/cross-cutting/double-attach-fixture.ts" } });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.failure.error, /comp: roleAssignments were already attached to main; they apply to the component's main resource only, not also to sub/);
    assert.deepEqual(result.failure.resources.filter((r) => r.type === RA && r.name.startsWith("comp-sub-")).map((r) => r.name), []);
  });
});
