import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import { listStacks, stackGraph } from "../../../tools/graph";
import { DIAGRAMS_DIR, renderStackDiagrams } from "../../../tools/docs-diagrams";
import { criticalPath } from "../../../tools/insight/deploy-time";
import { diagramModel, diagramSection, renderMermaid } from "../../../tools/insight/diagram";
import { renderSvg } from "../../../tools/insight/svg";
import { graphOf } from "./fixtures";

/** A structural check of the flowchart: what Mermaid would refuse or silently draw wrong. */
function checkMermaid(text: string): { nodes: Set<string>; edges: { from: string; to: string; arrow: string }[]; critical: string[] } {
  const lines = text.split("\n");
  assert.equal(lines[0], "flowchart LR");
  const nodes = new Set<string>();
  const edges: { from: string; to: string; arrow: string }[] = [];
  let depth = 0;
  let critical: string[] = [];
  const linkStyles: number[] = [];
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^subgraph ([A-Za-z0-9_]+)\["[^"]*"\]$/))) {
      depth++;
      nodes.add(m[1]!);
    } else if (line === "end") {
      depth--;
      assert.ok(depth >= 0, "an `end` without its subgraph");
    } else if (line === "direction TB") {
      assert.ok(depth > 0);
    } else if ((m = line.match(/^([A-Za-z0-9_]+)\["([^"]*)"\]$/))) {
      assert.ok(!nodes.has(m[1]!), `node ${m[1]} defined twice`);
      nodes.add(m[1]!);
    } else if ((m = line.match(/^([A-Za-z0-9_]+) (-->|-\.->|==>)(?:\|"[^"]*"\|)? ([A-Za-z0-9_]+)$/))) {
      edges.push({ from: m[1]!, to: m[3]!, arrow: m[2]! });
    } else if ((m = line.match(/^class ([A-Za-z0-9_,]+) critical$/))) {
      critical = m[1]!.split(",");
    } else if ((m = line.match(/^linkStyle ([0-9,]+) /))) {
      linkStyles.push(...m[1]!.split(",").map(Number));
    } else if (!line.startsWith("classDef critical ")) {
      assert.fail(`unexpected Mermaid line: ${line}`);
    }
  }
  assert.equal(depth, 0, "every subgraph is closed by `end`");
  for (const e of edges) assert.ok(nodes.has(e.from) && nodes.has(e.to), `edge ${e.from} → ${e.to} names an undefined node`);
  for (const id of critical) assert.ok(nodes.has(id), `class names undefined node ${id}`);
  for (const i of linkStyles) assert.ok(i < edges.length && edges[i]!.arrow === "==>", `linkStyle ${i} is not a critical edge`);
  return { nodes, edges, critical };
}

describe("the stack diagram", () => {
  it("a synthetic graph: components as subgraphs, an app's identity and a people group's rights, the critical path in red", () => {
    const vaultRole = `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_CATALOGUE["Key Vault Secrets User"]}`;
    const g = graphOf([
      { name: "p-t-kv", type: "dataplatform:keyvault:KeyVault", custom: false },
      { name: "p-t-apps", type: "dataplatform:orchestrator:Orchestrator", custom: false },
      { name: "vault", type: "azure-native:keyvault:Vault", parent: "p-t-kv" },
      { name: "id", type: "azure-native:managedidentity:UserAssignedIdentity", parent: "p-t-apps" },
      { name: "p-t-orchestrator-worker", type: "azure-native:app:ContainerApp", parent: "p-t-apps", data: ["id"] },
      { name: "wait", seconds: 600, parent: "p-t-apps" },
      { name: "ra", type: "azure-native:authorization:RoleAssignment", parent: "p-t-kv", data: ["id", "vault"], inputs: { roleDefinitionId: vaultRole, principalType: "ServicePrincipal" } },
      { name: "people", type: "azure-native:authorization:RoleAssignment", parent: "p-t-kv", data: ["vault"], inputs: { roleDefinitionId: vaultRole, principalType: "Group", principalId: "11111111-0000-0000-0000-000000000000", description: "engineers group: read secrets" } },
    ]);
    // The capture records which input carries which dependency: make the fixture say it too.
    const byName = new Map(g.resources.map((r) => [r.name, r]));
    byName.get("p-t-orchestrator-worker")!.propertyDependencies = { identity: [byName.get("id")!.urn] };
    byName.get("ra")!.propertyDependencies = { principalId: [byName.get("id")!.urn], scope: [byName.get("vault")!.urn] };
    byName.get("people")!.propertyDependencies = { scope: [byName.get("vault")!.urn] };
    const model = diagramModel(g);
    assert.deepEqual(model.groups.map((x) => x.label).sort(), ["apps (3 resources)", "kv (3 resources)"]);
    const label = (id: string) => [...model.outside, ...model.groups.flatMap((x) => x.nodes)].find((n) => n.id === id)?.label;
    const described = model.edges.map((e) => `${label(e.from)} ${e.kind} ${label(e.to)} ${e.label}`);
    assert.ok(described.includes("app worker flow Key Vault Key Vault Secrets User"), described.join("\n"));
    assert.ok(described.includes("engineers (people group) access Key Vault Key Vault Secrets User"), described.join("\n"));
    // The 10-minute wait is the critical path's only step: a red node.
    assert.deepEqual(model.groups.flatMap((x) => x.nodes).filter((n) => n.critical).map((n) => n.label), ["Sleep wait"]);
    checkMermaid(renderMermaid(model));
  });

  for (const stack of listStacks()) {
    it(`${stack}: Mermaid is well formed, aggregated, and highlights the critical path of the deploy estimate`, async () => {
      const graph = await stackGraph(stack);
      const model = diagramModel(graph);
      const { nodes, edges, critical } = checkMermaid(renderMermaid(model));
      assert.ok(nodes.size < 60, `readable: ${nodes.size} nodes for ${graph.resources.length} resources`);
      const chain = criticalPath(graph).chain;
      assert.equal(critical.length, chain.length, "every critical-path step is a red node");
      assert.equal(edges.filter((e) => e.arrow === "==>").length, chain.length - 1, "consecutive steps joined by red edges");
      const labels = model.groups.flatMap((g) => g.nodes.map((n) => n.label));
      for (const expected of ["Data lake (ADLS Gen2)", "Synapse workspace", "Data Factory", "Key Vault", "Postgres (Prefect DB)", "Gateway Worker", "Cloudflare Tunnel"]) {
        assert.ok(labels.includes(expected), `${expected} is drawn`);
      }
      const byLabel = (l: string) => [...model.outside, ...model.groups.flatMap((g) => g.nodes)].find((n) => n.label === l)!.id;
      const has = (from: string, to: string) => model.edges.some((e) => e.from === byLabel(from) && e.to === byLabel(to));
      assert.ok(has("Data Factory", "Data lake (ADLS Gen2)"), "ADF → lake");
      assert.ok(has("Synapse workspace", "Data lake (ADLS Gen2)"), "Synapse → lake");
      assert.ok(has("Cloudflare Tunnel", "Synapse workspace") && has("Cloudflare Tunnel", "app prefect"), "gateway → Synapse/Prefect via tunnel");
      assert.ok(has("app worker platform", "Data Factory") && has("app worker platform", "Backup vault"), "the default domain's worker → ADF/backup");
      assert.ok(model.edges.some((e) => e.kind === "access"), "a people group's right");
      assert.match(diagramSection(graph).join("\n"), /^```mermaid\nflowchart LR\n[\s\S]*\n```/);
    });

    it(`${stack}: docs/diagrams/${stack}.svg and .mmd are what \`npm run docs:diagrams\` generates`, async () => {
      const { svg, mermaid } = await renderStackDiagrams(stack);
      assert.equal(readFileSync(join(DIAGRAMS_DIR, `${stack}.mmd`), "utf8"), mermaid, "run npm run docs:diagrams");
      assert.equal(readFileSync(join(DIAGRAMS_DIR, `${stack}.svg`), "utf8"), svg, "run npm run docs:diagrams");
    });
  }

  it("the SVG draws every node and edge of the model, and refuses an edge to nowhere", async () => {
    const model = diagramModel(await stackGraph("dev"));
    const svg = renderSvg(model);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith("</svg>"));
    assert.equal(svg.match(/<path d="M [-\d.]+ [-\d.]+ Q /g)?.length, model.edges.length);
    for (const n of [...model.outside, ...model.groups.flatMap((g) => g.nodes)]) assert.ok(svg.includes(`>${n.label.replace(/&/g, "&amp;")}</text>`), n.label);
    assert.equal(renderSvg(model), svg, "deterministic");
    assert.throws(() => renderSvg({ ...model, edges: [{ from: "n1", to: "nowhere", label: "", kind: "flow" }] }), /names a node that does not exist/);
  });
});
