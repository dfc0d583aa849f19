import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { prReport } from "../../../tools/plan/pr-report";

describe("plan --base: the pull-request report carries the deploy estimate and the diagram", () => {
  it("an update estimate against the base, the fresh critical path, and a Mermaid block GitHub renders", async () => {
    const report = await prReport({ stack: "dev", base: "HEAD" }, { step() {}, done() {} });
    assert.equal(report.exitCode, 0, report.markdown);
    const md = report.markdown;
    assert.match(md, /### Deploy time estimate\n\n- Fresh `pulumi up`: \*\*\d+m \d\ds\*\*/);
    // Against HEAD only rebuilt artefacts may differ (the Worker bundle is built in each checkout): seconds at most.
    const update = md.match(/- Update from the base: \*\*(\d+)s\*\* \((\d+) to create, (\d+) to update, (\d+) to delete, (\d+) unchanged/);
    assert.ok(update, md);
    const summary = md.match(/\*\*\+(\d+) added · −(\d+) removed · ~(\d+) changed · (\d+) unchanged\*\*/)!;
    assert.deepEqual(update.slice(2), [summary[1], summary[3], summary[2], summary[4]], "the estimate costs exactly what the diff shows");
    assert.match(md, /<details><summary>Diagram<\/summary>\n\n```mermaid\nflowchart LR\n/);
  });
});
