import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { BackupPolicyError, postgresPolicy } from "../../../components/backup/policies";
import { configSchema } from "../../../stacks/config/schema";
import { configProblems, stackConfigWith } from "../../support/stack-config";

/**
 * Both bounds of every ranged value: the bound itself passes, one step past it fails naming the key. The numbers are
 * written out, so loosening (or tightening) a bound in the schema fails here.
 */
interface Range {
  /** Path below `dataplatform:`, as errors name it. */
  path: string;
  /** Values at the bounds (must pass) and just outside them (must fail). */
  pass: unknown[];
  fail: unknown[];
  /** The bounds as the schema states them (`min`/`max` checks), cross-checked against the schema below. */
  declared?: string[];
  /** Sibling settings needed for a value at the bound to be valid (ordered pairs). */
  context?: Record<string, unknown>;
}

const chars = (n: number, c = "a") => c.repeat(n);
const tagMap = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
const TENANT = "6f1c2b7e-3d4a-4c8b-9e21-5a7d0c3f8b14";

const RANGES: Range[] = [
  { path: "owner", pass: [chars(3)], fail: [chars(2)], declared: ["min 3"] },
  { path: "costCenter", pass: ["C1", `C${chars(31, "1")}`], fail: ["C", `C${chars(32, "1")}`] },
  { path: "workloadShortName", pass: ["dp", "dp1234"], fail: ["d", "dp12345"] },
  { path: "tags", pass: [{ [chars(1)]: "v", [chars(512)]: "v" }], fail: [{ "": "v" }, { [chars(513)]: "v" }] },
  // Azure's 50 tags per resource, less the 5 the platform sets (contracts/tags.ts REQUIRED_TAG_KEYS).
  { path: "tags", pass: [{}, tagMap(45)], fail: [tagMap(46)] },
  { path: "tags.note", pass: ["", chars(256)], fail: [chars(257)], declared: ["max 256"] },
  { path: "network.addressSpace", pass: ["10.40.0.0/16", "10.40.0.0/24"], fail: ["10.40.0.0/15", "10.40.0.0/25"] },
  { path: "monitoring.retentionInDays", pass: [30, 730], fail: [29, 731], declared: ["min 30", "max 730"] },
  // -1 is "no cap"; between it and the smallest cap Azure takes (0.023 GB) nothing is valid.
  { path: "monitoring.dailyQuotaGb", pass: [-1, 0.023, 1000], fail: [-1.001, -0.5, 0, 0.022, 1000.001], declared: ["min -1", "max 1000"] },
  { path: "storage.softDeleteRetentionDays", pass: [1, 365], fail: [0, 366], declared: ["min 1", "max 365"] },
  { path: "backup.softDeleteRetentionDays", pass: [14, 180], fail: [13, 181], declared: ["min 14", "max 180"] },
  { path: "backup.retentionDays", pass: [7, 3650], fail: [6, 3651], declared: ["min 7", "max 3650"] },
  { path: "postgres.storageSizeGb", pass: [32, 32768], fail: [31, 32769], declared: ["min 32", "max 32768"] },
  { path: "postgres.backupRetentionDays", pass: [7, 35], fail: [6, 36], declared: ["min 7", "max 35"] },
  // One Prefect server replica (components/orchestrator/apps.ts PREFECT_SERVER_REPLICAS): 0 and 2 are both refused.
  { path: "containerApps.serverMinReplicas", pass: [1], fail: [0, 2], declared: ["min 1", "max 1"], context: { maxReplicas: 300 } },
  { path: "containerApps.workerMinReplicas", pass: [0, 30], fail: [-1, 31], declared: ["min 0", "max 30"], context: { maxReplicas: 300 } },
  {
    path: "containerApps.maxReplicas",
    pass: [1, 300],
    fail: [0, 301],
    declared: ["min 1", "max 300"],
    context: { serverMinReplicas: 1, workerMinReplicas: 0 },
  },
  { path: "synapse.sparkPool.maxNodes", pass: [3, 200], fail: [2, 201], declared: ["min 3", "max 200"] },
  { path: "synapse.sparkPool.autoPauseMinutes", pass: [5, 10080], fail: [4, 10081], declared: ["min 5", "max 10080"] },
  {
    path: "keyVault.keyExpiryDays",
    pass: [28, 3650],
    fail: [27, 3651],
    declared: ["min 28", "max 3650"],
    context: { keyRotateBeforeExpiryDays: 21, keyNotifyBeforeExpiryDays: 14 },
  },
  {
    path: "keyVault.keyRotateBeforeExpiryDays",
    pass: [8, 3643],
    fail: [7, 3644],
    declared: ["min 8", "max 3643"],
    context: { keyExpiryDays: 3650, keyNotifyBeforeExpiryDays: 7 },
  },
  {
    path: "keyVault.keyNotifyBeforeExpiryDays",
    pass: [7, 3642],
    fail: [6, 3643],
    declared: ["min 7", "max 3642"],
    context: { keyExpiryDays: 3650, keyRotateBeforeExpiryDays: 3643 },
  },
  { path: "identity.gatewaySecretRotationDays", pass: [1, 90], fail: [0, 91], declared: ["min 1", "max 90"] },
  { path: "identity.gatewaySecretOverlapDays", pass: [1, 90], fail: [0, 91], declared: ["min 1", "max 90"] },
  {
    path: "domains.gateway",
    // Labels of at most 63 characters, names of at most 253 (3 × 64 + 57 + 4 = 253).
    pass: [`${chars(63)}.contoso.com`, `${[chars(63), chars(63), chars(63), chars(57)].join(".")}.com`],
    fail: [`${chars(64)}.contoso.com`, `${[chars(63), chars(63), chars(63), chars(58)].join(".")}.com`],
  },
  { path: "gateway.oidc.audience", pass: ["a"], fail: [""], declared: ["min 1"] },
  { path: "gateway.oidc.allowedTenants", pass: [[TENANT]], fail: [[]], declared: ["min 1"] },
  { path: "gateway.rateLimit.namespaceId", pass: ["1", chars(10, "9")], fail: ["0", chars(11, "9")] },
  { path: "gateway.rateLimit.limit", pass: [1, 100000], fail: [0, 100001], declared: ["min 1", "max 100000"] },
  {
    path: "okta.redirectUris",
    pass: [["http://localhost:8400/callback"]],
    fail: [[]],
    declared: ["min 1"],
    context: { orgName: "contoso", baseUrl: "okta.com", groups: { admins: "a", engineers: "e", analysts: "n" } },
  },
  // contracts/data-domains.ts: MAX_DATA_DOMAINS (issue 13 benchmarks 50) and the concurrency typo guard.
  { path: "dataDomains", pass: [[], domainList(50)], fail: [domainList(51)], declared: ["max 50"] },
  { path: "dataDomains.[].concurrencyLimit", pass: [1, 100], fail: [0, 101], declared: ["min 1", "max 100"] },
  { path: "dataDomains.[].team", pass: [chars(3)], fail: [chars(2)], declared: ["min 3"] },
];

