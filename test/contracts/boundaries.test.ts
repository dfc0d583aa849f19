import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, it } from "vitest";

const ROOT = join(__dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The .ts files directly in `dir`, not in its subfolders. */
function topLevelSources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(dir, e.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:from|import)\s+"([^"]+)"/g)].map((m) => m[1]!);
}

describe("contracts/ is data only", () => {
  for (const file of sources("contracts")) {
    it(`${file} imports nothing but sibling contracts and defines no behaviour`, () => {
      // Relative imports that stay inside contracts/ (contracts/deploy-rights/* reads ../roles) are sibling contracts.
      const insideContracts = (spec: string) => spec.startsWith(".") && !relative(join(ROOT, "contracts"), join(ROOT, dirname(file), spec)).startsWith("..");
      assert.deepEqual(importsOf(file).filter((spec) => !insideContracts(spec)), []);
      assert.doesNotMatch(readFileSync(join(ROOT, file), "utf8"), /^\s*(export\s+)?(async\s+)?(function|class)\s/m);
    });
  }
});

describe("who may import the program", () => {
  const program = /(^|\/)(components|stacks)\//;

  it("the policy pack and the plan's helpers import no components/ or stacks/ (only contracts/ and lib/)", () => {
    const offenders = [...sources("policy"), ...sources("tools/plan")].flatMap((file) =>
      importsOf(file).filter((spec) => program.test(spec)).map((spec) => `${file}: ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });

  it("the tools' entry points (tools/*.ts) import no components/ or stacks/: only tools/graph runs the program, in a child process", () => {
    const entryPoints = topLevelSources("tools");
    assert.ok(entryPoints.includes(join("tools", "plan.ts")), entryPoints.join(", "));
    const offenders = entryPoints.flatMap((file) => importsOf(file).filter((spec) => program.test(spec)).map((spec) => `${file}: ${spec}`));
    assert.deepEqual(offenders, []);
  });

  it("from outside its own folder, the Worker imports only the gateway contract (not the index, which would bundle the rest)", () => {
    const outside = sources("gateway/src").flatMap((file) =>
      importsOf(file).filter((spec) => spec.startsWith("../")).map((spec) => `${file}: ${spec}`),
    );
    assert.ok(outside.length > 0, "the Worker reads the gateway contract");
    for (const entry of outside) assert.match(entry, /: \.\.\/\.\.\/contracts\/gateway$/);
  });
});
