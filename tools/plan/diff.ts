import { isSecretPath } from "../../policy/props";
import type { Graph, GraphResource } from "../graph";

export interface PathChange {
  path: string;
  before?: unknown;
  after?: unknown;
  /** The value was a Pulumi secret on either side: rendered as [secret], never printed. */
  secret: boolean;
}

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  paths: PathChange[];
}

export interface GraphDiff {
  added: GraphResource[];
  removed: GraphResource[];
  changed: ResourceChange[];
  unchanged: number;
  outputs: PathChange[];
}

/**
 * Resources are matched by URN (type, name and parent chain), as Pulumi diffs them, and through their aliases: a
 * resource that moved under an alias is the same resource (changed or not), not an add and a remove.
 */
export function diffGraphs(base: Graph, head: Graph): GraphDiff {
  const relevant = (g: Graph) => g.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const before = new Map(relevant(base).map((r) => [r.urn, r]));
  const after = new Map(relevant(head).map((r) => [r.urn, r]));
  const previous = new Map<string, string>();
  for (const [urn, now] of after) {
    if (before.has(urn)) continue;
    const old = aliasUrns(now).find((candidate) => before.has(candidate) && !after.has(candidate));
    if (old) previous.set(urn, old);
  }
  const moved = new Set(previous.values());
  const added = [...after.values()].filter((r) => !before.has(r.urn) && !previous.has(r.urn));
  const removed = [...before.values()].filter((r) => !after.has(r.urn) && !moved.has(r.urn));
  const changed: ResourceChange[] = [];
  let unchanged = 0;
  for (const [urn, now] of after) {
    const was = before.get(previous.get(urn) ?? urn);
    if (!was) continue;
    const secrets = [...was.secretPaths, ...now.secretPaths];
    const paths = diffValues(was.inputs, now.inputs, secrets);
    for (const option of ["protect", "retainOnDelete"] as const) {
      if (was[option] !== now[option]) paths.push({ path: `[${option}]`, before: was[option], after: now[option], secret: false });
    }
    if (paths.length) changed.push({ urn, type: now.type, name: now.name, paths });
    else unchanged++;
  }
  const byName = (a: GraphResource, b: GraphResource) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
  return {
    added: added.sort(byName),
    removed: removed.sort(byName),
    changed: changed.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name)),
    unchanged,
    outputs: diffValues(base.outputs, head.outputs, [...base.secretOutputs, ...head.secretOutputs]),
  };
}

/**
 * The URNs a resource's aliases name: a full alias URN as is; a spec (`name:`, `type:`, `parent:`) applied to the
 * resource's own URN (urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>).
 */
export function aliasUrns(resource: GraphResource): string[] {
  const match = /^(urn:pulumi:[^:]*::[^:]*::)(.*)::([^:]*)$/.exec(resource.urn);
  if (!match) return [];
  const [, prefix, qualifiedType, name] = match;
  return (resource.aliases ?? []).map((alias) => {
    if (alias.startsWith("urn:")) return alias;
    const spec = Object.fromEntries(alias.split(" ").map((part) => [part.slice(0, part.indexOf(":")), part.slice(part.indexOf(":") + 1)]));
    const type = spec["type"] ?? resource.type;
    const parentChain = spec["parent"]
      ? /::(.*)::[^:]*$/.exec(spec["parent"].replace(/^urn:pulumi:[^:]*::[^:]*/, ""))?.[1]
      : qualifiedType!.split("$").slice(0, -1).join("$");
    return `${prefix}${parentChain ? `${parentChain}$` : ""}${type}::${spec["name"] ?? name}`;
  });
}

/** Leaf-level differences between two JSON values, as `a.b[0].c` paths. */
export function diffValues(before: unknown, after: unknown, secretPaths: readonly string[], path = ""): PathChange[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const out: PathChange[] = [];
    for (const key of [...keys].sort(naturalOrder)) {
      const child = Array.isArray(after) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      out.push(...diffValues((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], secretPaths, child));
    }
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || "$", before, after, secret: isSecretPath(secretPaths, path || "$") || secretPaths.some((s) => s.startsWith(`${path}.`) || s.startsWith(`${path}[`)) }];
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === "object";
}

function naturalOrder(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isInteger(na) && Number.isInteger(nb) ? na - nb : a.localeCompare(b);
}

export interface DiffLabels {
  stack: string;
  base: string;
  head: string;
}

const MAX_VALUE = 120;

export function renderValue(value: unknown, secret: boolean): string {
  if (secret) return "`[secret]`";
  if (value === undefined) return "_(unset)_";
  const text = JSON.stringify(value);
  return `\`${(text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text).replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

/** The diff as Markdown for a pull-request comment. */
export function renderDiffMarkdown(diff: GraphDiff, labels: DiffLabels): string {
  const lines: string[] = [];
  const summary = `+${diff.added.length} added · −${diff.removed.length} removed · ~${diff.changed.length} changed · ${diff.unchanged} unchanged`;
  lines.push(`### Offline diff \`${labels.stack}\`: ${labels.base} → ${labels.head}`, "", `**${summary}**`, "");
  if (!diff.added.length && !diff.removed.length && !diff.changed.length && !diff.outputs.length) {
    lines.push("No changes: both revisions register the same resources with the same inputs.");
    return lines.join("\n");
  }
  const protectedRemovals = diff.removed.filter((r) => r.protect);
  if (protectedRemovals.length) {
    lines.push(`> ⚠️ Removes ${protectedRemovals.length} protected resource(s): \`pulumi up\` will refuse until they are unprotected on purpose.`, "");
  }
  if (diff.added.length) {
    lines.push(`<details open><summary>Added (${diff.added.length})</summary>`, "", "| type | name |", "|---|---|");
    for (const r of diff.added) lines.push(`| \`${r.type}\` | ${r.name}${r.protect ? " 🔒" : ""} |`);
    lines.push("", "</details>", "");
  }
  if (diff.removed.length) {
    lines.push(`<details open><summary>Removed (${diff.removed.length})</summary>`, "", "| type | name |", "|---|---|");
    for (const r of diff.removed) lines.push(`| \`${r.type}\` | ${r.name}${r.protect ? " 🔒 protected" : ""} |`);
    lines.push("", "</details>", "");
  }
  if (diff.changed.length) {
    lines.push(`<details open><summary>Changed (${diff.changed.length})</summary>`, "", "| resource | input | before | after |", "|---|---|---|---|");
    for (const c of diff.changed) {
      for (const p of c.paths) lines.push(`| \`${c.type}\` ${c.name} | \`${p.path}\` | ${renderValue(p.before, p.secret)} | ${renderValue(p.after, p.secret)} |`);
    }
    lines.push("", "</details>", "");
  }
  if (diff.outputs.length) {
    lines.push("<details><summary>Stack outputs</summary>", "", "| output | before | after |", "|---|---|---|");
    for (const p of diff.outputs) lines.push(`| \`${p.path}\` | ${renderValue(p.before, p.secret)} | ${renderValue(p.after, p.secret)} |`);
    lines.push("", "</details>", "");
  }
  return lines.join("\n");
}
