import { ROLE_CATALOGUE } from "../../contracts/roles";
import type { Graph, GraphResource } from "../graph";
import { criticalPath } from "./deploy-time";

/**
 * The stack as a picture: components as boxes holding their main resources, data flows and access derived from the
 * graph (role assignments: who holds which role on what; the gateway's VPC services through the tunnel; Data Factory's
 * managed private endpoints), people groups outside, and the deploy critical path highlighted. Aggregated: only key
 * resources (and the critical path's steps) become nodes, everything else is folded into its component's count.
 */

export interface DiagramNode {
  id: string;
  label: string;
  /** On the deploy critical path. */
  critical: boolean;
}

export interface DiagramGroup {
  id: string;
  label: string;
  nodes: DiagramNode[];
}

export interface DiagramEdge {
  from: string;
  to: string;
  label: string;
  /** flow: a workload identity's right or a network path; access: a people group's right; critical: deploy order. */
  kind: "flow" | "access" | "critical";
}

export interface DiagramModel {
  stack: string;
  groups: DiagramGroup[];
  /** Nodes outside every component: people groups, the resource group. */
  outside: DiagramNode[];
  edges: DiagramEdge[];
}

/** The resource types that become nodes, with a label (the rest is counted in the component's title). */
const KEY_TYPES: Record<string, string> = {
  "azure-native:network:VirtualNetwork": "VNet",
  "azure-native:network:NatGateway": "NAT gateway",
  "azure-native:operationalinsights:Workspace": "Log Analytics",
  "azure-native:keyvault:Vault": "Key Vault",
  "azure-native:storage:StorageAccount": "Data lake (ADLS Gen2)",
  "azure-native:synapse:Workspace": "Synapse workspace",
  "azure-native:synapse:SqlPool": "Dedicated SQL pool",
  "azure-native:synapse:BigDataPool": "Spark pool",
  "azure-native:datafactory:Factory": "Data Factory",
  "azure-native:dbforpostgresql:Server": "Postgres (Prefect DB)",
  "azure-native:app:ManagedEnvironment": "Container Apps environment",
  "azure-native:app:ContainerApp": "app",
  "azure-native:app:Job": "job",
  "azure-native:dataprotection:BackupVault": "Backup vault",
  "cloudflare:index/workersScript:WorkersScript": "Gateway Worker",
  "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared": "Cloudflare Tunnel",
  "azuread:index/application:Application": "Entra app (gateway login)",
};

const GROUP_ORDER = ["gateway", "connector", "orchestrator", "backup", "synapse", "datalake", "datafactory", "keyvault", "network", "identity", "monitoring"];

const ROLE_NAMES = new Map<string, string>(Object.entries(ROLE_CATALOGUE).map(([name, id]) => [id, name]));

function roleName(definitionId: unknown): string {
  const id = typeof definitionId === "string" ? definitionId.split("/").pop() ?? "" : "";
  return ROLE_NAMES.get(id) ?? "role";
}

function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

