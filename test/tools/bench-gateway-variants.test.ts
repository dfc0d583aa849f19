import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "vitest";
import { buildVariants, bundleWith, REMOVALS } from "../../tools/bench-gateway-variants";

// `npm run bench:gateway -- --where` is only as good as its variants: each must still apply to today's sources and
// change the bundle (a removal that silently stopped matching would measure the gateway twice).
describe("bench:gateway --where variants", () => {
  test("every removal applies to gateway/src and yields a bundle different from the gateway's and each other's", async () => {
    const built = await buildVariants();
    assert.deepEqual(built.map((v) => v.name), REMOVALS.map((r) => r.name));
    const bundles = built.map((v) => readFileSync(v.path, "utf8"));
    const gateway = await bundleWith();
    assert.equal(new Set([gateway, ...bundles]).size, bundles.length + 1);
  }, 60_000);
});
