import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { logAnalyticsDestinationType, RESOURCE_SPECIFIC_LOG_TYPES } from "../../../components/cross-cutting";
import { parseResourceId } from "../../../lib/resource-id";
import type { Graph } from "../../../tools/graph";
import { allGraphs, ofType } from "../../support/graphs";

const DIAG = "azure-native:monitor:DiagnosticSetting";
/** Types the platform sends diagnostics from whose logs have no resource-specific table (see RESOURCE_SPECIFIC_LOG_TYPES). */
const WITHOUT_RESOURCE_SPECIFIC = [
  "microsoft.network/networksecuritygroups",
  "microsoft.network/virtualnetworks",
  "microsoft.dbforpostgresql/flexibleservers",
  "microsoft.storage/storageaccounts",
  "microsoft.app/containerapps",
];

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

describe("diagnostic settings: logAnalyticsDestinationType only where resource-specific tables exist (no perpetual diff)", () => {
  it("Dedicated only for types with resource-specific tables that send logs", () => {
    assert.equal(logAnalyticsDestinationType("Microsoft.KeyVault/vaults", { logs: "audit", metrics: true }), "Dedicated");
    assert.equal(logAnalyticsDestinationType("Microsoft.Storage/storageAccounts/blobServices", { logs: "allLogs", metrics: true }), "Dedicated");
    assert.equal(logAnalyticsDestinationType("Microsoft.Network/networkSecurityGroups", { logs: "allLogs", metrics: false }), undefined);
    assert.equal(logAnalyticsDestinationType("Microsoft.DBforPostgreSQL/flexibleServers", { logs: "allLogs", metrics: true }), undefined);
    assert.equal(logAnalyticsDestinationType("Microsoft.App/managedEnvironments", { logs: "none", metrics: true }), undefined, "no logs, nothing to route");
    for (const type of WITHOUT_RESOURCE_SPECIFIC) assert.ok(!RESOURCE_SPECIFIC_LOG_TYPES.includes(type), type);
  });

  it("in every stack, no setting on a type without resource-specific tables carries a destination type, and the others carry Dedicated", () => {
    for (const graph of graphs) {
      const seen = new Set<string>();
      for (const setting of ofType(graph, DIAG)) {
        const type = parseResourceId(String(setting.inputs["resourceUri"])).type.toLowerCase();
        seen.add(type);
        const logs = (setting.inputs["logs"] as unknown[] | undefined) ?? [];
        const expected = RESOURCE_SPECIFIC_LOG_TYPES.includes(type) && logs.length > 0 ? "Dedicated" : undefined;
        assert.equal(setting.inputs["logAnalyticsDestinationType"], expected, `${graph.stack}: ${setting.name} on ${type}`);
        if (expected === undefined) assert.ok(!("logAnalyticsDestinationType" in setting.inputs), `${graph.stack}: ${setting.name} omits the property`);
      }
      // The graph really exercises both sides.
      for (const type of ["microsoft.network/networksecuritygroups", "microsoft.dbforpostgresql/flexibleservers", "microsoft.keyvault/vaults"]) {
        assert.ok(seen.has(type), `${graph.stack}: a diagnostic setting on ${type}`);
      }
    }
  });
});
