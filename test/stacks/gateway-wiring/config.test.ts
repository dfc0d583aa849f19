import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { GATEWAY_COMPATIBILITY_DATE } from "../../../contracts/gateway";
import { ConfigError, resolvePlatformConfig } from "../../../stacks/config";
import { readStackConfig } from "../../../tools/graph";

const withGateway = (stack: string, gateway: unknown) => ({ ...readStackConfig(stack), "dataplatform:gateway": JSON.stringify(gateway) });

function problems(stack: string, config: Record<string, string>): string[] {
  try {
    resolvePlatformConfig("dataplatform", stack, config);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${p.key}: ${p.message}`);
  }
  return assert.fail("accepted");
}

describe("gateway config section", () => {
  it("secure defaults without a gateway section: Entra v2 issuer of the stack's tenant, pinned tenant, audience left to the gateway app's client ID, fixed date, rate limit on", () => {
    for (const stack of ["dev", "test", "prod"]) {
      const config = resolvePlatformConfig("dataplatform", stack, readStackConfig(stack));
      const tenant = config.entra.tenantId;
      // No audience: the program uses the gateway app's client ID (v2 tokens' `aud`), known only at deploy time.
      assert.deepEqual(config.gateway.oidc, { issuer: `https://login.microsoftonline.com/${tenant}/v2.0`, allowedTenants: [tenant] });
      assert.equal(config.gateway.compatibilityDate, GATEWAY_COMPATIBILITY_DATE);
      assert.deepEqual({ limit: config.gateway.rateLimit?.limit, period: config.gateway.rateLimit?.period }, { limit: 600, period: 60 });
      assert.equal(config.gateway.logpushDestination, undefined);
    }
  });

  it("Okta (or any OIDC issuer) is configured by issuer: no Entra tenant pinning unless asked", () => {
    const okta = "https://contoso.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9";
    const config = resolvePlatformConfig("dataplatform", "prod", withGateway("prod", { oidc: { issuer: okta, audience: "api://dataplatform" } }));
    assert.deepEqual(config.gateway.oidc, { issuer: okta, audience: "api://dataplatform", allowedTenants: [] });
  });

  it("rejects a multi-tenant issuer without jwksUri/allowedTenants, bad dates, and the retired tunnelHostnames (no public tunnel host names any more)", () => {
    const found = problems(
      "dev",
      withGateway("dev", {
        compatibilityDate: "next week",
        oidc: { issuer: "https://login.microsoftonline.com/{tenantid}/v2.0" },
        tunnelHostnames: { synapse: "data-dev.contoso.com" },
      }),
    );
    assert.ok(found.some((p) => p.startsWith("dataplatform:gateway.compatibilityDate")), found.join("\n"));
    assert.equal(problems("dev", withGateway("dev", { oidc: { issuer: "https://login.microsoftonline.com/{tenantid}/v2.0" } })).length, 1);
    assert.equal(problems("dev", withGateway("dev", { tunnelHostnames: { synapse: "data-dev-synapse.contoso.com" } })).length, 1);
    assert.ok(problems("dev", withGateway("dev", { oidc: { issuer: "http://insecure.example.com" } })).length >= 1, "https only");
    assert.ok(problems("dev", withGateway("dev", { rateLimit: { period: 30 } })).length >= 1, "the binding supports 10 or 60 s");
  });

  it("disabling the rate limit is explicit and listed in notices", () => {
    const config = resolvePlatformConfig("dataplatform", "dev", withGateway("dev", { rateLimit: { enabled: false } }));
    assert.equal(config.gateway.rateLimit, undefined);
    assert.ok(config.notices.includes("gateway.rateLimit.enabled=false: the gateway does not rate-limit callers"));
  });
});
