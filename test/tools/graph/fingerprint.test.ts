import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "vitest";
import { PROJECT_ROOT, sourceFiles, sourceFingerprint } from "../../../tools/graph";

function checkout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "graph-fingerprint-"));
  for (const [path, text] of Object.entries(files)) write(root, path, text);
  return root;
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const FIXTURE = { dir: ".", main: "test/fixture.ts" };

describe("the graph cache's source fingerprint", () => {
  const files = {
    "Pulumi.yaml": "name: dataplatform\n",
    "components/a.ts": "export const a = 1;\n",
    "test/fixture.ts": "import '../components/a';\n",
    "test/other.test.ts": "// not the fixture\n",
    "node_modules/pkg/index.js": "module.exports = 1;\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".tmp/graph-cache/dev-0.json": "{}\n",
    "components/dist/out.js": "built\n",
  };

  it("covers the source folders and the fixture itself, not the checkout's dependencies, git, cache or build output", () => {
    const root = checkout(files);
    assert.deepEqual(sourceFiles(root, FIXTURE), ["Pulumi.yaml", "components/a.ts", "flows/requirements.lock", "gateway/dist/worker.js", "package-lock.json", "test/fixture.ts"]);
  });

  it("walks another project's own folder, skipping its node_modules", () => {
    const root = checkout({ ...files, "bootstrap/index.ts": "x\n", "bootstrap/Pulumi.yaml": "name: b\n", "bootstrap/node_modules/p/i.js": "y\n" });
    const listed = sourceFiles(root, { dir: "bootstrap", main: "index.ts" });
    assert.ok(listed.includes("bootstrap/index.ts") && listed.includes("bootstrap/Pulumi.yaml"), listed.join(", "));
    assert.ok(!listed.some((f) => f.includes("node_modules")), listed.join(", "));
  });

  it("a fixture's key ignores writes to .tmp/, node_modules/ and .git/ and changes with the fixture or a source", () => {
    const root = checkout(files);
    const before = sourceFingerprint(root, FIXTURE);
    write(root, ".tmp/graph-cache/gw-1.json", "{ \"another\": \"worker\" }\n");
    write(root, "node_modules/pkg/index.js", "module.exports = 2;\n");
    write(root, ".git/HEAD", "ref: refs/heads/other\n");
    write(root, "test/other.test.ts", "// edited\n");
    assert.equal(sourceFingerprint(root, FIXTURE), before, "the key changed with a file the graph does not depend on");

    write(root, "test/fixture.ts", "import '../components/a'; // edited\n");
    const fixtureEdited = sourceFingerprint(root, FIXTURE);
    assert.notEqual(fixtureEdited, before, "editing the fixture kept the key");
    write(root, "components/a.ts", "export const a = 2;\n");
    const componentEdited = sourceFingerprint(root, FIXTURE);
    assert.notEqual(componentEdited, fixtureEdited, "editing a component kept the key");
    // components/orchestrator/images.ts reads the Python lock and the flows package when the program runs.
    write(root, "flows/requirements.lock", "# [runtime]\n");
    const lockEdited = sourceFingerprint(root, FIXTURE);
    assert.notEqual(lockEdited, componentEdited, "editing the Python lock kept the key");
    write(root, "flows/src/dataplatform_flows/flows.py", "x = 1\n");
    const flowEdited = sourceFingerprint(root, FIXTURE);
    assert.notEqual(flowEdited, lockEdited, "editing flow code kept the key");
    write(root, "flows/src/dataplatform_flows/__pycache__/flows.cpython-311.pyc", "bytecode");
    write(root, "flows/.venv/lib/x.py", "venv");
    assert.equal(sourceFingerprint(root, FIXTURE), flowEdited, "bytecode or the test venv changed the key");
  });

  it("does not throw for a file that is gone by the time it is looked at (a dangling link stands in for it)", () => {
    const root = checkout(files);
    symlinkSync(join(root, "components", "renamed-away.json"), join(root, "components", "gone.json"));
    assert.doesNotThrow(() => sourceFingerprint(root, FIXTURE));
    assert.ok(!sourceFiles(root, FIXTURE).includes("components/gone.json"));
  });

  it("in this checkout, a component fixture's files are the sources only: no dependencies, git or cache", () => {
    const listed = sourceFiles(PROJECT_ROOT, { dir: ".", main: "test/components/gateway/fixture.ts" });
    assert.ok(listed.includes("test/components/gateway/fixture.ts"));
    assert.ok(listed.includes("components/gateway/index.ts") || listed.some((f) => f.startsWith("components/gateway/")));
    assert.deepEqual(listed.filter((f) => /(^|\/)(node_modules|\.git|\.tmp|dist)\//.test(f)), ["gateway/dist/worker.js"]);
    assert.ok(listed.length < 500, `${listed.length} files`);
  });
});
