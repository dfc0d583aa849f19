import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { afterAll, describe, it } from "vitest";
import { PROJECT_ROOT, evaluateStack } from "../../tools/graph";
import { assertPrerequisites } from "../../stacks/prerequisites";

const scratch = mkdtempSync(join(tmpdir(), "prerequisites-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of this checkout without the built gateway bundle (node_modules shared by a symlink). */
function checkoutWithoutBundle(): string {
  const root = join(scratch, "project");
  const skipped = new Set(["node_modules", ".git", ".tmp"]);
  cpSync(PROJECT_ROOT, root, {
    recursive: true,
    filter: (source) => !skipped.has(basename(source)) && relative(PROJECT_ROOT, source) !== join("gateway", "dist"),
  });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  return root;
}

describe("prerequisites", () => {
  it("a missing gateway bundle stops the program before any resource is registered", async () => {
    const result = await evaluateStack("dev", { root: checkoutWithoutBundle(), fresh: true });
    assert.equal(result.ok, false, "the program ran without the gateway bundle");
    if (result.ok) return;
    assert.match(result.failure.error, /the gateway Worker bundle gateway\/dist\/worker\.js is missing: run `npm run build:gateway` first/);
    assert.deepEqual(
      result.failure.resources.map((r) => `${r.type} ${r.name}`),
      [],
      "resources were registered before the missing bundle was noticed",
    );
  });

  it("names an empty bundle as empty, and accepts a non-empty one", () => {
    const bundle = join(scratch, "worker.js");
    writeFileSync(bundle, "");
    assert.throws(() => assertPrerequisites(bundle), /worker\.js is empty: run `npm run build:gateway` first/);
    writeFileSync(bundle, "export default {};\n");
    assert.doesNotThrow(() => assertPrerequisites(bundle));
  });
});
