import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { resolvePlatformConfig } from "../../../stacks/config";
import { evaluateStack } from "../../../tools/graph";
import { DEFAULT_DOMAIN_CONCURRENCY_LIMIT, MAX_DATA_DOMAINS } from "../../../contracts/data-domains";
import { configProblems, stackConfigWith } from "../../support/stack-config";

const GROUP = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c01";
const problems = (stack: string, domains: unknown) => configProblems(stack, stackConfigWith(stack, { dataDomains: domains }));
const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `d${String(i + 1).padStart(2, "0")}` }));

describe("dataDomains: defaults", () => {
  it("absent: one default domain `platform`, today's platform (own workspace), the stack's owner and cost center", () => {
    const config = resolvePlatformConfig("dataplatform", "dev", stackConfigWith("dev", {}));
    assert.deepEqual(config.dataDomains, [
      { name: "platform", team: "data-platform@contoso.com", costCenter: "CC-4711-DEV", concurrencyLimit: DEFAULT_DOMAIN_CONCURRENCY_LIMIT, synapse: "own", groups: {}, isDefault: true },
    ]);
  });

  it("listed: the default domain first (listed or not), the others in config order, shared unless they ask for own", () => {
    const config = resolvePlatformConfig(
      "dataplatform",
      "prod",
      stackConfigWith("prod", { dataDomains: [{ name: "sales", team: "sales@contoso.com", groups: { analysts: GROUP } }, { name: "platform", concurrencyLimit: 10 }, { name: "hr", synapse: "own" }] }),
    );
    assert.deepEqual(
      config.dataDomains.map((d) => [d.name, d.team, d.costCenter, d.concurrencyLimit, d.synapse, JSON.stringify(d.groups), d.isDefault]),
      [
        ["platform", "data-platform@contoso.com", "CC-4711-PRD", 10, "own", "{}", true],
        ["sales", "sales@contoso.com", "CC-4711-PRD", 4, "shared", JSON.stringify({ analysts: GROUP }), false],
        ["hr", "data-platform@contoso.com", "CC-4711-PRD", 4, "own", "{}", false],
      ],
    );
  });

  it(`accepts ${MAX_DATA_DOMAINS} domains (issue 13 benchmarks 50) in every stack`, () => {
    for (const stack of ["dev", "test", "prod"]) assert.deepEqual(problems(stack, many(MAX_DATA_DOMAINS)), [], stack);
  });
});

