import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import type { Graph, GraphResource } from "../../../tools/graph";
import { allGraphs, byId, byUrn, ofType, roleGuid } from "../../support/graphs";
import { APP, identityOf, one, PG, type Props } from "./helpers";

/**
 * Fresh-deploy ordering (issue 9 i), read from the dependency edges the program registers: what each resource waits
 * for before the engine creates it. Pulumi creates a resource only after every resource in its `dependsOn` (explicit
 * and through Outputs) exists, so these edges are the whole ordering guarantee.
 */
let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

const SLEEP = "time:index/sleep:Sleep";

/** Everything `r` waits for, transitively. */
function waitsFor(graph: Graph, r: GraphResource, seen = new Set<string>()): Set<string> {
  for (const urn of r.dependsOn) {
    if (seen.has(urn)) continue;
    seen.add(urn);
    const dep = byUrn(graph, urn);
    if (dep) waitsFor(graph, dep, seen);
  }
  return seen;
}

function vault(graph: Graph): GraphResource {
  return one(graph, "azure-native:keyvault:Vault");
}

/** The private endpoint whose connection targets `targetId`, and its DNS zone group. */
function endpointOf(graph: Graph, targetId: unknown): { endpoint: GraphResource; zoneGroup: GraphResource } {
  const endpoint = one(graph, "azure-native:network:PrivateEndpoint", (pe) =>
    (pe.inputs["privateLinkServiceConnections"] as Props[]).some((c) => c["privateLinkServiceId"] === targetId),
  );
  const zoneGroup = one(graph, "azure-native:network:PrivateDnsZoneGroup", (g) => g.inputs["privateEndpointName"] === endpoint.inputs["privateEndpointName"]);
  return { endpoint, zoneGroup };
}

/** Key Vault Secrets User grants to `principalId` on the vault or one of its secrets. */
function secretReaderGrants(graph: Graph, principalId: unknown): GraphResource[] {
  const vaultId = String(vault(graph).id);
  return ofType(graph, "azure-native:authorization:RoleAssignment").filter(
    (r) => r.inputs["principalId"] === principalId && roleGuid(r) === ROLE_CATALOGUE["Key Vault Secrets User"] && String(r.inputs["scope"]).startsWith(vaultId),
  );
}

describe("Container Apps wait before reading their Key Vault references", () => {
  it("after their identity's Key Vault grant plus a 10-minute RBAC propagation sleep that follows that grant", () => {
    for (const graph of graphs) {
      for (const app of ofType(graph, APP)) {
        const grants = secretReaderGrants(graph, identityOf(graph, app).outputs["principalId"]);
        assert.ok(grants.length > 0, `${graph.stack}: ${app.name}'s identity can read the vault`);
        const sleeps = app.dependsOn.map((u) => byUrn(graph, u)).filter((r): r is GraphResource => r?.type === SLEEP);
        const covering = sleeps.filter((s) => grants.every((g) => s.dependsOn.includes(g.urn)));
        assert.equal(covering.length, 1, `${graph.stack}: ${app.name} waits for a Sleep after all of its identity's grants`);
        assert.equal(covering[0]!.inputs["createDuration"], "10m", "the documented propagation bound");
        const triggers = covering[0]!.inputs["triggers"] as Record<string, string>;
        const triggered = Object.values(triggers).flatMap((v) => v.split(","));
        for (const g of grants) assert.ok(triggered.includes(String(g.id)), "a replaced grant waits again");
      }
    }
  });

  it("after the vault's private endpoint and its DNS zone group, which waits for the zone's VNet link", () => {
    for (const graph of graphs) {
      const { endpoint, zoneGroup } = endpointOf(graph, vault(graph).id);
      const link = one(graph, "azure-native:privatedns:VirtualNetworkLink", (l) => l.inputs["privateZoneName"] === "privatelink.vaultcore.azure.net");
      assert.ok(waitsFor(graph, zoneGroup).has(link.urn), `${graph.stack}: the vault's zone group waits for the zone's VNet link`);
      for (const app of ofType(graph, APP)) {
        assert.ok(app.dependsOn.includes(zoneGroup.urn), `${graph.stack}: ${app.name} waits for the vault's DNS zone group`);
        assert.ok(app.dependsOn.includes(endpoint.urn), `${graph.stack}: ${app.name} waits for the vault's private endpoint`);
      }
    }
  });
});

describe("writes to the Prefect Postgres server run one at a time", () => {
  function chain(graph: Graph): GraphResource[] {
    const server = one(graph, PG);
    const onServer = (type: string, filter: (r: GraphResource) => boolean = () => true) =>
      one(graph, type, (r) => (r.inputs["serverName"] === server.inputs["serverName"] || r.inputs["resourceUri"] === server.id || r.inputs["scope"] === server.id) && filter(r));
    const steps = [
      endpointOf(graph, server.id).zoneGroup,
      onServer("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra"),
      onServer("azure-native:dbforpostgresql:Configuration"),
      onServer("azure-native:dbforpostgresql:Database"),
      onServer("azure-native:monitor:DiagnosticSetting"),
    ];
    if (graph.stack === "prod") steps.push(onServer("azure-native:authorization:ManagementLockByScope"));
    return steps;
  }

  it("private endpoint → Entra admin → azure.extensions → database → diagnostics → lock (prod), each waiting for the one before", () => {
    for (const graph of graphs) {
      const steps = chain(graph);
      for (let i = 1; i < steps.length; i++) {
        assert.ok(steps[i]!.dependsOn.includes(steps[i - 1]!.urn), `${graph.stack}: ${steps[i]!.name} waits for ${steps[i - 1]!.name}`);
      }
      const endpoint = endpointOf(graph, one(graph, PG).id).endpoint;
      assert.ok(steps[1]!.dependsOn.includes(endpoint.urn), `${graph.stack}: the admin waits for the private endpoint itself`);
    }
  });

  it("the backup instance, one more write to the server, comes after the last step of the chain", () => {
    for (const graph of graphs) {
      const last = chain(graph).at(-1)!;
      const instance = one(graph, "azure-native:dataprotection:BackupInstance", (i) => (i.inputs["properties"] as Props)["dataSourceInfo"]["resourceID"] === one(graph, PG).id);
      assert.ok(instance.dependsOn.includes(last.urn), `${graph.stack}: the backup instance waits for ${last.name}`);
      const roles = instance.dependsOn.map((u) => byUrn(graph, u)).filter((r): r is GraphResource => r?.type === "azure-native:authorization:RoleAssignment");
      const sleep = instance.dependsOn.map((u) => byUrn(graph, u)).find((r) => r?.type === SLEEP);
      assert.ok(sleep && roles.length === 2 && roles.every((r) => sleep.dependsOn.includes(r.urn)), `${graph.stack}: and for RBAC propagation after its roles`);
      assert.equal(sleep.inputs["createDuration"], "10m");
      assert.ok(byId(graph, (instance.inputs["properties"] as Props)["dataSourceInfo"]["resourceID"]));
    }
  });
});