function domainList(n: number) {
  return Array.from({ length: n }, (_, i) => ({ name: `d${i + 1}` }));
}

/** `{ a: { b: value } }` for path `a.b`, the first segment being the stack config key. */
function keysFor({ path, context }: Range, value: unknown): Record<string, unknown> {
  const [top, ...rest] = path.split(".");
  if (rest.length === 0) return { [top!]: value };
  // One entry of a list (`dataDomains.[].field`): the entry's other required fields come from context.
  if (rest[0] === "[]") return { [top!]: [{ name: "sales", ...context, [rest[1]!]: value }] };
  const section: Record<string, unknown> = { ...context };
  let node = section;
  rest.slice(0, -1).forEach((segment) => (node = node[segment] = {} as Record<string, unknown>));
  node[rest.at(-1)!] = value;
  return { [top!]: section };
}

/** Every min/max check in the schema as `path: min N` (records as `<value>`, arrays by the array's path). */
function declaredBounds(schema: unknown, path: string[] = []): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  if (def.type === "optional") return declaredBounds(def["innerType"], path);
  if (def.type === "object") return Object.entries(def["shape"] as object).flatMap(([k, v]) => declaredBounds(v, [...path, k]));
  if (def.type === "record") return [...declaredBounds(def["keyType"], [...path, "<key>"]), ...declaredBounds(def["valueType"], [...path, "<value>"])];
  type Check = { check: string; value?: number; minimum?: number; maximum?: number };
  const own = ((def["checks"] as { _zod: { def: Check } }[] | undefined) ?? []).flatMap(({ _zod: { def: c } }) => {
    if (c.check === "greater_than" || c.check === "min_length") return [`${path.join(".")}: min ${c.value ?? c.minimum}`];
    if (c.check === "less_than" || c.check === "max_length") return [`${path.join(".")}: max ${c.value ?? c.maximum}`];
    return [];
  });
  return def.type === "array" ? [...own, ...declaredBounds(def["element"], [...path, "[]"])] : own;
}

describe("ranged config values", () => {
  it("cover every min/max the schema declares, with these numbers", () => {
    const tested = RANGES.flatMap((r) => (r.declared ?? []).map((bound) => `${r.path.replace(/^tags\.note$/, "tags.<value>")}: ${bound}`));
    assert.deepEqual(declaredBounds(configSchema).sort(), tested.sort());
  });

  it("backup.retentionDays: the schema's minimum is the Postgres policy's, so no accepted value fails mid-deployment", () => {
    assert.doesNotThrow(() => postgresPolicy(7));
    assert.throws(() => postgresPolicy(6), (err) => err instanceof BackupPolicyError && /Postgres retention 6 d is below the platform's 7 d/.test(err.message));
  });

  it("name a bad map key by its map, with the rule it breaks", () => {
    assert.deepEqual(configProblems("dev", stackConfigWith("dev", { tags: { "": "v", [chars(513)]: "v" } })), [
      'dataplatform:tags: key "": tag names are 1-512 characters without <>%&\\?/',
      `dataplatform:tags: key "${chars(40)}"… (513 characters): tag names are 1-512 characters without <>%&\\?/`,
    ]);
  });

  for (const range of RANGES) {
    it(`${range.path}: ${range.pass.map((v) => JSON.stringify(v).slice(0, 20)).join(", ")} pass, one step outside fails naming the key`, () => {
      const key = `dataplatform:${range.path.replace(".[]", "[0]")}`;
      for (const value of range.pass) {
        assert.deepEqual(configProblems("dev", stackConfigWith("dev", keysFor(range, value))), [], `${key} = ${JSON.stringify(value)}`);
      }
      for (const value of range.fail) {
        const problems = configProblems("dev", stackConfigWith("dev", keysFor(range, value)));
        assert.deepEqual(
          problems.map((p) => p.slice(0, p.indexOf(": "))),
          [key],
          `${key} = ${JSON.stringify(value)}: ${problems.join("; ") || "accepted"}`,
        );
      }
    });
  }
});
