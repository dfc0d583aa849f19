import { DEPLOY_TIMES, type DeployTime, ORDERING_NEEDS } from "../../contracts/deploy-times";
import type { Graph, GraphResource } from "../graph";
import { diffGraphs } from "../plan/diff";

/**
 * Wall-time estimate of `pulumi up` from the captured graph.
 *
 * How Pulumi orders work (what the model encodes): the Node SDK sends a resource's registration only after every
 * resource it depends on has finished — the Outputs in its inputs (propertyDependencies), its explicit `dependsOn`
 * (both expanded from components to their custom children), and a custom parent's URN
 * (node_modules/@pulumi/pulumi/runtime/resource.js prepareResource; runtime/dependsOn.js); the engine answers a
 * registration when the resource's step is done, and runs independent steps concurrently, up to `--parallel`,
 * whose default is 4 × GOMAXPROCS (pulumi/pulumi pkg/cmd/pulumi/operations/up.go `defaultParallel`, issue
 * pulumi/pulumi#14989): 8 on a 2-core GitHub-hosted runner.
 *
 * So a fresh `up` lasts at least the longest chain of durations (the critical path), and with bounded parallelism it
 * is simulated by list scheduling in registration order.
 */

export type EdgeKind = "data" | "parent" | "explicit";
export type Operation = "create" | "update" | "delete" | "same";

export interface Edge {
  from: string; // the dependency's URN
  to: string; // the dependent's URN
  kind: EdgeKind;
}

export interface Step {
  urn: string;
  type: string;
  name: string;
  op: Operation;
  seconds: number;
  /** Seconds from the start at which the step finishes (unbounded parallelism). */
  finish: number;
}

export interface PathResult {
  total: number;
  chain: Step[];
}

/** The default `--parallel` on a 2-core runner (4 × GOMAXPROCS). */
export const DEFAULT_PARALLEL = 8;

/** Component resources, providers and the stack: registered by the engine, no provider call, no time. */
export function isLogicalType(type: string, custom: boolean): boolean {
  return !custom || type.startsWith("pulumi:providers:") || type === "pulumi:pulumi:Stack";
}

/** A Go duration as time.Sleep takes it ("10m", "30s", "1h5m"), in seconds. */
export function parseGoDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : m[2] === "s" ? n : n / 1000;
    consumed += m[0].length;
  }
  if (consumed !== text.length || text.length === 0) throw new Error(`not a duration: "${text}" (expected e.g. "10m", "30s", "1h5m")`);
  return total;
}

/** Every edge of the graph, classified: data (through Outputs), parent (a custom parent's URN) or explicit only. */
export function edges(graph: Graph): Edge[] {
  const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
  const out: Edge[] = [];
  for (const r of graph.resources) {
    const data = new Set(Object.values(r.propertyDependencies).flat());
    for (const dep of data) if (byUrn.has(dep)) out.push({ from: dep, to: r.urn, kind: "data" });
    for (const dep of r.dependsOn) if (!data.has(dep) && byUrn.has(dep)) out.push({ from: dep, to: r.urn, kind: "explicit" });
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent?.custom && !data.has(parent.urn) && !r.dependsOn.includes(parent.urn)) out.push({ from: parent.urn, to: r.urn, kind: "parent" });
  }
  return out;
}

/** Types in the graph with no entry in contracts/deploy-times.ts (components, providers and the stack need none). */
export function missingTypes(graph: Graph): string[] {
  const missing = new Set<string>();
  for (const r of graph.resources) if (!isLogicalType(r.type, r.custom) && !DEPLOY_TIMES[r.type]) missing.add(r.type);
  return [...missing].sort();
}

/** Seconds one operation on `r` takes; throws naming the type when the table has no entry. */
export function operationSeconds(r: GraphResource, op: Operation): number {
  if (op === "same" || isLogicalType(r.type, r.custom)) return 0;
  const entry: DeployTime | undefined = DEPLOY_TIMES[r.type];
  if (!entry) throw new Error(`no deploy time for ${r.type} (${r.name}): add it to contracts/deploy-times.ts with its source`);
  if (entry.createFromInput && op !== "delete") {
    const value = r.inputs[entry.createFromInput];
    if (typeof value !== "string") throw new Error(`${r.type} ${r.name}: input ${entry.createFromInput} is not a duration string`);
    return op === "create" ? parseGoDuration(value) : 0;
  }
  const variant = entry.variants?.find((v) => inputAt(r.inputs, v.input) === v.equals);
  return (variant ?? entry)[op];
}

