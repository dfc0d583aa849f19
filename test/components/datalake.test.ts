import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { type Graph, readStackConfig, stackGraph } from "../../tools/graph";
import { allGraphs, byId, ofType } from "../support/graphs";
import { assertDiagnostics, assertDurability, assertPrivateEndpoints, diagnosticsOf, only } from "./data-services";
import { T } from "../../contracts/resource-types";

const lakeOf = (graph: Graph) => only(graph, T.storageAccount, (r) => r.name.endsWith("-datalake-account"));

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

describe("DataLake: the ADLS Gen2 account", () => {
  it("is an HNS StorageV2 account with Entra-only, private, TLS 1.2 access in every stack", () => {
    for (const graph of graphs) {
      const i = lakeOf(graph).inputs;
      assert.equal(i["kind"], "StorageV2");
      assert.equal(i["isHnsEnabled"], true, `${graph.stack}: hierarchical namespace`);
      assert.equal(i["minimumTlsVersion"], "TLS1_2");
      assert.equal(i["enableHttpsTrafficOnly"], true);
      assert.equal(i["allowSharedKeyAccess"], false, `${graph.stack}: no shared key`);
      assert.equal(i["defaultToOAuthAuthentication"], true);
      assert.equal(i["allowBlobPublicAccess"], false, `${graph.stack}: no anonymous blobs`);
      assert.equal(i["publicNetworkAccess"], "Disabled", `${graph.stack}: private only`);
      assert.equal(i["allowCrossTenantReplication"], false);
      assert.equal(i["isSftpEnabled"], false);
      assert.equal(i["isLocalUserEnabled"], false);
      const acl = i["networkRuleSet"] as { defaultAction: string; bypass: string; ipRules: unknown[]; virtualNetworkRules: unknown[] };
      assert.equal(acl.defaultAction, "Deny");
      assert.equal(acl.bypass, "AzureServices");
      assert.deepEqual(acl.ipRules, []);
      assert.deepEqual(acl.virtualNetworkRules, []);
    }
  });

  it("replicates per environment: dev LRS, test ZRS, prod GZRS", () => {
    const expected: Record<string, string> = { dev: "Standard_LRS", test: "Standard_ZRS", prod: "Standard_GZRS" };
    for (const graph of graphs) {
      assert.deepEqual(lakeOf(graph).inputs["sku"], { name: expected[graph.stack] }, graph.stack);
    }
  });

  it("takes its redundancy from config (dataplatform:storage.redundancy), not from the stack name", async () => {
    const config = readStackConfig("dev");
    config["dataplatform:storage"] = JSON.stringify({ redundancy: "ZRS" });
    const graph = await stackGraph("dev", { config });
    assert.deepEqual(lakeOf(graph).inputs["sku"], { name: "Standard_ZRS" });
  });

  it("keeps deleted files and filesystems recoverable (soft delete) and leaves versioning off, which HNS does not support", () => {
    const days: Record<string, number> = { dev: 7, test: 14, prod: 30 };
    for (const graph of graphs) {
      const lake = lakeOf(graph);
      const service = only(graph, "azure-native:storage:BlobServiceProperties");
      assert.equal(service.inputs["accountName"], lake.inputs["accountName"]);
      assert.equal(service.inputs["blobServicesName"], "default");
      assert.deepEqual(service.inputs["deleteRetentionPolicy"], { enabled: true, days: days[graph.stack], allowPermanentDelete: false });
      assert.deepEqual(service.inputs["containerDeleteRetentionPolicy"], { enabled: true, days: days[graph.stack] });
      assert.equal(service.inputs["isVersioningEnabled"], false);
      assert.equal(service.inputs["changeFeed"], undefined);
      assert.equal(service.inputs["restorePolicy"], undefined);
    }
  });

  it("creates the raw, curated and synapse filesystems, private, in the lake account", () => {
    for (const graph of graphs) {
      const lake = lakeOf(graph);
      const filesystems = ofType(graph, "azure-native:storage:BlobContainer").filter((c) => c.inputs["accountName"] === lake.inputs["accountName"]);
      assert.deepEqual(filesystems.map((c) => c.inputs["containerName"]).sort(), ["curated", "raw", "synapse"]);
      for (const fs of filesystems) assert.equal(fs.inputs["publicAccess"], "None");
    }
  });

  it("is reachable through private endpoints dfs and blob, each in its private DNS zone", () => {
    for (const graph of graphs) assertPrivateEndpoints(graph, lakeOf(graph), ["dfs", "blob"]);
  });

  it("sends account metrics, and blob-service logs + metrics, to the env's Log Analytics", () => {
    for (const graph of graphs) {
      const lake = lakeOf(graph);
      assertDiagnostics(graph, lake, { logs: "none", metrics: true });
      const service = only(graph, "azure-native:storage:BlobServiceProperties");
      assert.equal(service.id, `${lake.id}/blobServices/default`, "the logs sit on the blobServices/default sub-resource");
      assertDiagnostics(graph, service, { logs: "allLogs", metrics: true });
      assert.equal(diagnosticsOf(graph, lake.id).length + diagnosticsOf(graph, service.id).length, 2);
    }
  });

  it("protects the account and its filesystems, and locks the account in prod", () => {
    for (const graph of graphs) {
      const lake = lakeOf(graph);
      assertDurability(graph, lake);
      for (const fs of ofType(graph, "azure-native:storage:BlobContainer").filter((c) => c.inputs["accountName"] === lake.inputs["accountName"])) {
        assert.equal(fs.protect, true, `${graph.stack}: filesystem ${String(fs.inputs["containerName"])} is protected`);
        assert.ok(byId(graph, fs.id), "filesystem is addressable by ID");
      }
    }
  });
});
