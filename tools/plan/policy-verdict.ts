import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { runPoliciesOnGraph, type Violation } from "../../policy/run-on-graph";
import { PROJECT_ROOT, type Graph } from "../graph";

export interface PolicyVerdict {
  environment: string;
  violations: Violation[];
  mandatory: number;
  /** Markdown lines: a heading, then one table row per violation (rule, resource, level) or "none". */
  lines: string[];
}

/** The pack config CI passes for the stack's environment (policy/config/<env>.json); strictest (none) if absent. */
export function packConfigFor(environment: string, root = PROJECT_ROOT): PolicyPackConfig {
  try {
    return JSON.parse(readFileSync(join(root, "policy", "config", `${environment}.json`), "utf8")) as PolicyPackConfig;
  } catch {
    return {};
  }
}

/** Runs the platform's policies over the graph with its environment's pack config and renders the verdict. */
export async function policyVerdict(graph: Graph): Promise<PolicyVerdict> {
  const environment = String(graph.outputs["environment"] ?? graph.stack);
  const violations = await runPoliciesOnGraph(graph, { config: packConfigFor(environment) });
  violations.sort((a, b) => rank(a) - rank(b) || a.policy.localeCompare(b.policy) || (a.name ?? "").localeCompare(b.name ?? ""));
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const lines = [`## Policy verdict (${environment} config): ${mandatory ? `FAIL, ${mandatory} mandatory` : "PASS"}, ${violations.length - mandatory} advisory`, ""];
  if (violations.length === 0) lines.push("- no violations");
  else {
    lines.push("| level | rule | resource | message |", "|---|---|---|---|");
    for (const v of violations) {
      lines.push(`| ${v.level} | \`${v.policy}\` | ${v.type ? `\`${v.type}\` ${v.name}` : "(stack)"} | ${v.message.replace(/\|/g, "\\|")} |`);
    }
  }
  return { environment, violations, mandatory, lines };
}

function rank(v: Violation): number {
  return v.level === "mandatory" ? 0 : 1;
}
