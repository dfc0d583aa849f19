import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { parse } from "yaml";
import { policyConfigFor } from "../../policy/config";
import { ENVIRONMENTS } from "../../contracts/environments";
import { platformPolicies } from "../../policy/policies";
import { configFileText } from "../../policy/write-config";
import { PROJECT_ROOT } from "../../tools/graph";

const POLICY_DIR = join(PROJECT_ROOT, "policy");

describe("policy pack metadata and config", () => {
  it("every policy has a unique name, description, severity, enforcement level, remediation and an environment config", () => {
    const names = platformPolicies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of platformPolicies) {
      assert.match(p.name, /^[a-z0-9-]+$/);
      assert.ok(p.description.length > 40, p.name);
      assert.ok(p.severity, p.name);
      assert.ok(p.enforcementLevel, p.name);
      assert.ok(p.remediationSteps, p.name);
      assert.equal((p.configSchema?.properties["environment"] as { default?: string }).default, "prod", p.name);
    }
  });

  it("benchmark references use the published ID formats", () => {
    for (const p of platformPolicies) {
      for (const tag of p.tags ?? []) {
        assert.match(tag, /^(mcsb:(NS|IM|PA|DP|AM|LT|IR|PV|ES|BR|DS|GS)-\d+|psrule:Azure\.[A-Za-z]+\.[A-Za-z]+|checkov:CKV2?_AZURE_\d+)$/, `${p.name}: ${tag}`);
      }
    }
    const tagged = platformPolicies.filter((p) => (p.tags ?? []).length > 0).length;
    assert.ok(tagged >= platformPolicies.length - 2, "nearly every rule cites a benchmark");
  });

  it("policy/config/<env>.json is what policyConfigFor generates (run `npx tsx policy/write-config.ts` after changing rules)", () => {
    for (const env of ENVIRONMENTS) {
      assert.equal(readFileSync(join(POLICY_DIR, "config", `${env}.json`), "utf8"), configFileText(env), env);
      const config = policyConfigFor(env);
      assert.deepEqual(Object.keys(config).sort(), platformPolicies.map((p) => p.name).sort());
    }
  });

  it("PulumiPolicy.yaml declares a nodejs pack whose entry constructs the PolicyPack from platformPolicies", () => {
    const project = parse(readFileSync(join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")) as { runtime: string; description: string };
    assert.equal(project.runtime, "nodejs");
    assert.ok(project.description);
    const entry = readFileSync(join(POLICY_DIR, "index.ts"), "utf8");
    assert.match(entry, /new PolicyPack\("dataplatform", \{ policies: platformPolicies \}\)/);
  });
});
