import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT, evaluateStack, readStackConfig } from "../../tools/graph";
import { runPlan } from "../support/run-plan";

const run = promisify(execFile);

/** Evaluates the real program with one key changed; it must fail with `expected` and register no resource. */
async function assertRejected(stack: string, change: (config: Record<string, string>) => void, expected: RegExp) {
  const config = readStackConfig("dev");
  change(config);
  const result = await evaluateStack(stack, { config, fresh: true });
  assert.equal(result.ok, false, "the program accepted the bad config");
  if (result.ok) return;
  assert.match(result.failure.error, expected);
  assert.deepEqual(
    result.failure.resources.map((r) => `${r.type} ${r.name}`),
    [],
    "resources were registered before the config error",
  );
}

describe("a bad stack file stops the program before any resource is registered", () => {
  it("missing key", () =>
    assertRejected("dev", (c) => delete c["dataplatform:costCenter"], /dataplatform:costCenter: is required/));

  it("bad region", () =>
    assertRejected("dev", (c) => (c["dataplatform:location"] = "europe-west1"), /dataplatform:location: "europe-west1" is not an Azure region/));

  it("bad CIDR", () =>
    assertRejected(
      "dev",
      (c) => (c["dataplatform:network"] = JSON.stringify({ addressSpace: "10.0.0.0/33" })),
      /dataplatform:network\.addressSpace: "10\.0\.0\.0\/33" is not a valid CIDR/,
    ));

  it("unknown environment", () => assertRejected("staging", () => undefined, /stack "staging" is not one of dev, test, prod/));

  it("wrong type", () =>
    assertRejected(
      "dev",
      (c) => (c["dataplatform:entra"] = JSON.stringify({ tenantId: 42, groups: [] })),
      /dataplatform:entra\.tenantId: expected string, got number 42[\s\S]*dataplatform:entra\.groups: expected object, got an array/,
    ));
});

describe("npm run plan", () => {
  it("exits non-zero with the config error for an invalid stack file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-bad-"));
    const document = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    document.config["dataplatform:location"] = "mars";
    const file = join(dir, "Pulumi.dev.yaml");
    writeFileSync(file, stringify(document));
    const failure = await run(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "tools", "plan.ts"), "dev", "--stack-file", file], {
      cwd: PROJECT_ROOT,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    assert.ok(failure, "plan succeeded on a bad stack file");
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /dataplatform:location: "mars" is not an Azure region name/);
  });

  it("prints a YAML syntax error as <file>:<line>:<column>: <message> and exits 1, without a stack trace", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "plan-bad-yaml-")), "Pulumi.dev.yaml");
    writeFileSync(file, "config:\n  dataplatform:location: westeurope\n  dataplatform:owner: a: b\n");
    const run = await runPlan(["dev", "--stack-file", file]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `${file}:3:23: Nested mappings are not allowed in compact mappings\n`);
    assert.equal(run.stdout, "");
  });

  it("prints the resource tree, counts by type and outputs for a valid stack", async () => {
    // The plan exits 1 while the deploy-rights model finds a missing right (issue 9): the output is still the whole plan.
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "tools", "plan.ts"), "test"], {
      cwd: PROJECT_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { code?: number; stdout: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stdout, /^- MISSING /m, "a failing plan of a valid stack names the missing right");
      return error;
    });
    assert.match(stdout, /^# Offline plan: dataplatform \/ test/m);
    assert.match(stdout, /└─ dataplatform:platform:DataPlatform {2}dataplatform-test/);
    assert.match(stdout, /^\s+1 {2}azure-native:network:VirtualNetwork$/m);
    assert.match(stdout, /^resourceGroupName: "rg-dataplatform-test-weu"$/m);
  });
});
