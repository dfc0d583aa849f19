import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, it } from "vitest";
import { type EvaluationResult, PROJECT_ROOT, stackGraph } from "../../../tools/graph";

const run = promisify(execFile);

interface LoaderOutput {
  typescript: string;
  typescriptRequire: string;
  tsnodeRequire: string;
  result: EvaluationResult;
}

describe("the program as `pulumi up` loads it", () => {
  it("compiles and type-checks with the project's own TypeScript and ts-node (not Pulumi's vendored 3.8) and registers the same graph", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pulumi-ts-loader-"));
    const out = join(dir, "result.json");
    try {
      await run(process.execPath, [join(__dirname, "pulumi-ts-loader.cjs"), PROJECT_ROOT, "dev", out], { cwd: PROJECT_ROOT });
      const loaded = JSON.parse(readFileSync(out, "utf8")) as LoaderOutput;
      assert.equal(loaded.typescriptRequire, "typescript", "pulumi would fall back to its vendored TypeScript 3.8");
      assert.equal(loaded.tsnodeRequire, "ts-node", "pulumi would fall back to its vendored ts-node 7");
      assert.match(loaded.typescript, /^6\./);
      assert.ok(loaded.result.ok, loaded.result.ok ? "" : loaded.result.failure.error);
      const viaTsx = await stackGraph("dev");
      const urns = (resources: { urn: string }[]) => resources.map((r) => r.urn).sort();
      assert.deepEqual(urns(loaded.result.graph.resources), urns(viaTsx.resources));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // ts-node type-checks the whole program (75-95 s alone on 2 cores); the suite's 120 s default left no headroom
    // when the other worker is busy.
  }, 300_000);
});
