import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { readStackConfig, type Graph } from "../../../tools/graph";
import { allGraphs, byId, ofType } from "../../support/graphs";
import { identityOf, one, PG, prefectServer, type Props } from "./helpers";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

/** docs/environments.md, written out: dev Burstable without HA; test GeneralPurpose without HA; prod zone-redundant HA + geo backup. */
const EXPECTED: Record<string, { tier: string; ha: string; geo: string }> = {
  dev: { tier: "Burstable", ha: "Disabled", geo: "Disabled" },
  test: { tier: "GeneralPurpose", ha: "Disabled", geo: "Disabled" },
  prod: { tier: "GeneralPurpose", ha: "ZoneRedundant", geo: "Enabled" },
};

function childrenOf(graph: Graph, type: string, server: { inputs: Props }) {
  return ofType(graph, type).filter((c) => c.inputs["serverName"] === server.inputs["serverName"]);
}

describe("Prefect Postgres flexible server", () => {
  it("has the tier, HA and geo-redundant backup of its environment", () => {
    for (const graph of graphs) {
      const server = one(graph, PG);
      const expected = EXPECTED[graph.stack]!;
      assert.equal((server.inputs["sku"] as Props)["tier"], expected.tier, graph.stack);
      assert.equal((server.inputs["highAvailability"] as Props)["mode"], expected.ha, graph.stack);
      assert.equal((server.inputs["backup"] as Props)["geoRedundantBackup"], expected.geo, graph.stack);
      assert.ok((server.inputs["backup"] as Props)["backupRetentionDays"] >= 7);
    }
  });

  it("is private: public network access off and a private endpoint (postgresqlServer) registered in its private DNS zone", () => {
    for (const graph of graphs) {
      const server = one(graph, PG);
      assert.equal((server.inputs["network"] as Props)["publicNetworkAccess"], "Disabled");
      const endpoints = ofType(graph, "azure-native:network:PrivateEndpoint").filter((pe) =>
        (pe.inputs["privateLinkServiceConnections"] as Props[]).some((c) => c["privateLinkServiceId"] === server.id),
      );
      assert.equal(endpoints.length, 1, `${graph.stack}: one private endpoint to the server`);
      const [connection] = endpoints[0]!.inputs["privateLinkServiceConnections"] as Props[];
      assert.deepEqual(connection!["groupIds"], ["postgresqlServer"]);
      const zoneGroup = ofType(graph, "azure-native:network:PrivateDnsZoneGroup").find(
        (g) => g.inputs["privateEndpointName"] === endpoints[0]!.inputs["privateEndpointName"],
      );
      const zone = byId(graph, (zoneGroup!.inputs["privateDnsZoneConfigs"] as Props[])[0]!["privateDnsZoneId"]);
      assert.equal(zone?.inputs["privateZoneName"], "privatelink.postgres.database.azure.com");
    }
  });

  it("authenticates with Microsoft Entra only: password auth off, no admin password, the Prefect server's identity as admin", () => {
    for (const graph of graphs) {
      const server = one(graph, PG);
      const auth = server.inputs["authConfig"] as Props;
      const tenant = JSON.parse(readStackConfig(graph.stack)["dataplatform:entra"]!).tenantId;
      assert.deepEqual(auth, { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: tenant });
      assert.equal(server.inputs["administratorLoginPassword"], undefined);
      assert.equal(server.inputs["administratorLogin"], undefined);

      const admins = childrenOf(graph, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra", server);
      assert.equal(admins.length, 1);
      const prefectIdentity = identityOf(graph, prefectServer(graph));
      assert.equal(admins[0]!.inputs["objectId"], prefectIdentity.outputs["principalId"]);
      assert.equal(admins[0]!.inputs["principalName"], prefectIdentity.inputs["resourceName"], "the role name Prefect logs in as");
      assert.equal(admins[0]!.inputs["principalType"], "ServicePrincipal");
    }
  });

  it("allow-lists pg_trgm in azure.extensions and has the prefect database", () => {
    for (const graph of graphs) {
      const server = one(graph, PG);
      const extensions = childrenOf(graph, "azure-native:dbforpostgresql:Configuration", server).find(
        (c) => c.inputs["configurationName"] === "azure.extensions",
      );
      assert.ok(extensions, `${graph.stack}: azure.extensions is set`);
      assert.ok(String(extensions.inputs["value"]).split(",").map((s) => s.trim().toLowerCase()).includes("pg_trgm"));
      const databases = childrenOf(graph, "azure-native:dbforpostgresql:Database", server).map((d) => d.inputs["databaseName"]);
      assert.deepEqual(databases, ["prefect"]);
    }
  });

  it("is protected everywhere and locked (CanNotDelete) in prod only, with diagnostics to the workspace", () => {
    for (const graph of graphs) {
      const server = one(graph, PG);
      assert.equal(server.protect, true);
      for (const db of childrenOf(graph, "azure-native:dbforpostgresql:Database", server)) assert.equal(db.protect, true);
      const locks = ofType(graph, "azure-native:authorization:ManagementLockByScope").filter((l) => l.inputs["scope"] === server.id);
      assert.deepEqual(locks.map((l) => l.inputs["level"]), graph.stack === "prod" ? ["CanNotDelete"] : [], graph.stack);
      const diag = ofType(graph, "azure-native:monitor:DiagnosticSetting").filter((d) => d.inputs["resourceUri"] === server.id);
      assert.equal(diag.length, 1);
    }
  });

  it("lets the Prefect server connect as its identity without a password in the connection URL", () => {
    for (const graph of graphs) {
      const app = prefectServer(graph);
      const container = ((app.inputs["template"] as Props)["containers"] as Props[])[0]!;
      const url = ((container["env"] as Props[]).find((e) => e["name"] === "PREFECT_API_DATABASE_CONNECTION_URL"))!;
      const server = one(graph, PG);
      const user = identityOf(graph, app).inputs["resourceName"];
      assert.equal(url["value"], `postgresql+asyncpg://${user}@${server.outputs["fullyQualifiedDomainName"]}:5432/prefect`);
      const database = childrenOf(graph, "azure-native:dbforpostgresql:Database", server)[0]!;
      assert.ok(app.dependsOn.includes(database.urn), "the app waits for its database (and so for the admin and extensions)");
    }
  });
});