describe("dataDomains: each bad entry is named by its key and says what is wrong", () => {
  it("duplicate names", () => {
    assert.deepEqual(problems("dev", [{ name: "sales" }, { name: "hr" }, { name: "sales" }]), [
      'dataplatform:dataDomains[2].name: "sales" is already the name of dataDomains[0]: domain names are unique',
    ]);
  });

  it("bad characters: upper case, hyphen, underscore, leading digit", () => {
    for (const name of ["Sales", "sales-eu", "sales_eu", "1sales", "s", ""]) {
      const found = problems("dev", [{ name }]);
      assert.equal(found.length, 1, `${name}: ${found.join("; ")}`);
      assert.match(found[0]!, /^dataplatform:dataDomains\[0\]\.name: ".*" is not a domain name: a lower-case letter, then one or more lower-case letters and digits \(no hyphens\)$/, name);
    }
  });

  it("too long for the Azure names derived from it, computed for the stack's environment (worker app: 32 characters)", () => {
    // ca-dp-<domain>-dev-weu: 14 characters around the name in dev; -prod- makes it 15.
    assert.deepEqual(problems("dev", [{ name: "a".repeat(18) }]), []);
    const [long] = problems("dev", [{ name: "a".repeat(19) }]);
    assert.match(long!, /^dataplatform:dataDomains\[0\]\.name: "a{19}" \(19 characters\) does not fit the Azure names derived from it in this environment and region: containerApp name "ca-dp-a{19}-dev-weu" is 33 characters; Azure allows 2-32$/);
    assert.deepEqual(problems("prod", [{ name: "a".repeat(17) }]), []);
    assert.equal(problems("prod", [{ name: "a".repeat(18) }]).length, 1);
  });

  it("an own workspace derives more names (its RBAC job: caj-dp-<domain>-rbac-…), so the limit is tighter", () => {
    assert.deepEqual(problems("dev", [{ name: "a".repeat(12), synapse: "own" }]), []);
    const [long] = problems("dev", [{ name: "a".repeat(13), synapse: "own" }]);
    assert.match(long!, /containerAppJob name "caj-dp-a{13}-rbac-dev-weu" is 33 characters; Azure allows 2-32/);
  });

  it("an own workspace named `…-ondemand-…` (Synapse forbids it)", () => {
    const [bad] = problems("dev", [{ name: "ondemand", synapse: "own" }]);
    assert.match(bad!, /dataDomains\[0\]\.name: "ondemand" .*synapseWorkspace name "synw-dp-ondemand-dev-weu-[a-z0-9]{5}" contains the forbidden form/);
    assert.deepEqual(problems("dev", [{ name: "ondemand" }]), [], "a shared domain derives no workspace name");
  });

  it("too many tags for a domain's resources (they carry three domain tags on top of the stack's)", () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
    assert.deepEqual(configProblems("dev", stackConfigWith("dev", { tags: tags(42), dataDomains: [{ name: "sales" }] })), []);
    assert.deepEqual(configProblems("dev", stackConfigWith("dev", { tags: tags(43), dataDomains: [{ name: "sales" }] })), [
      "dataplatform:tags: 43 tags; at most 42 with data domains (their resources also carry data-domain, data-domain-team, data-domain-cost-center, and Azure allows 50 tags per resource)",
    ]);
    assert.deepEqual(configProblems("dev", stackConfigWith("dev", { tags: tags(45) })), [], "no further domain: the stack's 45 stay allowed");
  });

  it("too many domains, too many own workspaces", () => {
    assert.deepEqual(problems("dev", many(MAX_DATA_DOMAINS + 1)), [
      `dataplatform:dataDomains: ${MAX_DATA_DOMAINS + 1} domains; at most ${MAX_DATA_DOMAINS} (contracts/data-domains.ts MAX_DATA_DOMAINS says why)`,
    ]);
    assert.deepEqual(problems("dev", many(11).map((d) => ({ ...d, synapse: "own" }))), [
      'dataplatform:dataDomains: 11 domains with synapse "own"; at most 10 (each adds a workspace with four private endpoints in the /26 private-endpoint subnet)',
    ]);
  });

  it("the default domain cannot share, concurrency limits are bounded, unknown keys and bad groups are named", () => {
    const found = problems("dev", [{ name: "a1", concurrencyLimit: 0 }, { name: "a2", concurrencyLimit: 101 }, { name: "a3", owner: "x" }, { name: "a4", groups: { engineers: "nope" } }]);
    assert.deepEqual(found.sort(), [
      "dataplatform:dataDomains[0].concurrencyLimit: must be at least 1 (a work pool with limit 0 runs nothing)",
      "dataplatform:dataDomains[1].concurrencyLimit: must be at most 100 (the platform's guard against typos; contracts/data-domains.ts)",
      'dataplatform:dataDomains[2].owner: unknown key',
      'dataplatform:dataDomains[3].groups.engineers: "nope" is not a GUID',
    ].sort());
    assert.deepEqual(problems("dev", [{ name: "platform", synapse: "shared" }]), [
      `dataplatform:dataDomains[0].synapse: the default domain "platform" owns the environment's Synapse workspace: it cannot be "shared"`,
    ]);
  });
});

/** The real program with a bad `dataDomains`: it must fail with `expected` and register no resource. */
async function assertRejected(domains: unknown, expected: RegExp) {
  const result = await evaluateStack("dev", { config: stackConfigWith("dev", { dataDomains: domains }), fresh: true });
  assert.equal(result.ok, false, "the program accepted the bad config");
  if (result.ok) return;
  assert.match(result.failure.error, expected);
  assert.deepEqual(result.failure.resources.map((r) => `${r.type} ${r.name}`), [], "resources were registered before the config error");
}

describe("a bad dataDomains stops the program before any resource is registered", () => {
  it("duplicate names", () => assertRejected([{ name: "sales" }, { name: "sales" }], /dataplatform:dataDomains\[1\]\.name: "sales" is already the name of dataDomains\[0\]/), 120_000);
  it("too long", () => assertRejected([{ name: "a".repeat(30) }], /dataplatform:dataDomains\[0\]\.name: "a{30}" \(30 characters\) does not fit/), 120_000);
  it("bad characters", () => assertRejected([{ name: "Sales-EU" }], /dataplatform:dataDomains\[0\]\.name: "Sales-EU" is not a domain name/), 120_000);
  it("too many", () => assertRejected(many(MAX_DATA_DOMAINS + 1), /dataplatform:dataDomains: 51 domains; at most 50/), 120_000);
});
