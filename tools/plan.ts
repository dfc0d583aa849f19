import { evaluateStack, listStacks } from "./graph";
import { readStackConfigFile, StackFileError } from "./graph/stack-config";
import { accessTable } from "./plan/access-table";
import { deployRightsVerdict } from "./plan/deploy-rights";
import { publicReachability } from "../policy/rules/exposure";
import { optionValue, positional } from "./plan/argv";
import { policyVerdict } from "./plan/policy-verdict";
import { prefectConfiguration } from "./plan/prefect-config";
import { parsePrOptions, prReport } from "./plan/pr-report";
import { type Progress, terminalProgress } from "./plan/progress";
import { countsByType, describeOutputs, resourceTree } from "./plan/tree";
import { estimateCost, renderCost } from "./insight/cost";
import { deployTimeSection } from "./insight/deploy-time";
import { diagramSection } from "./insight/diagram";

/**
 * `npm run plan -- <stack>`: the project's main job with no cloud. Evaluates the real program for the stack with its
 * real Pulumi.<stack>.yaml under mocks and prints what `pulumi up` would manage: the resource tree, counts by type,
 * stack outputs and explicit insecure choices. Exits non-zero with the config error when the stack file is invalid.
 */
async function main(argv: string[], progress: Progress): Promise<number> {
  const stackFile = optionValue(argv, "--stack-file");
  const stack = positional(argv);
  const stacks = listStacks();
  if (!stack) {
    process.stderr.write(`usage: npm run plan -- <stack> [--json | --rights-json] [--stack-file <Pulumi.<stack>.yaml to use instead (the head's, with --base)>] [--base <git-ref> [--head <git-ref>] [--out <file.md>]]\nstacks: ${stacks.join(", ")}\n`);
    return 2;
  }
  if (!stacks.includes(stack)) {
    process.stderr.write(`no stack "${stack}": stacks are ${stacks.join(", ")} (Pulumi.<stack>.yaml)\n`);
    return 2;
  }

  // --base: the pull-request report (offline diff against another revision + policy verdict) as Markdown. It reads
  // the stack file itself, so that an unreadable one is reported in the Markdown (and --out) rather than thrown.
  const pr = parsePrOptions(stack, argv);
  if (pr) {
    const report = await prReport({ ...pr, ...(stackFile ? { headStackFile: stackFile } : {}) }, progress);
    progress.done();
    process.stdout.write(report.markdown);
    return report.exitCode;
  }

  const config = stackFile ? readStackConfigFile(stackFile) : undefined;
  progress.step(`evaluating stack ${stack} under mocks`);
  const result = await evaluateStack(stack, { fresh: true, ...(config ? { config } : {}) });
  progress.done();
  if (!result.ok) {
    process.stderr.write(`plan for ${stack} failed:\n${result.failure.error}\n`);
    return 1;
  }
  const graph = result.graph;
  if (argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(graph, null, 2)}\n`);
    return 0;
  }
  if (argv.includes("--rights-json")) {
    const rights = await deployRightsVerdict(graph);
    process.stdout.write(`${JSON.stringify(rights.json, null, 2)}\n`);
    return rights.missing > 0 ? 1 : 0;
  }

  const counts = countsByType(graph);
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const out: string[] = [];
  out.push(`# Offline plan: ${graph.project} / ${stack}`, "");
  out.push("## Resource tree", "", resourceTree(graph), "");
  out.push(`## Resources by type (${total})`, "");
  for (const { type, count } of counts) out.push(`${String(count).padStart(4)}  ${type}`);
  out.push("", "## Stack outputs", "", ...describeOutputs(graph), "");
  const notices = (graph.outputs["notices"] as string[] | undefined) ?? [];
  out.push("## Explicit insecure or non-default choices", "");
  out.push(...(notices.length ? notices.map((n) => `- ${n}`) : ["- none"]), "");
  out.push("## Publicly reachable host names and endpoints", "");
  const reachable = publicReachability(graph.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs })));
  out.push(...(reachable.length ? reachable.map((l) => `- ${l}`) : ["- none"]), "");
  out.push("## Who can do what", "", accessTable(graph), "");
  out.push("## Prefect configuration", "", ...prefectConfiguration(graph), "");
  out.push(...renderCost(estimateCost(graph)), "");
  out.push("## Deploy time estimate", "", ...deployTimeSection(graph), "");
  out.push("## Diagram", "", ...diagramSection(graph), "");
  progress.step("checking the policy pack");
  const verdict = await policyVerdict(graph);
  progress.done();
  out.push(...verdict.lines, "");
  progress.step("checking deploy rights");
  const rights = await deployRightsVerdict(graph);
  progress.done();
  out.push(...rights.lines);
  process.stdout.write(`${out.join("\n")}\n`);
  // A mandatory policy violation fails the plan, as it would fail `pulumi up --policy-pack policy`; so does a right
  // an identity lacks (or a data plane it cannot reach), as it would fail `pulumi preview`/`up` in CI.
  return verdict.mandatory > 0 || rights.missing > 0 ? 1 : 0;
}

// `plan --json | head`: a reader that stops early is not a failure of the plan, and no reason for a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

// Sets the exit code and lets the process end on its own: process.exit() would drop whatever of stdout is still
// queued for a pipe (everything past the pipe's 64 KiB buffer), cutting `plan --json | jq` mid-document.
const progress = terminalProgress();
main(process.argv.slice(2), progress).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    progress.done();
    process.stderr.write(`${error instanceof StackFileError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
