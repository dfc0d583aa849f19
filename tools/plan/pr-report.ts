import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateStack, type EvaluationResult, type Graph } from "../graph";
import { readStackConfigFile, StackFileError } from "../graph/stack-config";
import { optionValue } from "./argv";
import { diffGraphs, renderDiffMarkdown } from "./diff";
import { deployTimeSection } from "../insight/deploy-time";
import { diagramSection } from "../insight/diagram";
import { policyVerdict } from "./policy-verdict";
import { type Progress, terminalProgress } from "./progress";
import { describeRef, withWorktree } from "./worktree";
import { costDelta, estimateCost, renderCostDelta } from "../insight/cost";

export interface PrReportOptions {
  stack: string;
  /** Git ref of the base revision (the PR's target), checked out into a temporary worktree. */
  base: string;
  /** Git ref of the head revision; default: this working tree. */
  head?: string;
  /** Write the Markdown here as well as to stdout. */
  out?: string;
  /** A stack file to evaluate the head revision with, instead of its Pulumi.<stack>.yaml (`--stack-file`: preview a config change). */
  headStackFile?: string;
}

/** `--base <ref> [--head <ref>] [--out <file>]` from the plan's argv; undefined when there is no --base. */
export function parsePrOptions(stack: string, argv: string[]): PrReportOptions | undefined {
  const base = optionValue(argv, "--base");
  if (!base) return undefined;
  const head = optionValue(argv, "--head");
  const out = optionValue(argv, "--out");
  return { stack, base, ...(head ? { head } : {}), ...(out ? { out } : {}) };
}

async function evaluateAt(stack: string, ref: string | undefined, stackFile?: string): Promise<EvaluationResult | "no-stack"> {
  const config = stackFile ? readStackConfigFile(stackFile) : undefined;
  const given = config ? { config } : {};
  if (!ref) return evaluateStack(stack, given);
  return withWorktree(ref, async (root) => (config || existsSync(join(root, `Pulumi.${stack}.yaml`)) ? evaluateStack(stack, { root, ...given }) : "no-stack"));
}

/** A stack file that cannot be read, as a failed evaluation; any other error is rethrown. */
function stackFileFailure(error: unknown): EvaluationResult {
  if (!(error instanceof StackFileError)) throw error;
  return { ok: false, failure: { error: error.message, resources: [] } };
}

function emptyGraph(stack: string): Graph {
  return { project: "dataplatform", stack, resources: [], outputs: {}, secretOutputs: [], invokes: [] };
}

/**
 * The pull-request report for one stack without cloud credentials: both revisions evaluated offline, the resource
 * diff (secrets masked), the policy verdict of the head revision and its explicit insecure choices, as Markdown.
 * Exit code 1 when the head revision fails to evaluate or violates a mandatory policy.
 */
export async function prReport(options: PrReportOptions, progress: Progress = terminalProgress()): Promise<{ markdown: string; exitCode: number }> {
  const { stack } = options;
  const headLabel = options.head ? describeRef(options.head) : "working tree";
  progress.step(`[1/3] evaluating ${stack}: head ${headLabel.replace(/`/g, "")}`);
  // An unreadable head stack file (a YAML error in the PR) is the report's verdict, not a crash: the author reads it there.
  const head = await evaluateAt(stack, options.head, options.headStackFile).catch(stackFileFailure);
  const lines: string[] = [`## \`${stack}\``, ""];
  if (head === "no-stack" || !head.ok) {
    // Nothing to diff: the base is not evaluated (nor checked out) for a head that does not evaluate.
    const error = head === "no-stack" ? `no Pulumi.${stack}.yaml at ${headLabel}` : head.failure.error;
    lines.push(`❌ The head revision does not evaluate:`, "", "```", error.trim(), "```");
    return finish(lines, options, 1);
  }
  progress.step(`[2/3] evaluating ${stack}: base ${describeRef(options.base).replace(/`/g, "")}, in a temporary worktree`);
  // The base's stack file may be unreadable (a YAML error merged earlier): then everything shows as added.
  const base = await evaluateAt(stack, options.base).catch(stackFileFailure);
  let baseGraph: Graph;
  if (base === "no-stack") {
    baseGraph = emptyGraph(stack);
    lines.push(`_New stack: ${describeRef(options.base)} has no Pulumi.${stack}.yaml, everything is added._`, "");
  } else if (!base.ok) {
    baseGraph = emptyGraph(stack);
    lines.push(`_The base revision ${describeRef(options.base)} does not evaluate, so everything shows as added:_`, "", "```", base.failure.error.trim(), "```", "");
  } else baseGraph = base.graph;

  lines.push(renderDiffMarkdown(diffGraphs(baseGraph, head.graph), { stack, base: describeRef(options.base), head: headLabel }), "");
  lines.push(...renderCostDelta(costDelta(estimateCost(baseGraph), estimateCost(head.graph))));
  lines.push("### Deploy time estimate", "", ...deployTimeSection(head.graph, { base: baseGraph }), "");
  lines.push("<details><summary>Diagram</summary>", "", ...diagramSection(head.graph), "", "</details>", "");
  progress.step("[3/3] checking the policy pack");
  const verdict = await policyVerdict(head.graph);
  progress.done();
  lines.push(...verdict.lines.map((l) => l.replace(/^## /, "### ")), "");
  const notices = (head.graph.outputs["notices"] as string[] | undefined) ?? [];
  lines.push("### Explicit insecure or non-default choices", "", ...(notices.length ? notices.map((n) => `- ${n}`) : ["- none"]), "");
  return finish(lines, options, verdict.mandatory > 0 ? 1 : 0);
}

function finish(lines: string[], options: PrReportOptions, exitCode: number) {
  const markdown = `${lines.join("\n").trimEnd()}\n`;
  if (options.out) writeFileSync(options.out, markdown);
  return { markdown, exitCode };
}
