import { performance } from "node:perf_hooks";
import { evaluateStack, type Graph, type GraphResource, readStackConfig } from "./graph";
import { estimateCost } from "./insight/cost";
import { policyVerdict } from "./plan/policy-verdict";
import { withWorktree } from "./plan/worktree";
import { stackRights } from "./rights";
import { median } from "../lib/stats";

/**
 * `npm run bench:scale [-- --stack dev --runs 3 --sizes 1,10,50]` (issue 13 point 4): how the platform scales with data
 * domains. Two parts:
 *
 * 1. Program evaluation of the stack with 1, 10 and 50 data domains (`dataplatform:dataDomains`, a list of
 *    `{ name, … }`), each evaluation fresh in its own child process (tools/graph: the child reports the program's time
 *    and its peak RSS, `process.resourceUsage().maxRSS`). Prints time, resource counts, peak memory and the ratios the
 *    target is stated in: 50-domain time / 1-domain time (target <= 4) and resources per domain (target: linear).
 *    While the schema does not know `dataDomains` yet (another branch builds them) the key is rejected; the bench
 *    then says so and measures the current program without it (one default domain) at every size, so it still runs
 *    and gives today's baseline; rerun after the domains are merged for the real figures.
 *    `--ref <git-ref>` measures another revision instead of this working tree, checked out into a temporary worktree
 *    (e.g. `--ref s3-domains` before it is merged); the evaluation harness is this tree's either way.
 * 2. The plan's analyses (policy pack, deploy-rights model, cost estimate) on the 1-domain graph replicated 1, 10 and
 *    50 times under fresh URNs: a time ratio far above the size ratio marks a super-linear loop in the tools.
 */

const DOMAIN_KEY = "dataplatform:dataDomains";

function arg(argv: string[], name: string, fallback: string): string {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] ? argv[at + 1]! : fallback;
}

/** `count` domains named by content, not position (design S3): d01…dNN are their names, stable across sizes. */
export function domains(count: number): { name: string }[] {
  return Array.from({ length: count }, (_, i) => ({ name: `d${String(i + 1).padStart(2, "0")}` }));
}

interface SizeRow {
  size: number;
  fallback: boolean;
  programMs: number;
  processMs: number;
  rssMb: number;
  custom: number;
  all: number;
}

async function measureSize(stack: string, size: number, runs: number, base: Record<string, string>, root?: string): Promise<SizeRow> {
  const program: number[] = [];
  const wall: number[] = [];
  let rss = 0;
  let custom = 0;
  let all = 0;
  let fallback = false;
  for (let i = 0; i < runs; i++) {
    const config = fallback ? base : { ...base, [DOMAIN_KEY]: JSON.stringify(domains(size)) };
    const started = performance.now();
    const result = await evaluateStack(stack, { fresh: true, config, ...(root ? { root } : {}) });
    if (!result.ok && !fallback && result.failure.error.includes("dataDomains")) {
      fallback = true;
      process.stderr.write(`${DOMAIN_KEY} is rejected by this revision's schema; measuring the current program without it:\n${result.failure.error.split("\n").slice(0, 3).join("\n")}\n`);
      i--;
      continue;
    }
    if (!result.ok) throw new Error(`${stack} with ${size} domains failed: ${result.failure.error}`);
    wall.push(performance.now() - started);
    program.push(result.cost?.evaluationMs ?? Number.NaN);
    rss = Math.max(rss, result.cost?.maxRssMb ?? 0);
    custom = result.graph.resources.filter((r) => r.custom).length;
    all = result.graph.resources.length;
  }
  return { size, fallback, programMs: median(program), processMs: median(wall), rssMb: rss, custom, all };
}

/** The graph's resources `copies` times, each copy under its own URNs (references inside a copy stay inside it). */
export function replicate(graph: Graph, copies: number): Graph {
  if (copies === 1) return graph;
  const resources: GraphResource[] = [];
  for (let c = 0; c < copies; c++) {
    const suffix = c === 0 ? "" : `-x${c}`;
    const urn = (u: string) => (c === 0 || u.endsWith("::pulumi:pulumi:Stack") || u.includes("::pulumi:providers:") ? u : `${u}${suffix}`);
    for (const r of graph.resources) {
      if (c > 0 && r.type === "pulumi:pulumi:Stack") continue;
      resources.push({
        ...r,
        urn: urn(r.urn),
        name: `${r.name}${suffix}`,
        ...(r.parent ? { parent: urn(r.parent) } : {}),
        dependsOn: r.dependsOn.map(urn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(urn)])),
      });
    }
  }
  return { ...graph, resources };
}