function inputAt(inputs: Record<string, unknown>, path: string): unknown {
  let cur: unknown = inputs;
  for (const key of path.split(".")) cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
  return cur;
}

export interface EstimateOptions {
  /** Which edges order the steps: all (what Pulumi does), data (+ parent) only, or data plus the documented needs. */
  edges?: "all" | "data" | "justified";
  /** Operation per URN; default: create everything. */
  ops?: ReadonlyMap<string, Operation>;
}

function isNeeded(edge: Edge, byUrn: Map<string, GraphResource>): boolean {
  const to = byUrn.get(edge.to)!;
  const from = byUrn.get(edge.from)!;
  return ORDERING_NEEDS.some((n) => n.dependent === to.type && n.dependency === from.type);
}

function selectEdges(graph: Graph, mode: EstimateOptions["edges"] = "all"): Edge[] {
  const all = edges(graph);
  if (mode === "all") return all;
  const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
  return all.filter((e) => e.kind !== "explicit" || (mode === "justified" && isNeeded(e, byUrn)));
}

/** The longest chain of step durations (unbounded parallelism): its length is the fastest an `up` can be. */
export function criticalPath(graph: Graph, options: EstimateOptions = {}): PathResult {
  const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
  const preds = new Map<string, string[]>();
  for (const e of selectEdges(graph, options.edges)) {
    const list = preds.get(e.to) ?? [];
    list.push(e.from);
    preds.set(e.to, list);
  }
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visiting = new Set<string>();
  const visit = (urn: string): number => {
    const known = finish.get(urn);
    if (known !== undefined) return known;
    if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
    visiting.add(urn);
    let start = 0;
    let best: string | undefined;
    for (const p of preds.get(urn) ?? []) {
      const f = visit(p);
      if (f > start) {
        start = f;
        best = p;
      }
    }
    const r = byUrn.get(urn)!;
    const end = start + operationSeconds(r, options.ops?.get(urn) ?? "create");
    visiting.delete(urn);
    finish.set(urn, end);
    via.set(urn, best);
    return end;
  };
  let last: string | undefined;
  let total = 0;
  for (const r of graph.resources) {
    const f = visit(r.urn);
    if (f > total) {
      total = f;
      last = r.urn;
    }
  }
  const chain: Step[] = [];
  for (let u = last; u; u = via.get(u)) {
    const r = byUrn.get(u)!;
    const op = options.ops?.get(u) ?? "create";
    const seconds = operationSeconds(r, op);
    if (seconds > 0 || chain.length === 0) chain.unshift({ urn: u, type: r.type, name: r.name, op, seconds, finish: finish.get(u)! });
  }
  return { total, chain };
}

/**
 * Wall time with at most `parallel` steps at once: list scheduling, ready steps started in registration order (the
 * order the program sends them). Zero-time steps (components, providers, unchanged resources) take no slot.
 */
