import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { rotationProblems } from "../../../components/keyvault/rotation";
import { evaluateStack } from "../../../tools/graph";

const valid = { expiryDays: 120, rotateBeforeExpiryDays: 30, notifyBeforeExpiryDays: 14 };

describe("key rotation policy limits (Key Vault's how-to-configure-key-rotation)", () => {
  it("accepts the platform's policy and the tightest one Azure allows", () => {
    assert.deepEqual(rotationProblems(valid), []);
    assert.deepEqual(rotationProblems({ expiryDays: 28, rotateBeforeExpiryDays: 8, notifyBeforeExpiryDays: 7 }), []);
  });

  it("names each limit a policy breaks", () => {
    const cases: [Partial<typeof valid>, RegExp][] = [
      [{ expiryDays: 27 }, /expiry time is at least 28 days/],
      [{ rotateBeforeExpiryDays: 6, notifyBeforeExpiryDays: 5 }, /rotateBeforeExpiryDays must be at least 7/],
      [{ expiryDays: 36 }, /at least 7 days after a version is created/],
      [{ notifyBeforeExpiryDays: 6 }, /notifyBeforeExpiryDays must be at least 7/],
      [{ notifyBeforeExpiryDays: 30 }, /notifyBeforeExpiryDays must be below rotateBeforeExpiryDays/],
    ];
    for (const [change, expected] of cases) {
      const problems = rotationProblems({ ...valid, ...change });
      assert.ok(problems.some((p) => expected.test(p)), `${JSON.stringify(change)}: ${problems.join("; ")}`);
    }
  });

  it("the KeyVault component refuses such a key before it registers any child", async () => {
    const result = await evaluateStack("kv-bad-rotation", {
      config: {},
      project: { dir: ".", main: "test/components/keyvault/bad-rotation-fixture.ts" },
    });
    assert.equal(result.ok, false, "a key with a refused rotation policy evaluated");
    if (result.ok) return;
    assert.match(result.failure.error, /KeyVault: key cmk: .*rotation must come at least 7 days after a version is created/);
    assert.deepEqual(result.failure.resources.filter((r) => r.custom).map((r) => r.type), []);
  });
});
