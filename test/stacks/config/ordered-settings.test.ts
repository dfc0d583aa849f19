import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { ORDERED_PAIRS } from "../../../stacks/config/ordered-settings";
import { configProblems, stackConfigWith } from "../../support/stack-config";

const REPLICAS = "Azure Container Apps refuses a minimum replica count above the maximum";
const ROTATION_AGE = "Key Vault rotates a key version at least 7 days after creating it";
const NOTICE = "the near-expiry notice is the alarm for a rotation that did not happen, so it must come below rotateBeforeExpiryDays";

describe("settings that must stay in order (min/max, before/after)", () => {
  it("are exactly these pairs", () => {
    assert.deepEqual(
      ORDERED_PAIRS.map((p) => `${p.lower.join(".")} + ${p.gap} <= ${p.upper.join(".")}`),
      [
        "containerApps.workerMinReplicas + 0 <= containerApps.maxReplicas",
        "keyVault.keyRotateBeforeExpiryDays + 7 <= keyVault.keyExpiryDays",
        "keyVault.keyNotifyBeforeExpiryDays + 1 <= keyVault.keyRotateBeforeExpiryDays",
      ],
    );
  });

  const cases: { name: string; stack: string; keys: Record<string, unknown>; problems: string[] }[] = [
    {
      name: "a worker minimum above the maximum, both set",
      stack: "dev",
      keys: { containerApps: { workerMinReplicas: 5, maxReplicas: 2 } },
      problems: [`dataplatform:containerApps.workerMinReplicas: must be at most 2 (dataplatform:containerApps.maxReplicas 2), got 5: ${REPLICAS}`],
    },
    {
      name: "a worker minimum above the environment's default maximum",
      stack: "dev",
      keys: { containerApps: { workerMinReplicas: 3 } },
      problems: [`dataplatform:containerApps.workerMinReplicas: must be at most 2 (dataplatform:containerApps.maxReplicas 2; 2 is the dev default), got 3: ${REPLICAS}`],
    },
    {
      name: "a maximum below the environment's default minimums",
      stack: "prod",
      keys: { containerApps: { maxReplicas: 1 } },
      problems: [
        `dataplatform:containerApps.maxReplicas: must be at least 2 (dataplatform:containerApps.workerMinReplicas 2; 2 is the prod default), got 1: ${REPLICAS}`,
      ],
    },
    {
      name: "a rotation less than 7 days after a version is created",
      stack: "dev",
      keys: { keyVault: { keyExpiryDays: 60, keyRotateBeforeExpiryDays: 54 } },
      problems: [`dataplatform:keyVault.keyRotateBeforeExpiryDays: must be at most 53 (dataplatform:keyVault.keyExpiryDays 60 minus 7), got 54: ${ROTATION_AGE}`],
    },
    {
      name: "an expiry too short for the default rotation",
      stack: "dev",
      keys: { keyVault: { keyExpiryDays: 36 } },
      problems: [`dataplatform:keyVault.keyExpiryDays: must be at least 37 (dataplatform:keyVault.keyRotateBeforeExpiryDays 30 plus 7; 30 is the dev default), got 36: ${ROTATION_AGE}`],
    },
    {
      name: "a near-expiry notice not below the rotation",
      stack: "dev",
      keys: { keyVault: { keyNotifyBeforeExpiryDays: 30 } },
      problems: [`dataplatform:keyVault.keyNotifyBeforeExpiryDays: must be at most 29 (dataplatform:keyVault.keyRotateBeforeExpiryDays 30 minus 1; 30 is the dev default), got 30: ${NOTICE}`],
    },
  ];
  for (const { name, stack, keys, problems } of cases) {
    it(`rejects ${name}, naming the key`, () => assert.deepEqual(configProblems(stack, stackConfigWith(stack, keys)), problems));
  }

  it("accepts each pair at its limit", () => {
    for (const keys of [
      { containerApps: { serverMinReplicas: 1, workerMinReplicas: 30, maxReplicas: 30 } },
      { keyVault: { keyExpiryDays: 60, keyRotateBeforeExpiryDays: 53, keyNotifyBeforeExpiryDays: 52 } },
    ]) {
      assert.deepEqual(configProblems("dev", stackConfigWith("dev", keys)), [], JSON.stringify(keys));
    }
  });

  it("are reported together with every other problem at once", () => {
    const config = stackConfigWith("dev", {
      location: "mars",
      containerApps: { workerMinReplicas: 5 },
      keyVault: { keyNotifyBeforeExpiryDays: 30 },
    });
    assert.deepEqual(
      configProblems("dev", config).map((p) => p.slice(0, p.indexOf(":", "dataplatform:".length))),
      ["dataplatform:location", "dataplatform:containerApps.workerMinReplicas", "dataplatform:keyVault.keyNotifyBeforeExpiryDays"],
    );
  });
});
