import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { prReport } from "../../../tools/plan/pr-report";
import { runPlan } from "../../support/run-plan";

describe("plan --base: the pull-request report", () => {
  it("a YAML error in the head's stack file is the report: a failed block on stdout and in --out, exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-pr-bad-yaml-"));
    const file = join(dir, "Pulumi.dev.yaml");
    const out = join(dir, "plan-dev.md");
    writeFileSync(file, "config:\n  dataplatform:location: westeurope\n  dataplatform:owner: a: b\n");

    const run = await runPlan(["dev", "--base", "HEAD", "--stack-file", file, "--out", out]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, "", "the error belongs in the report, not in a stack trace");
    assert.match(run.stdout, /^## `dev`\n\n❌ The head revision does not evaluate:\n\n```\n/);
    assert.ok(run.stdout.includes(`${file}:3:23: Nested mappings are not allowed in compact mappings\n\`\`\`\n`), run.stdout);
    assert.equal(readFileSync(out, "utf8"), run.stdout, "the PR workflow reads --out: it must hold the same report");
  });

  it("does not check out or evaluate the base for a head that does not evaluate", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "plan-pr-bad-yaml-")), "Pulumi.dev.yaml");
    writeFileSync(file, "config: [\n");
    const steps: string[] = [];
    const report = await prReport({ stack: "dev", base: "HEAD", headStackFile: file }, { step: (m) => steps.push(m), done() {} });
    assert.equal(report.exitCode, 1);
    assert.match(report.markdown, /❌ The head revision does not evaluate/);
    assert.deepEqual(steps.filter((s) => s.includes("base")), [], steps.join("; "));
  });
});