export function simulate(graph: Graph, parallel: number, options: EstimateOptions = {}): number {
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`--parallel must be a positive integer, not ${parallel}`);
  const order = new Map(graph.resources.map((r, i) => [r.urn, i]));
  const preds = new Map<string, Set<string>>();
  const succs = new Map<string, string[]>();
  for (const e of selectEdges(graph, options.edges)) {
    (preds.get(e.to) ?? preds.set(e.to, new Set()).get(e.to)!).add(e.from);
    (succs.get(e.from) ?? succs.set(e.from, []).get(e.from)!).push(e.to);
  }
  const seconds = new Map(graph.resources.map((r) => [r.urn, operationSeconds(r, options.ops?.get(r.urn) ?? "create")]));
  const waiting = new Map(graph.resources.map((r) => [r.urn, preds.get(r.urn)?.size ?? 0]));
  const ready: string[] = graph.resources.filter((r) => waiting.get(r.urn) === 0).map((r) => r.urn);
  const running: { urn: string; end: number }[] = [];
  let now = 0;
  let done = 0;
  const complete = (urn: string) => {
    done++;
    for (const s of succs.get(urn) ?? []) {
      const left = waiting.get(s)! - 1;
      waiting.set(s, left);
      if (left === 0) ready.push(s);
    }
  };
  while (done < graph.resources.length) {
    ready.sort((a, b) => order.get(a)! - order.get(b)!);
    // Zero-time steps complete at once and may release more.
    let i = 0;
    while (i < ready.length) {
      const urn = ready[i]!;
      if (seconds.get(urn) === 0) {
        ready.splice(i, 1);
        complete(urn);
        ready.sort((a, b) => order.get(a)! - order.get(b)!);
        i = 0;
      } else i++;
    }
    while (running.length < parallel && ready.length > 0) {
      const urn = ready.shift()!;
      running.push({ urn, end: now + seconds.get(urn)! });
    }
    if (running.length === 0) {
      if (done < graph.resources.length && ready.length === 0) throw new Error("dependency cycle: no step can start");
      continue;
    }
    running.sort((a, b) => a.end - b.end || order.get(a.urn)! - order.get(b.urn)!);
    const next = running.shift()!;
    now = next.end;
    complete(next.urn);
    while (running.length > 0 && running[0]!.end === now) complete(running.shift()!.urn);
  }
  return now;
}

export interface OrderingFinding {
  /** Critical path with every edge (what Pulumi does), with data edges only (the lower bound), and with data + needs. */
  all: PathResult;
  dataOnly: PathResult;
  justified: PathResult;
  /** Explicit edges that match no documented need, as `dependent <- dependency` names. */
  unjustified: { dependent: string; dependency: string; onCriticalPath: boolean; text: string }[];
}

/** Whether explicit `dependsOn` lengthens the critical path beyond what data and documented needs require. */
export function orderingFinding(graph: Graph): OrderingFinding {
  const all = criticalPath(graph, { edges: "all" });
  const dataOnly = criticalPath(graph, { edges: "data" });
  const justified = criticalPath(graph, { edges: "justified" });
  const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
  const onPath = new Set(all.chain.map((s) => s.urn));
  const unjustified = edges(graph)
    .filter((e) => e.kind === "explicit" && !isNeeded(e, byUrn))
    .map((e) => ({
      dependent: `${byUrn.get(e.to)!.type} ${byUrn.get(e.to)!.name}`,
      dependency: `${byUrn.get(e.from)!.type} ${byUrn.get(e.from)!.name}`,
      onCriticalPath: onPath.has(e.to) && onPath.has(e.from),
      text: `${short(byUrn.get(e.to)!.type)} ${byUrn.get(e.to)!.name} ← ${short(byUrn.get(e.from)!.type)} ${byUrn.get(e.from)!.name}`,
    }));
  return { all, dataOnly, justified, unjustified };
}

export interface UpdateEstimate {
  /** Critical path of creates and updates (unchanged resources take no time), then of deletes. */
  apply: PathResult;
  deletes: PathResult;
  total: number;
  counts: { create: number; update: number; delete: number; same: number };
}

/**
 * An update from `base` to `head`: added resources are created, changed ones updated (a replacement is costed as an
 * update: the offline diff does not know which inputs force one), removed ones deleted after the rest — Pulumi
 * deletes what left the program at the end, dependents first.
 */