export function diagramModel(graph: Graph): DiagramModel {
  const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
  const prefix = `${graph.project}-${graph.stack}-`;
  const strip = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const platform = graph.resources.find((r) => r.type === "dataplatform:platform:DataPlatform");

  // A resource's component: its outermost component ancestor below the platform and the stack.
  const componentOf = (r: GraphResource): GraphResource | undefined => {
    let found: GraphResource | undefined;
    for (let cur: GraphResource | undefined = r; cur; cur = cur.parent ? byUrn.get(cur.parent) : undefined) {
      if (!cur.custom && cur !== platform && cur.type !== "pulumi:pulumi:Stack") found = cur;
    }
    return found;
  };

  const chain = criticalPath(graph).chain;
  const criticalUrns = new Set(chain.map((s) => s.urn));
  const nodeUrns = graph.resources.filter((r) => KEY_TYPES[r.type] || criticalUrns.has(r.urn));
  const ids = new Map<string, string>();
  nodeUrns.forEach((r, i) => ids.set(r.urn, `n${i + 1}`));
  const label = (r: GraphResource) => {
    const base = KEY_TYPES[r.type];
    // A data domain's worker app (`<platform>-worker-<domain>-<purpose>`, components/orchestrator/domain-worker.ts): "app worker <domain>".
    if (base === "app" && byUrn.get(r.parent ?? "")?.type === "dataplatform:orchestrator:DomainWorker") return `app worker ${strip(r.name).split("-")[1]}`;
    if (base === "app" || base === "job" || !base) return `${base ? `${base} ` : `${shortType(r.type)} `}${strip(r.name).replace(/^(orchestrator|connector|synapse|backup|identity)-/, "")}`;
    return base;
  };

  const groups = new Map<string, DiagramGroup>();
  const counts = new Map<string, number>();
  const outside: DiagramNode[] = [];
  for (const r of graph.resources) {
    const comp = componentOf(r);
    if (comp && r.custom) counts.set(comp.urn, (counts.get(comp.urn) ?? 0) + 1);
    const id = ids.get(r.urn);
    if (!id) continue;
    const node = { id, label: label(r), critical: criticalUrns.has(r.urn) };
    if (!comp) {
      outside.push(node);
      continue;
    }
    const group = groups.get(comp.urn) ?? { id: `c_${strip(comp.name).replace(/[^A-Za-z0-9]/g, "_")}`, label: strip(comp.name), nodes: [] };
    group.nodes.push(node);
    groups.set(comp.urn, group);
  }
  for (const [urn, group] of groups) group.label = `${group.label} (${counts.get(urn) ?? 0} resources)`;

  // Users of a user-assigned identity: the apps and jobs that carry it.
  const usersOf = new Map<string, string[]>();
  for (const r of graph.resources) {
    for (const dep of r.propertyDependencies["identity"] ?? []) {
      if (byUrn.get(dep)?.type === "azure-native:managedidentity:UserAssignedIdentity" && ids.has(r.urn)) {
        usersOf.set(dep, [...(usersOf.get(dep) ?? []), ids.get(r.urn)!]);
      }
    }
  }
  /** Diagram nodes standing for a resource: itself, the apps using an identity, or the key resource it belongs to. */
  const resolve = (urn: string, depth = 0): string[] => {
    const id = ids.get(urn);
    if (id) return [id];
    const users = usersOf.get(urn);
    if (users) return users;
    const r = byUrn.get(urn);
    if (!r || depth > 2) return [];
    // The container first (a secret's vault, a filesystem's account), then whatever else feeds it.
    const keys = Object.keys(r.propertyDependencies).sort((a, b) => Number(!/Name$/.test(a)) - Number(!/Name$/.test(b)) || a.localeCompare(b));
    for (const key of keys) {
      for (const dep of r.propertyDependencies[key]!) {
        const found = resolve(dep, depth + 1);
        if (found.length) return found;
      }
    }
    return [];
  };

  const edgeMap = new Map<string, DiagramEdge>();
  const addEdge = (from: string, to: string, text: string, kind: DiagramEdge["kind"]) => {
    if (from === to) return;
    const key = `${from}>${to}`;
    const known = edgeMap.get(key);
    if (known) {
      if (text && !known.label.split(", ").includes(text)) known.label = known.label ? `${known.label}, ${text}` : text;
      if (kind === "critical") known.kind = "critical";
      return;
    }
    edgeMap.set(key, { from, to, label: text, kind });
  };

  let rgNode: DiagramNode | undefined;
  const groupNodes = new Map<string, DiagramNode>();
  for (const r of graph.resources) {
    if (r.type === "azure-native:authorization:RoleAssignment") {
      const role = roleName(r.inputs["roleDefinitionId"]);
      let principals = (r.propertyDependencies["principalId"] ?? []).flatMap((u) => resolve(u));
      let kind: DiagramEdge["kind"] = "flow";
      if (principals.length === 0 && r.inputs["principalType"] === "Group") {
        const objectId = String(r.inputs["principalId"]);
        const groupLabel = String(r.inputs["description"] ?? "group").split(":")[0]!.replace(/ group$/, "");
        let node = groupNodes.get(objectId);
        if (!node) {
          node = { id: `g${groupNodes.size + 1}`, label: `${groupLabel} (people group)`, critical: false };
          groupNodes.set(objectId, node);
          outside.push(node);
        }
        principals = [node.id];
        kind = "access";
      }
      let scopes = (r.propertyDependencies["scope"] ?? []).flatMap((u) => resolve(u));
      if (scopes.length === 0) {
        rgNode ??= { id: "rg", label: "resource group", critical: false };
        if (!outside.includes(rgNode)) outside.push(rgNode);
        scopes = [rgNode.id];
      }
      for (const p of principals) for (const s of scopes) addEdge(p, s, role, kind);
    }
    if (r.type === "cloudflare:index/connectivityDirectoryService:ConnectivityDirectoryService") {
      const worker = graph.resources.find((w) => w.type === "cloudflare:index/workersScript:WorkersScript");
      const tunnel = graph.resources.find((t) => t.type === "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared");
      const via = tunnel ? ids.get(tunnel.urn) : undefined;
      for (const target of (r.propertyDependencies["host"] ?? []).flatMap((u) => resolve(u))) {
        if (worker && via) {
          addEdge(ids.get(worker.urn)!, via, "VPC services", "flow");
          addEdge(via, target, "via cloudflared", "flow");
        }
      }
    }
    if (r.type === "azure-native:datafactory:ManagedPrivateEndpoint") {
      const factory = (r.propertyDependencies["factoryName"] ?? []).flatMap((u) => resolve(u));
      const target = (r.propertyDependencies["properties"] ?? []).flatMap((u) => resolve(u));
      for (const f of factory) for (const t of target) addEdge(f, t, "managed private endpoint", "flow");
    }
  }
  for (let i = 1; i < chain.length; i++) {
    addEdge(ids.get(chain[i - 1]!.urn)!, ids.get(chain[i]!.urn)!, "deploy order", "critical");
  }

  // Reading order: the edge and the apps, then the data services, then the plumbing; unknown components last.
  const rank = (g: DiagramGroup) => {
    const i = GROUP_ORDER.indexOf(g.id.slice(2));
    return i < 0 ? GROUP_ORDER.length : i;
  };
  const sortedGroups = [...groups.values()].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
  return { stack: graph.stack, groups: sortedGroups, outside, edges: [...edgeMap.values()] };
}

