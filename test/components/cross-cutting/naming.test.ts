import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { roleAssignmentChildNames, roleAssignmentGuid, type RoleAssignmentSpec, roleSlug, uuidV5 } from "../../../components/identity/roles";
import { evaluateStack, type Graph, type GraphResource, stackGraph } from "../../../tools/graph";
import { allGraphs, ofType } from "../../support/graphs";

const RA = "azure-native:authorization:RoleAssignment";
const FIXTURE = { dir: ".", main: "test/components/cross-cutting/fixture.ts" };

function fixture(order: "forward" | "reverse"): Promise<Graph> {
  return stackGraph("xc", { config: { "fixture:order": order }, project: FIXTURE });
}

const spec = (key: string, role: RoleAssignmentSpec["role"], principalId = "p"): RoleAssignmentSpec => ({
  key,
  role,
  principalId,
  principalType: "Group",
  description: "d",
});

describe("role-assignment child names (content, not list position)", () => {
  it("are <prefix>-<key>-<role slug>", () => {
    assert.equal(roleSlug("Storage Blob Data Contributor"), "storage-blob-data-contributor");
    assert.equal(roleSlug("PostgreSQL Flexible Server Long Term Retention Backup Role"), "postgresql-flexible-server-long-term-retention-backup-role");
    assert.deepEqual(roleAssignmentChildNames("dp-lake", [spec("engineers", "Reader"), spec("orchestrator", "Reader")]), [
      "dp-lake-engineers-reader",
      "dp-lake-orchestrator-reader",
    ]);
  });

  it("refuses two specs with the same key and role, naming both positions", () => {
    assert.throws(
      () => roleAssignmentChildNames("dp-lake", [spec("engineers", "Reader"), spec("ops", "Reader"), spec("engineers", "Reader", "q")]),
      /dp-lake: roleAssignments\[0\] and \[2\] both assign Reader to key "engineers"/,
    );
  });

  it("refuses a missing or non-label key", () => {
    for (const key of ["", "Engineers", "a b", "-x", undefined as unknown as string]) {
      assert.throws(() => roleAssignmentChildNames("dp-lake", [spec(key, "Reader")]), /key .* must be a stable label/, String(key));
    }
  });
});

describe("role-assignment ARM names (AVM's guid(scope, principal, role))", () => {
  it("uuidV5 is RFC 4122 §4.3 (Terraform's documented vector: uuidv5(dns, www.terraform.io))", () => {
    assert.equal(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io"), "a5008fae-b28c-5ba5-96cd-82b4c53552d6");
  });

  it("depends on scope, principal and role definition, and on nothing else", () => {
    const base = roleAssignmentGuid("/s/1", "p", "/r/1");
    assert.equal(roleAssignmentGuid("/s/1", "p", "/r/1"), base);
    assert.match(base, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const other of [roleAssignmentGuid("/s/2", "p", "/r/1"), roleAssignmentGuid("/s/1", "q", "/r/1"), roleAssignmentGuid("/s/1", "p", "/r/2")]) {
      assert.notEqual(other, base);
    }
  });
});

describe("reordering a roleAssignments list (fixture: DataLake with three specs, forward and reversed)", () => {
  let forward: Graph;
  let reverse: Graph;
  beforeAll(async () => {
    [forward, reverse] = await Promise.all([fixture("forward"), fixture("reverse")]);
  });
  const lakeAssignments = (graph: Graph) => ofType(graph, RA).filter((r) => r.name.startsWith("lake-lake-"));
  const comparable = (r: GraphResource) => ({ urn: r.urn, inputs: r.inputs });

  it("gives identical URNs and identical inputs", () => {
    const a = lakeAssignments(forward).map(comparable).sort((x, y) => x.urn.localeCompare(y.urn));
    const b = lakeAssignments(reverse).map(comparable).sort((x, y) => x.urn.localeCompare(y.urn));
    assert.equal(a.length, 4, "probe + three specs");
    assert.deepEqual(b, a);
  });

  it("names children by key and role, the ARM name by (scope, principal, role definition)", () => {
    const names = lakeAssignments(forward).map((r) => r.name).sort();
    assert.deepEqual(names, ["lake-lake-engineers-storage-blob-data-reader", "lake-lake-orchestrator-reader", "lake-lake-orchestrator-storage-blob-data-contributor", "lake-lake-probe-reader"]);
    for (const r of lakeAssignments(forward)) {
      const { scope, principalId, roleDefinitionId, roleAssignmentName } = r.inputs as Record<string, string>;
      assert.equal(roleAssignmentName, roleAssignmentGuid(scope!, principalId!, roleDefinitionId!), r.name);
      assert.equal(r.deleteBeforeReplace, true, `${r.name}: a replacement keeping (scope, principal, role) must delete first`);
    }
  });

  it("aliases each child to the position-based name it had before (`-ra-<i>`), so deployed stacks adopt it", () => {
    const byName = new Map(lakeAssignments(forward).map((r) => [r.name, r]));
    // Same parent: the SDK fills the alias spec's parent URN with the current parent, so only the name part differs.
    const lake = lakeAssignments(forward)[0]!.parent;
    const renamed = (name: string) =>
      (byName.get(name)?.aliases ?? []).filter((a) => a.startsWith("name:")).map((a) => a.replace(` parent:${lake}`, ""));
    assert.deepEqual(renamed("lake-lake-probe-reader"), ["name:lake-lake-ra-0"]);
    assert.deepEqual(renamed("lake-lake-engineers-storage-blob-data-reader"), ["name:lake-lake-ra-1"]);
    assert.deepEqual(renamed("lake-lake-orchestrator-reader"), ["name:lake-lake-ra-3"]);
  });

  it("a duplicate key+role stops the program before any role assignment is registered", async () => {
    const result = await evaluateStack("xc-dup", { config: { "fixture:order": "duplicate" }, project: FIXTURE });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.failure.error, /lake-lake: roleAssignments\[\d\] and \[\d\] both assign Reader to key "probe"/);
    assert.deepEqual(result.failure.resources.filter((r) => r.type === RA && r.name.startsWith("lake-lake-")).map((r) => r.name), []);
  });
});

describe("no child of the platform stacks is named by list position (gateway and Synapse helpers own theirs)", () => {
  it("no role assignment name ends in -ra-<n>", async () => {
    for (const graph of await allGraphs()) {
      const positional = ofType(graph, RA).filter((r) => /-ra-\d+$/.test(r.name)).map((r) => r.name);
      assert.deepEqual(positional, [], graph.stack);
    }
  });
});
