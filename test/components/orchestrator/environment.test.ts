import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import type { Graph } from "../../../tools/graph";
import { allGraphs, byId, byUrn, ofType } from "../../support/graphs";
import { ENV, one, type Props } from "./helpers";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

/** docs/environments.md: only prod's Container Apps environment is zone redundant. */
const ZONE_REDUNDANT: Record<string, boolean> = { dev: false, test: false, prod: true };

describe("Container Apps environment", () => {
  it("is internal and integrated in the platform VNet's Container Apps subnet (delegated to Microsoft.App/environments)", () => {
    for (const graph of graphs) {
      const vnet = (one(graph, ENV).inputs["vnetConfiguration"] as Props);
      assert.equal(vnet["internal"], true, `${graph.stack}: internal load balancer only`);
      const subnet = byId(graph, vnet["infrastructureSubnetId"]);
      assert.equal(subnet?.type, "azure-native:network:Subnet", `${graph.stack}: a subnet of this stack`);
      assert.deepEqual((subnet!.inputs["delegations"] as Props[]).map((d) => d["serviceName"]), ["Microsoft.App/environments"]);
      assert.equal(one(graph, ENV).inputs["publicNetworkAccess"], "Disabled");
    }
  });

  it("is a workload-profiles environment with the Consumption profile, zone redundant per environment", () => {
    for (const graph of graphs) {
      const environment = one(graph, ENV);
      assert.deepEqual(environment.inputs["workloadProfiles"], [{ name: "Consumption", workloadProfileType: "Consumption" }]);
      assert.equal(environment.inputs["zoneRedundant"], ZONE_REDUNDANT[graph.stack], graph.stack);
    }
  });

  it("sends logs through Azure Monitor diagnostics to the workspace, never with the workspace's shared key", () => {
    for (const graph of graphs) {
      const environment = one(graph, ENV);
      const logs = environment.inputs["appLogsConfiguration"] as Props;
      assert.equal(logs["destination"], "azure-monitor", `${graph.stack}: the workspace has local auth off`);
      assert.equal(logs["logAnalyticsConfiguration"], undefined);
      assert.doesNotMatch(JSON.stringify(environment.inputs), /sharedKey/i);
      const diag = ofType(graph, "azure-native:monitor:DiagnosticSetting").filter((d) => d.inputs["resourceUri"] === environment.id);
      assert.equal(diag.length, 1, `${graph.stack}: a diagnostic setting on the environment`);
      assert.equal(byId(graph, diag[0]!.inputs["workspaceId"])?.type, "azure-native:operationalinsights:Workspace");
      assert.deepEqual(diag[0]!.inputs["logs"], [{ categoryGroup: "allLogs", enabled: true }]);
    }
  });

  it("makes its default domain resolvable in the VNet: private zone, wildcard A record to its static IP, VNet link", () => {
    for (const graph of graphs) {
      const environment = one(graph, ENV);
      const zones = ofType(graph, "azure-native:privatedns:PrivateZone").filter((z) =>
        (z.propertyDependencies["privateZoneName"] ?? []).includes(environment.urn),
      );
      assert.equal(zones.length, 1, `${graph.stack}: one zone named after the environment's default domain`);
      const zone = zones[0]!;
      const records = ofType(graph, "azure-native:privatedns:PrivateRecordSet").filter((r) =>
        (r.propertyDependencies["privateZoneName"] ?? []).includes(zone.urn),
      );
      assert.equal(records.length, 1);
      const record = records[0]!;
      assert.equal(record.inputs["recordType"], "A");
      assert.equal(record.inputs["relativeRecordSetName"], "*");
      assert.ok((record.propertyDependencies["aRecords"] ?? []).includes(environment.urn), "A record points at the environment's IP");
      const links = ofType(graph, "azure-native:privatedns:VirtualNetworkLink").filter((l) =>
        (l.propertyDependencies["privateZoneName"] ?? []).includes(zone.urn),
      );
      assert.equal(links.length, 1);
      const vnet = byId(graph, (links[0]!.inputs["virtualNetwork"] as Props)["id"]);
      assert.equal(vnet?.type, "azure-native:network:VirtualNetwork");
      assert.equal(links[0]!.inputs["registrationEnabled"], false);
      assert.ok(byUrn(graph, zone.parent)?.type.startsWith("dataplatform:orchestrator"));
    }
  });
});
