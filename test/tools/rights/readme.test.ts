import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { PROJECT_ROOT, stackGraph } from "../../../tools/graph";
import { BOOTSTRAP_PROJECT, BOOTSTRAP_STACK } from "../../../tools/plan/deploy-rights";
import { README_MARKERS, renderReadme } from "../../../tools/rights/readme";

describe("README's deploy-rights sections come from the model", () => {
  it("README.md equals what `npm run docs:rights` generates (run it after changing ci-access.ts, the model or bootstrap)", async () => {
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    const bootstrap = await stackGraph(BOOTSTRAP_STACK, { project: BOOTSTRAP_PROJECT });
    assert.equal(readme, renderReadme(readme, bootstrap));
    for (const [start, end] of Object.values(README_MARKERS)) assert.ok(readme.includes(start) && readme.includes(end));
  });

  it("a hand edit between the markers is overwritten, and a README without markers is refused", async () => {
    const bootstrap = await stackGraph(BOOTSTRAP_STACK, { project: BOOTSTRAP_PROJECT });
    const [start, end] = README_MARKERS.ci;
    const edited = `${start}\n- deploy can do anything\n${end}\n${README_MARKERS.admin.join("\n")}`;
    assert.doesNotMatch(renderReadme(edited, bootstrap), /deploy can do anything/);
    assert.throws(() => renderReadme("# no markers", bootstrap), /README\.md has no .* markers/);
  });
});