/** Mermaid text safe inside `["…"]` and `|"…"|`. */
function escape(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));
}

/** The model as a Mermaid flowchart; critical-path nodes and edges in red. */
export function renderMermaid(model: DiagramModel): string {
  const lines = ["flowchart LR"];
  const node = (n: DiagramNode) => `${n.id}["${escape(n.label)}"]`;
  for (const n of model.outside) lines.push(`  ${node(n)}`);
  for (const g of model.groups) {
    lines.push(`  subgraph ${g.id}["${escape(g.label)}"]`, "    direction TB");
    for (const n of g.nodes) lines.push(`    ${node(n)}`);
    lines.push("  end");
  }
  const critical: number[] = [];
  model.edges.forEach((e, i) => {
    const arrow = e.kind === "access" ? "-.->" : e.kind === "critical" ? "==>" : "-->";
    lines.push(`  ${e.from} ${arrow}${e.label ? `|"${escape(e.label)}"|` : ""} ${e.to}`);
    if (e.kind === "critical") critical.push(i);
  });
  const crit = [...model.groups.flatMap((g) => g.nodes), ...model.outside].filter((n) => n.critical).map((n) => n.id);
  lines.push("  classDef critical fill:#fde2e2,stroke:#c62828,stroke-width:3px");
  if (crit.length) lines.push(`  class ${crit.join(",")} critical`);
  if (critical.length) lines.push(`  linkStyle ${critical.join(",")} stroke:#c62828,stroke-width:3px`);
  return lines.join("\n");
}

/** The plan's "Diagram" section: a Mermaid block GitHub renders. */
export function diagramSection(graph: Graph): string[] {
  return ["```mermaid", renderMermaid(diagramModel(graph)), "```", "", "Red: the deploy critical path (section \"Deploy time estimate\"). Solid: a workload's right or network path; dashed: a people group's right."];
}
