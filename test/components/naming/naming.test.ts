import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Naming, type NamingContext } from "../../../components/naming";
import { namingViolation } from "../../../components/naming/rules";
import { NAMING_RULES, type NamingRule, type ResourceKind } from "../../../contracts/naming-rules";

const DEV: NamingContext = { workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" };
const naming = (overrides: Partial<NamingContext> = {}) => new Naming({ ...DEV, ...overrides });
const KINDS = Object.keys(NAMING_RULES) as ResourceKind[];

describe("Naming: Azure names per resource kind", () => {
  it("joins <abbreviation>-<workload>-<purpose>-<env>-<region>, leaving out an absent purpose", () => {
    const n = naming();
    assert.equal(n.name("resourceGroup"), "rg-dataplatform-dev-weu");
    assert.equal(n.name("containerApp", "prefect"), "ca-dataplatform-prefect-dev-weu");
    assert.equal(n.name("subnet", "aca"), "snet-dataplatform-aca-dev-weu");
  });

  it("uses the short workload code for kinds limited to 24 characters or fewer", () => {
    assert.equal(naming().name("keyVault"), `kv-dp-dev-weu-${naming().suffix}`);
  });

  it("joins compact kinds without separators, lower-case letters and digits only", () => {
    const n = naming();
    assert.equal(n.name("storageAccount", "lake"), `stdplakedevweu${n.suffix}`);
    assert.equal(n.name("storageAccount", "Lake-1"), `stdplake1devweu${n.suffix}`);
    assert.equal(n.name("synapseSparkPool"), "synspdpdevweu");
  });

  it("lower-cases the workload, purpose and environment", () => {
    assert.equal(naming({ workload: "DataPlatform", environment: "Dev" }).name("containerApp", "Prefect"), "ca-dataplatform-prefect-dev-weu");
  });

  it("appends the suffix to globally unique kinds and to no other kind", () => {
    const n = naming();
    for (const kind of KINDS) {
      const rule: NamingRule = NAMING_RULES[kind];
      assert.equal(n.name(kind).endsWith(n.suffix), Boolean(rule.globallyUnique), `${kind}: ${n.name(kind)}`);
    }
  });

  it("produces, for every kind, a name within that kind's length and charset rules", () => {
    for (const env of ["dev", "test", "prod"]) {
      const n = naming({ environment: env });
      for (const kind of KINDS) assert.equal(namingViolation(kind, n.name(kind)), undefined, `${env}: ${kind}`);
    }
  });
});

describe("Naming: the deterministic suffix", () => {
  it("is five lower-case base-36 characters, and the same for the same workload, environment and region", () => {
    assert.match(naming().suffix, /^[0-9a-z]{5}$/);
    assert.equal(naming().suffix, naming().suffix);
    // Pinned: a different hash would rename (and so replace) every globally unique resource of every stack.
    assert.equal(naming().suffix, "02mt0");
  });

  it("differs per environment, region and workload", () => {
    const base = naming().suffix;
    assert.notEqual(naming({ environment: "prod" }).suffix, base);
    assert.notEqual(naming({ location: "northeurope" }).suffix, base);
    assert.notEqual(naming({ workload: "otherplatform" }).suffix, base);
  });

  it("does not depend on the short codes, which only shape the name", () => {
    assert.equal(naming({ workloadShort: "dpx", locationCode: "we" }).suffix, naming().suffix);
  });
});

describe("Naming: refusing names Azure would reject", () => {
  it("refuses a name longer than the kind allows, saying which purpose to shorten", () => {
    // The connector's Container App keeps the purpose "tunnel" because of exactly this limit.
    assert.throws(() => naming().name("containerApp", "connector"), /naming: containerApp name "ca-dataplatform-connector-dev-weu" is 33 characters; Azure allows 2-32 \(shorten the purpose "connector"\)/);
  });

  it("refuses a name outside the kind's charset", () => {
    assert.throws(() => naming().name("containerApp", "pre_fect"), /containerApp name "ca-dataplatform-pre_fect-dev-weu" does not match/);
  });
});

describe("namingViolation", () => {
  it("accepts a name within the kind's length, pattern and forbidden forms", () => {
    assert.equal(namingViolation("keyVault", "kv-dp-dev-weu-02mt0"), undefined);
  });

  it("reports a name shorter or longer than the kind allows", () => {
    assert.match(namingViolation("storageAccount", "st") ?? "", /is 2 characters; Azure allows 3-24/);
    assert.match(namingViolation("keyVault", "k".repeat(25)) ?? "", /is 25 characters; Azure allows 3-24/);
  });

  it("reports a name that breaks the kind's pattern", () => {
    assert.match(namingViolation("storageAccount", "st-lake") ?? "", /does not match/);
    assert.match(namingViolation("keyVault", "1kv") ?? "", /does not match/);
  });

  it("reports a forbidden form the pattern alone would allow", () => {
    assert.match(namingViolation("keyVault", "kv--dp") ?? "", /forbidden form/);
    assert.match(namingViolation("synapseWorkspace", "synw-ondemand") ?? "", /forbidden form/);
  });
});
