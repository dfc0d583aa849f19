import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "vitest";
import type { Graph, GraphResource } from "../../../tools/graph";
import { PROJECT_ROOT } from "../../../tools/graph";
import { diffGraphs, diffValues, renderDiffMarkdown } from "../../../tools/plan/diff";
import { prReport } from "../../../tools/plan/pr-report";
import { res } from "../../policy/fixtures";

function graph(resources: GraphResource[], outputs: Record<string, unknown> = {}): Graph {
  return { project: "dataplatform", stack: "dev", resources, outputs, secretOutputs: [], invokes: [] };
}

const vault = res("azure-native:keyvault:Vault", "kv", { properties: { publicNetworkAccess: "Disabled", softDeleteRetentionInDays: 90 } }, { protect: true });
const secret = res("azure-native:keyvault:Secret", "s", { properties: { value: "old-s3cr3t", contentType: "text/plain" } }, { secretPaths: ["properties.value"] });
const lock = res("azure-native:authorization:ManagementLockByScope", "kv-lock", { level: "CanNotDelete" });

describe("offline diff of two graphs", () => {
  it("identical graphs: no changes", () => {
    const diff = diffGraphs(graph([vault, secret]), graph([vault, secret]));
    assert.deepEqual([diff.added, diff.removed, diff.changed, diff.outputs], [[], [], [], []]);
    assert.equal(diff.unchanged, 2);
    assert.match(renderDiffMarkdown(diff, { stack: "dev", base: "main", head: "pr" }), /No changes/);
  });

  it("a resource that moved under an alias (new parent and name) is the same resource, not an add and a remove", () => {
    const oldParent = "urn:pulumi:dev::dataplatform::dataplatform:platform:DataPlatform$dataplatform:orchestrator:Orchestrator::dp-orchestrator";
    const oldApp = { ...lock, type: "azure-native:app:ContainerApp", name: "dp-orchestrator-worker", urn: `urn:pulumi:dev::dataplatform::dataplatform:platform:DataPlatform$dataplatform:orchestrator:Orchestrator$azure-native:app:ContainerApp::dp-orchestrator-worker`, inputs: { template: { v: 1 } } };
    const newApp = {
      ...oldApp,
      name: "dp-worker-platform-worker",
      urn: "urn:pulumi:dev::dataplatform::dataplatform:platform:DataPlatform$dataplatform:orchestrator:DomainWorker$azure-native:app:ContainerApp::dp-worker-platform-worker",
      inputs: { template: { v: 2 } },
      aliases: [`name:dp-orchestrator-worker parent:${oldParent}`],
    };
    const diff = diffGraphs(graph([oldApp]), graph([newApp]));
    assert.deepEqual([diff.added, diff.removed], [[], []]);
    assert.deepEqual(diff.changed.map((c) => [c.name, c.paths.map((p) => p.path)]), [["dp-worker-platform-worker", ["template.v"]]]);
    // Without the alias it would be a replacement: an add and a remove.
    const unaliased = diffGraphs(graph([oldApp]), graph([{ ...newApp, aliases: [] }]));
    assert.deepEqual([unaliased.added.length, unaliased.removed.length], [1, 1]);
  });

  it("added, removed and changed resources with the changed input paths", () => {
    const changedVault = { ...vault, inputs: { properties: { publicNetworkAccess: "Enabled", softDeleteRetentionInDays: 90 } } };
    const diff = diffGraphs(graph([vault, lock]), graph([changedVault, secret]));
    assert.deepEqual(diff.added.map((r) => r.name), ["s"]);
    assert.deepEqual(diff.removed.map((r) => r.name), ["kv-lock"]);
    assert.deepEqual(diff.changed, [
      { urn: vault.urn, type: vault.type, name: "kv", paths: [{ path: "properties.publicNetworkAccess", before: "Disabled", after: "Enabled", secret: false }] },
    ]);
    const md = renderDiffMarkdown(diff, { stack: "dev", base: "`main`", head: "working tree" });
    assert.match(md, /\+1 added · −1 removed · ~1 changed · 0 unchanged/);
    assert.match(md, /\| `azure-native:keyvault:Vault` kv \| `properties.publicNetworkAccess` \| `"Disabled"` \| `"Enabled"` \|/);
  });

  it("secret values are masked on either side, also when a secret becomes plain or a secret object changes", () => {
    const rotated = { ...secret, inputs: { properties: { value: "new-s3cr3t", contentType: "text/plain" } } };
    const diff = diffGraphs(graph([secret]), graph([rotated]));
    assert.equal(diff.changed[0]!.paths[0]!.secret, true);
    const md = renderDiffMarkdown(diff, { stack: "dev", base: "a", head: "b" });
    assert.doesNotMatch(md, /s3cr3t/);
    assert.match(md, /`properties.value` \| `\[secret\]` \| `\[secret\]`/);

    const madePlain = { ...rotated, secretPaths: [] };
    assert.doesNotMatch(renderDiffMarkdown(diffGraphs(graph([secret]), graph([madePlain])), { stack: "dev", base: "a", head: "b" }), /s3cr3t/);

    const nested = diffValues({ creds: { user: "u", pw: "a" } }, { creds: { user: "u", pw: "b" } }, ["creds"]);
    assert.deepEqual(nested.map((p) => [p.path, p.secret]), [["creds.pw", true]]);
  });

  it("array elements and protect changes are reported by path", () => {
    const a = res("azure-native:network:NetworkSecurityGroup", "nsg", { securityRules: [{ name: "a", priority: 100 }] });
    const b = { ...a, protect: true, inputs: { securityRules: [{ name: "a", priority: 200 }, { name: "b", priority: 300 }] } };
    const paths = diffGraphs(graph([a]), graph([b])).changed[0]!.paths.map((p) => p.path);
    assert.deepEqual(paths, ["securityRules[0].priority", "securityRules[1]", "[protect]"]);
  });

  it("removing a protected resource is called out", () => {
    const md = renderDiffMarkdown(diffGraphs(graph([vault]), graph([])), { stack: "prod", base: "a", head: "b" });
    assert.match(md, /Removes 1 protected resource/);
    assert.match(md, /kv 🔒 protected/);
  });

  it("stack output changes are listed, secret outputs masked", () => {
    const diff = diffGraphs(
      { ...graph([], { url: "a", key: "k1" }), secretOutputs: ["key"] },
      { ...graph([], { url: "b", key: "k2" }), secretOutputs: ["key"] },
    );
    assert.deepEqual(diff.outputs.map((p) => [p.path, p.secret]), [["key", true], ["url", false]]);
  });
});

describe("npm run plan -- <stack> --base <ref> (end to end, git worktree)", () => {
  it("HEAD against HEAD: both revisions evaluated from worktrees, no changes", async () => {
    // One commit for both sides: other work may commit between the two checkouts. That the temporary worktrees are
    // removed is worktree.test.ts's: listing them here would race other test workers' plans.
    const commit = execFileSync("git", ["-C", PROJECT_ROOT, "rev-parse", "HEAD"]).toString().trim();
    const report = await prReport({ stack: "dev", base: commit, head: commit });
    assert.match(report.markdown, /## `dev`/);
    assert.match(report.markdown, /No changes: both revisions register the same resources/);
    assert.match(report.markdown, /Policy verdict \(dev config\)/);
  });
});