export function updateEstimate(base: Graph, head: Graph): UpdateEstimate {
  const diff = diffGraphs(base, head);
  const ops = new Map<string, Operation>(head.resources.map((r) => [r.urn, "same" as Operation]));
  for (const r of diff.added) ops.set(r.urn, "create");
  for (const c of diff.changed) {
    const r = head.resources.find((x) => x.urn === c.urn)!;
    // A time.Sleep whose trigger changed is replaced: it waits again.
    ops.set(c.urn, DEPLOY_TIMES[r.type]?.createFromInput ? "create" : "update");
  }
  const apply = criticalPath(head, { ops });
  const removed = new Set(diff.removed.map((r) => r.urn));
  // Deletes run in reverse dependency order: reverse every edge among the removed resources.
  const reversed: Graph = {
    ...base,
    resources: base.resources
      .filter((r) => removed.has(r.urn))
      .map(({ parent: _parent, ...r }) => ({
        ...r,
        propertyDependencies: { reverse: base.resources.filter((d) => removed.has(d.urn) && d.dependsOn.includes(r.urn)).map((d) => d.urn) },
        dependsOn: [],
      })),
  };
  const deleteOps = new Map<string, Operation>(reversed.resources.map((r) => [r.urn, "delete" as Operation]));
  const deletes = reversed.resources.length ? criticalPath(reversed, { ops: deleteOps }) : { total: 0, chain: [] };
  return {
    apply,
    deletes,
    total: apply.total + deletes.total,
    counts: { create: diff.added.length, update: diff.changed.length, delete: diff.removed.length, same: diff.unchanged },
  };
}

/** `1h 02m 05s`-style, seconds rounded. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, "0")}m ${String(r).padStart(2, "0")}s`;
  if (m) return `${m}m ${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

function short(type: string): string {
  const parts = type.split(":");
  const module = parts[0] === "azure-native" ? parts[1] : parts[0];
  return `${module}:${parts[parts.length - 1]}`;
}

function renderChain(chain: Step[]): string[] {
  return chain.map((s, i) => `${String(i + 1).padStart(2)}. ${formatSeconds(s.finish - s.seconds).padStart(8)} → ${formatSeconds(s.finish).padStart(8)}  ${s.op.padEnd(6)} ${short(s.type)} ${s.name} (${formatSeconds(s.seconds)})`);
}

/** The plan's "Deploy time estimate" section, as lines (Markdown-friendly). */
export function deployTimeSection(head: Graph, options: { base?: Graph; parallel?: number } = {}): string[] {
  const lines: string[] = [];
  const missing = missingTypes(head);
  if (missing.length) {
    return [`No estimate: no deploy time for ${missing.join(", ")} — add ${missing.length === 1 ? "it" : "them"} to contracts/deploy-times.ts with a source.`];
  }
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  const finding = orderingFinding(head);
  const bounded = simulate(head, parallel);
  lines.push(
    `- Fresh \`pulumi up\`: **${formatSeconds(finding.all.total)}** on the critical path (unbounded parallelism); ${formatSeconds(bounded)} with \`--parallel ${parallel}\` (the default on a 2-core runner).`,
    `- Lower bound from data dependencies alone (no explicit \`dependsOn\`): ${formatSeconds(finding.dataOnly.total)}; with the documented ordering needs (RBAC propagation, private DNS, Postgres write serialization, contracts/deploy-times.ts): ${formatSeconds(finding.justified.total)}.`,
  );
  if (finding.all.total > finding.justified.total) {
    const culprits = finding.unjustified.filter((u) => u.onCriticalPath);
    lines.push(`- ⚠️ Explicit \`dependsOn\` with no documented need lengthens the critical path by ${formatSeconds(finding.all.total - finding.justified.total)}: ${culprits.map((c) => c.text).join("; ") || "(see the chain)"}.`);
  }
  const harmless = finding.unjustified.filter((u) => !u.onCriticalPath);
  if (harmless.length) {
    lines.push(`- Explicit \`dependsOn\` with no documented need, off the critical path (no cost today): ${harmless.map((u) => u.text).join("; ")}.`);
  }
  if (options.base) {
    const update = updateEstimate(options.base, head);
    const { create, update: upd, delete: del, same } = update.counts;
    lines.push(`- Update from the base: **${formatSeconds(update.total)}** (${create} to create, ${upd} to update, ${del} to delete, ${same} unchanged; replacements costed as updates).`);
    if (update.apply.total > 0) lines.push("", "Update critical path:", "", "```", ...renderChain(update.apply.chain), "```");
  }
  lines.push("", `Critical path of a fresh \`up\` (${finding.all.chain.length} steps; start → finish, operation, resource, its own time):`, "", "```", ...renderChain(finding.all.chain), "```");
  lines.push("", "Figures: contracts/deploy-times.ts (typical times with their sources; most are estimates, each says why).");
  return lines;
}