async function timeIt(fn: () => unknown): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function analyses(graph: Graph, sizes: number[]): Promise<string[]> {
  const rows = ["| copies | resources | policy pack (ms) | deploy rights (ms) | cost estimate (ms) |", "|---:|---:|---:|---:|---:|"];
  const times: Record<string, number[]> = { policy: [], rights: [], cost: [] };
  // Warm-up: module loading and JIT would otherwise be charged to the smallest size.
  await policyVerdict(graph);
  stackRights(graph, undefined);
  estimateCost(graph);
  for (const size of sizes) {
    const g = replicate(graph, size);
    const policy = await timeIt(() => policyVerdict(g));
    const rights = await timeIt(() => stackRights(g, undefined));
    const cost = await timeIt(() => estimateCost(g));
    times["policy"]!.push(policy);
    times["rights"]!.push(rights);
    times["cost"]!.push(cost);
    rows.push(`| ${size} | ${g.resources.length} | ${policy.toFixed(0)} | ${rights.toFixed(0)} | ${cost.toFixed(1)} |`);
  }
  const first = sizes[0]!;
  const last = sizes[sizes.length - 1]!;
  const ratio = (k: string) => (times[k]![times[k]!.length - 1]! / times[k]![0]!).toFixed(1);
  rows.push("", `Time ratio ${last}x/${first}x (linear would be ~${last / first}): policy ${ratio("policy")}, rights ${ratio("rights")}, cost ${ratio("cost")}.`);
  return rows;
}

async function main(argv: string[]): Promise<void> {
  const ref = arg(argv, "--ref", "");
  const report = ref ? await withWorktree(ref, (root) => bench(argv, root)) : await bench(argv);
  process.stdout.write(`${ref ? `Revision ${ref}\n\n` : ""}${report}\n`);
}

async function bench(argv: string[], root?: string): Promise<string> {
  const stack = arg(argv, "--stack", "dev");
  const runs = Number(arg(argv, "--runs", "3"));
  const sizes = arg(argv, "--sizes", "1,10,50").split(",").map(Number);
  if (!sizes.every((s) => Number.isInteger(s) && s > 0) || !(runs > 0)) throw new Error("--sizes takes positive integers (1,10,50), --runs a positive number");
  const base = readStackConfig(stack, root);
  const rows: SizeRow[] = [];
  for (const size of sizes) {
    process.stderr.write(`evaluating ${stack} with ${size} data domain(s), ${runs} fresh run(s)…\n`);
    rows.push(await measureSize(stack, size, runs, base, root));
  }
  const out: string[] = [`Program evaluation of ${stack} by number of data domains, median of ${runs} fresh runs, each in its own child process`, ""];
  out.push("| domains | measured | resources (custom) | all registered | program median (ms) | process median (ms) | peak RSS (MB) |", "|---:|---|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    out.push(`| ${r.size} | ${r.fallback ? "current program (no dataDomains)" : `${DOMAIN_KEY} x${r.size}`} | ${r.custom} | ${r.all} | ${r.programMs.toFixed(0)} | ${r.processMs.toFixed(0)} | ${r.rssMb.toFixed(0)} |`);
  }
  const one = rows[0]!;
  const top = rows[rows.length - 1]!;
  const timeRatio = top.programMs / one.programMs;
  const perDomain = top.size > one.size ? (top.custom - one.custom) / (top.size - one.size) : 0;
  out.push("");
  if (rows.some((r) => r.fallback)) out.push(`NOTE: ${DOMAIN_KEY} is not accepted by this revision: every size measured the same program; the ratios below are the noise floor, not the scaling.`);
  out.push(`Time ratio ${top.size}/${one.size} domains: ${timeRatio.toFixed(2)} (target <= 4: ${timeRatio <= 4 ? "met" : "NOT met"}).`);
  out.push(`Resources per added domain: ${perDomain.toFixed(1)} custom resources.`);
  for (const r of rows.slice(1, -1)) {
    const predicted = one.custom + perDomain * (r.size - one.size);
    out.push(`Linearity at ${r.size} domains: ${r.custom} resources, a straight line through ${one.size} and ${top.size} predicts ${predicted.toFixed(0)} (${r.custom === Math.round(predicted) ? "linear" : `off by ${(r.custom - predicted).toFixed(1)}`}).`);
  }
  out.push(`Memory ${one.size} -> ${top.size} domains: ${one.rssMb.toFixed(0)} -> ${top.rssMb.toFixed(0)} MB.`, "");

  const result = await evaluateStack(stack, { config: base, ...(root ? { root } : {}) });
  if (!result.ok) throw new Error(`${stack} failed: ${result.failure.error}`);
  process.stderr.write("timing the plan's analyses on replicated graphs…\n");
  out.push(`The plan's analyses on the ${stack} graph replicated under fresh URNs (this process):`, "", ...(await analyses(result.graph, sizes)));
  return out.join("\n");
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
