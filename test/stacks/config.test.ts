import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { ConfigError, resolvePlatformConfig } from "../../stacks/config";
import { readStackConfig } from "../../tools/graph";

const withKey = (stack: string, key: string, value: unknown): Record<string, string> => {
  const config = readStackConfig(stack);
  if (value === undefined) delete config[key];
  else config[key] = typeof value === "string" ? value : JSON.stringify(value);
  return config;
};

function problemsOf(stack: string, config: Record<string, string>): string[] {
  try {
    resolvePlatformConfig("dataplatform", stack, config);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems.map((p) => `${p.key}: ${p.message}`);
  }
  assert.fail("config was accepted");
}

describe("stack config", () => {
  it("resolves the per-environment differences of docs/environments.md from the real stack files", () => {
    const [dev, test, prod] = (["dev", "test", "prod"] as const).map((s) => resolvePlatformConfig("dataplatform", s, readStackConfig(s)));
    assert.deepEqual([dev!.storage.redundancy, test!.storage.redundancy, prod!.storage.redundancy], ["LRS", "ZRS", "GZRS"]);
    assert.deepEqual([dev!.backup.redundancy, prod!.backup.redundancy], ["LocallyRedundant", "GeoRedundant"]);
    assert.deepEqual([dev!.backup.immutability, prod!.backup.immutability], ["Unlocked", "Locked"]);
    assert.deepEqual([dev!.backup.softDelete, prod!.backup.softDelete], ["On", "AlwaysOn"]);
    assert.equal(prod!.backup.crossRegionRestore, true);
    assert.deepEqual([dev!.postgres.tier, test!.postgres.tier, prod!.postgres.tier], ["Burstable", "GeneralPurpose", "GeneralPurpose"]);
    assert.deepEqual([dev!.postgres.highAvailability, prod!.postgres.highAvailability], ["Disabled", "ZoneRedundant"]);
    assert.equal(prod!.postgres.geoRedundantBackup, true);
    // One Prefect server everywhere (no Redis; components/orchestrator/apps.ts), redundancy from zones and workers.
    assert.deepEqual([dev!.containerApps.serverMinReplicas, test!.containerApps.serverMinReplicas, prod!.containerApps.serverMinReplicas], [1, 1, 1]);
    assert.ok(prod!.containerApps.workerMinReplicas >= 2 && prod!.containerApps.zoneRedundant);
    assert.deepEqual([dev!.durability.lock, test!.durability.lock, prod!.durability.lock], ["none", "none", "CanNotDelete"]);
    assert.equal(prod!.monitoring.retentionInDays, 180, "the prod stack file overrides the 90-day default");
  });

  it("derives the environment from the stack name and carves subnets inside the address space", () => {
    const dev = resolvePlatformConfig("dataplatform", "dev", readStackConfig("dev"));
    assert.equal(dev.environment, "dev");
    assert.deepEqual(dev.network.subnets, {
      containerApps: "10.40.0.0/25",
      privateEndpoints: "10.40.0.128/26",
      reserved: "10.40.0.192/26",
    });
  });

  it("sets the required tags and keeps extra ones from config", () => {
    const dev = resolvePlatformConfig("dataplatform", "dev", readStackConfig("dev"));
    assert.deepEqual(dev.tags, {
      "business-unit": "analytics",
      "data-classification": "confidential",
      environment: "dev",
      project: "dataplatform",
      owner: "data-platform@contoso.com",
      "cost-center": "CC-4711-DEV",
      "managed-by": "pulumi",
    });
  });

  it("reports a missing key by its full name", () => {
    assert.deepEqual(problemsOf("dev", withKey("dev", "dataplatform:owner", undefined)), [
      "dataplatform:owner: is required (expected string)",
    ]);
  });

  it("rejects a region that is not an Azure region", () => {
    assert.deepEqual(problemsOf("dev", withKey("dev", "dataplatform:location", "westeurop")), [
      'dataplatform:location: "westeurop" is not an Azure region name (e.g. westeurope, swedencentral)',
    ]);
  });

  it("rejects malformed, oversized and public CIDRs", () => {
    assert.deepEqual(problemsOf("dev", withKey("dev", "dataplatform:network", { addressSpace: "10.0.0.0/33" })), [
      'dataplatform:network.addressSpace: "10.0.0.0/33" is not a valid CIDR',
    ]);
    assert.match(problemsOf("dev", withKey("dev", "dataplatform:network", { addressSpace: "10.0.0.1/24" }))[0]!, /host bits are set/);
    assert.match(problemsOf("dev", withKey("dev", "dataplatform:network", { addressSpace: "10.0.0.0/8" }))[0]!, /between \/16 and \/24/);
    assert.match(problemsOf("dev", withKey("dev", "dataplatform:network", { addressSpace: "8.8.0.0/16" }))[0]!, /private/);
  });

  it("rejects a stack that is not an environment unless the environment is set", () => {
    assert.deepEqual(problemsOf("staging", readStackConfig("dev")), [
      'dataplatform:environment: stack "staging" is not one of dev, test, prod: name the stack after its environment or set this key',
    ]);
    const explicit = withKey("dev", "dataplatform:environment", "test");
    assert.equal(resolvePlatformConfig("dataplatform", "alice-sandbox", explicit).environment, "test");
  });

  it("rejects wrong types with what was expected and what was given", () => {
    assert.deepEqual(problemsOf("dev", withKey("dev", "dataplatform:network", "10.40.0.0/22")), [
      'dataplatform:network: expected object, got the string "10.40.0.0/22"',
    ]);
    assert.deepEqual(problemsOf("dev", withKey("dev", "dataplatform:storage", { redundancy: 3 })), [
      'dataplatform:storage.redundancy: 3 is not one of "LRS", "ZRS", "GRS", "GZRS", "RAGRS", "RAGZRS"',
    ]);
  });

  it("reports every bad key at once, unknown keys with a suggestion", () => {
    let config = withKey("dev", "dataplatform:location", "mars");
    config = { ...config, "dataplatform:costCentre": "X", "dataplatform:secondaryLocation": "mars" };
    config["dataplatform:network"] = JSON.stringify({ addressSpace: "10.40.0.0/22", adressSpace: "x" });
    const problems = problemsOf("dev", config);
    assert.deepEqual(problems.sort(), [
      'dataplatform:costCentre: unknown key (did you mean "costCenter"?)',
      'dataplatform:location: "mars" is not an Azure region name (e.g. westeurope, swedencentral)',
      'dataplatform:network.adressSpace: unknown key (did you mean "addressSpace"?)',
      'dataplatform:secondaryLocation: "mars" is not an Azure region name (e.g. westeurope, swedencentral)',
    ]);
  });

  it("rejects a secondary region equal to the primary and overrides of platform-owned tags", () => {
    const config = withKey("dev", "dataplatform:secondaryLocation", "westeurope");
    config["dataplatform:tags"] = JSON.stringify({ owner: "someone-else" });
    assert.deepEqual(problemsOf("dev", config).sort(), [
      'dataplatform:secondaryLocation: must differ from dataplatform:location ("westeurope"): it is the paired region for geo-redundant copies',
      "dataplatform:tags.owner: is set by the platform and cannot be overridden",
    ]);
  });

  it("lists explicit insecure choices as notices", () => {
    const config = withKey("prod", "dataplatform:durability", { lock: "none" });
    const prod = resolvePlatformConfig("dataplatform", "prod", config);
    assert.deepEqual(prod.notices, ["durability.lock=none in prod: stateful resources carry no CanNotDelete lock"]);
  });
});
