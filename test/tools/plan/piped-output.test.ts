import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT } from "../../../tools/graph";
import { runNpmPlan, runPlan } from "../../support/run-plan";

/** A pipe holds 64 KiB: output beyond it is what an early process.exit() used to lose. */
const PIPE_BUFFER = 64 * 1024;

describe("the plan piped into another program", () => {
  it("npm run --silent plan -- dev --json (through scripts/npm) writes the whole graph, and nothing but the graph, to stdout", async () => {
    const run = await runNpmPlan(["dev", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.length > PIPE_BUFFER, `only ${run.stdout.length} bytes: the output is not past the pipe buffer`);
    const graph = JSON.parse(run.stdout) as { stack: string; resources: unknown[] };
    assert.equal(graph.stack, "dev");
    assert.ok(graph.resources.length > 100);
    assert.doesNotMatch(run.stderr, /evaluating|policy/, "progress is for terminals, not pipes");
  });

  it("--base writes the whole Markdown report, up to its last section", async () => {
    // Long tags on the head's stack file change every tagged resource: a report well past the pipe buffer.
    const document = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, Record<string, string>> };
    for (let i = 0; i < 12; i++) document.config["dataplatform:tags"]![`piped-output-${i}`] = "x".repeat(256);
    const file = join(mkdtempSync(join(tmpdir(), "plan-piped-")), "Pulumi.dev.yaml");
    writeFileSync(file, stringify(document));

    const run = await runPlan(["dev", "--base", "HEAD", "--stack-file", file]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.length > PIPE_BUFFER, `only ${run.stdout.length} bytes: the report is not past the pipe buffer`);
    assert.match(run.stdout, /`tags\.piped-output-11`/);
    assert.match(run.stdout, /### Explicit insecure or non-default choices\n\n(- .*\n)+$/, "the report stops before its last section");
    assert.equal(run.stderr, "", "progress is for terminals, not pipes");
  });
});
