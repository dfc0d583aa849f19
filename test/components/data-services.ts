import assert from "node:assert/strict";
import { PRIVATE_DNS_ZONES, type PrivateLinkGroup } from "../../components/network/private-dns";
import type { Graph, GraphResource } from "../../tools/graph";
import { byId, ofType, one as only } from "../support/graphs";

export { only };

export function logAnalyticsId(graph: Graph): string {
  return only(graph, "azure-native:operationalinsights:Workspace").id!;
}

/** Diagnostic settings whose `resourceUri` is `targetId`. */
export function diagnosticsOf(graph: Graph, targetId: string | undefined): GraphResource[] {
  return ofType(graph, "azure-native:monitor:DiagnosticSetting").filter((d) => d.inputs["resourceUri"] === targetId);
}

/** Asserts one diagnostic setting on `targetId` sending to the env's Log Analytics, with the expected categories. */
export function assertDiagnostics(graph: Graph, target: GraphResource, expected: { logs: "allLogs" | "audit" | "none"; metrics: boolean }): void {
  const settings = diagnosticsOf(graph, target.id);
  assert.equal(settings.length, 1, `${graph.stack}: ${target.name} should have exactly one diagnostic setting`);
  const setting = settings[0]!;
  assert.equal(setting.inputs["workspaceId"], logAnalyticsId(graph), `${graph.stack}: ${target.name} diagnostics go to the env's workspace`);
  const logs = (setting.inputs["logs"] as { categoryGroup?: string; enabled: boolean }[] | undefined) ?? [];
  const metrics = (setting.inputs["metrics"] as { category?: string; enabled: boolean }[] | undefined) ?? [];
  if (expected.logs === "none") assert.deepEqual(logs, [], `${graph.stack}: ${target.name} supports no log categories`);
  else assert.deepEqual(logs.map((l) => [l.categoryGroup, l.enabled]), [[expected.logs, true]], `${graph.stack}: ${target.name} logs`);
  if (expected.metrics) assert.deepEqual(metrics.map((m) => [m.category, m.enabled]), [["AllMetrics", true]]);
  else assert.deepEqual(metrics, []);
}

/**
 * Asserts a private endpoint to `target` for each group, in the env's endpoint subnet, registered in the private DNS
 * zone the group needs; returns the endpoints.
 */
export function assertPrivateEndpoints(graph: Graph, target: GraphResource, groups: PrivateLinkGroup[]): GraphResource[] {
  const endpoints = ofType(graph, "azure-native:network:PrivateEndpoint").filter((pe) =>
    (pe.inputs["privateLinkServiceConnections"] as { privateLinkServiceId: string }[]).some((c) => c.privateLinkServiceId === target.id),
  );
  const actualGroups = endpoints.flatMap((pe) =>
    (pe.inputs["privateLinkServiceConnections"] as { groupIds: string[] }[]).flatMap((c) => c.groupIds),
  );
  assert.deepEqual([...actualGroups].sort(), [...groups].sort(), `${graph.stack}: private endpoint groups of ${target.name}`);
  const peSubnet = only(graph, "azure-native:network:Subnet", (s) => /-snet-pe$/.test(s.name));
  for (const pe of endpoints) {
    assert.equal((pe.inputs["subnet"] as { id: string }).id, peSubnet.id, `${graph.stack}: ${pe.name} sits in the endpoint subnet`);
    const group = (pe.inputs["privateLinkServiceConnections"] as { groupIds: PrivateLinkGroup[] }[])[0]!.groupIds[0]!;
    const zoneGroup = only(graph, "azure-native:network:PrivateDnsZoneGroup", (z) => z.inputs["privateEndpointName"] === pe.inputs["privateEndpointName"]);
    const zoneIds = (zoneGroup.inputs["privateDnsZoneConfigs"] as { privateDnsZoneId: string }[]).map((c) => c.privateDnsZoneId);
    assert.equal(zoneIds.length, 1);
    const zone = byId(graph, zoneIds[0]);
    assert.ok(zone, `${graph.stack}: ${pe.name}'s DNS zone is a zone of this stack`);
    assert.equal(zone.inputs["privateZoneName"], PRIVATE_DNS_ZONES[group], `${graph.stack}: ${pe.name} (${group}) registers in the right zone`);
  }
  return endpoints;
}

/** The management locks whose scope is `target`. */
export function locksOn(graph: Graph, target: GraphResource): GraphResource[] {
  return ofType(graph, "azure-native:authorization:ManagementLockByScope").filter((l) => l.inputs["scope"] === target.id);
}

/** Prod: protect + CanNotDelete lock; dev/test: protect (stateful) and no lock, per the environment defaults. */
export function assertDurability(graph: Graph, target: GraphResource, opts: { lock: boolean } = { lock: true }): void {
  assert.equal(target.protect, true, `${graph.stack}: ${target.name} is stateful and must be protected`);
  const locks = locksOn(graph, target);
  if (graph.stack === "prod" && opts.lock) {
    assert.deepEqual(locks.map((l) => l.inputs["level"]), ["CanNotDelete"], `prod: ${target.name} carries a CanNotDelete lock`);
  } else if (graph.stack !== "prod") {
    assert.deepEqual(locks, [], `${graph.stack}: ${target.name} is not locked outside prod`);
  }
}

export { roleGuid } from "../support/graphs";
