import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { ConfigError, resolvePlatformConfig } from "../../stacks/config";
import { type Graph, type GraphResource, readStackConfig, stackGraph } from "../../tools/graph";
import { byUrn, graphOf, ofType, one, STACKS } from "../support/graphs";
import { withCloudflareConnectivity } from "./gateway-wiring/helpers";
import { T } from "../../contracts/resource-types";

/**
 * The longest a rotated secret may live before it is replaced. Deliberately a literal, never read from the config or
 * a component default: a default of 400 days must fail here, not be echoed back.
 */
const MAX_ROTATION_DAYS = 90;


/** The input whose change replaces the generated value (a replace-only input of the generator). */
const REPLACE_TRIGGER: Record<string, string> = { [T.entraApplicationPassword]: "rotateWhenChanged", [T.randomPassword]: "keepers" };

interface RotatedSecret {
  what: string;
  /** The Key Vault secret holding the value: the anchor the trace starts from. */
  vaultSecretName: string;
  generator: string;
  /** The Worker binding carrying the value, when the Worker uses it. */
  binding?: string;
  /** Generators behind the value: 2 for a rotation with an overlap (two slots, current and next). Default 1. */
  slots?: number;
}

const CLIENT_SECRET: RotatedSecret = { what: "gateway Entra client secret", vaultSecretName: "gateway-client-secret", generator: T.entraApplicationPassword, binding: "AZURE_CLIENT_SECRET", slots: 2 };
const PREFECT_AUTH: RotatedSecret = { what: "Prefect API auth string", vaultSecretName: "prefect-api-auth-string", generator: T.randomPassword, slots: 2 };
const SHARED_SECRET: RotatedSecret = { what: "allowlist shared secret", vaultSecretName: "gateway-upstream-shared-secret", generator: T.randomPassword, binding: "UPSTREAM_SHARED_SECRET" };

/** The longest period a `time.Rotating` can take, in days, from whichever rotation input it sets. */
function periodDays(rotating: GraphResource): number {
  const i = rotating.inputs;
  assert.equal(i["rotationRfc3339"], undefined, `${rotating.name}: a fixed deadline is not a rotation period`);
  const parts: [string, number][] = [
    ["rotationYears", 366],
    ["rotationMonths", 31],
    ["rotationDays", 1],
    ["rotationHours", 1 / 24],
    ["rotationMinutes", 1 / 1440],
  ];
  const set = parts.filter(([key]) => i[key] !== undefined);
  assert.ok(set.length > 0, `${rotating.name}: no rotation period set`);
  const days = set.reduce((sum, [key, factor]) => sum + Number(i[key]) * factor, 0);
  assert.ok(Number.isFinite(days) && days > 0, `${rotating.name}: rotation period ${JSON.stringify(i)}`);
  return days;
}

/** The Rotating resources whose change replaces `generator` (through its replace trigger input). */
function rotationsOf(graph: Graph, generator: GraphResource): GraphResource[] {
  const trigger = REPLACE_TRIGGER[generator.type]!;
  return (generator.propertyDependencies[trigger] ?? []).map((urn) => byUrn(graph, urn)).filter((r): r is GraphResource => r?.type === T.rotating);
}

/** Key Vault secret → the generated value in it → the Rotating that replaces that value; asserts the period. */
function assertRotated(graph: Graph, secret: RotatedSecret): void {
  const label = `${graph.stack}: ${secret.what}`;
  const vaultSecret = one(graph, T.vaultSecret, (s) => s.inputs["secretName"] === secret.vaultSecretName);
  const generators = (vaultSecret.propertyDependencies["properties"] ?? [])
    .map((urn) => byUrn(graph, urn))
    .filter((r): r is GraphResource => r?.type === secret.generator);
  assert.equal(generators.length, secret.slots ?? 1, `${label}: the Key Vault secret's value comes from ${secret.slots ?? 1} ${secret.generator}`);
  for (const generator of generators) {
    const rotations = rotationsOf(graph, generator);
    assert.ok(rotations.length > 0, `${label}: ${generator.name} has no time.Rotating in its ${REPLACE_TRIGGER[generator.type]}, so it never rotates`);
    for (const rotation of rotations) {
      const days = periodDays(rotation);
      assert.ok(days <= MAX_ROTATION_DAYS, `${label}: ${rotation.name} rotates every ${days} days; at most ${MAX_ROTATION_DAYS}`);
    }
  }
  if (secret.binding) {
    const worker = one(graph, T.workersScript);
    assert.ok((worker.inputs["bindings"] as { name: string }[]).some((b) => b.name === secret.binding), `${label}: Worker binding ${secret.binding}`);
    for (const generator of generators) {
      assert.ok((worker.propertyDependencies["bindings"] ?? []).includes(generator.urn), `${label}: the Worker's ${secret.binding} is the rotated value`);
    }
  }
}

/**
 * Rotation with an overlap (docs/gateway.md#rotation): the Worker holds a rotated value's current and next value, both
 * secret, both from the two rotated slots (generators named `<name>` and `<name>-b`) the current value comes from.
 */
function assertWorkerHoldsBothValues(graph: Graph, names: readonly [string, string], generator: string, slot: RegExp): void {
  const worker = one(graph, T.workersScript);
  const bindings = worker.inputs["bindings"] as { name: string; type: string }[];
  for (const name of names) {
    const index = bindings.findIndex((b) => b.name === name);
    assert.ok(index >= 0, `${graph.stack}: Worker binding ${name}`);
    assert.equal(bindings[index]!.type, "secret_text", `${graph.stack}: ${name} is a secret binding`);
    assert.ok(worker.secretPaths.includes(`bindings[${index}].text`), `${graph.stack}: ${name} is a Pulumi secret`);
  }
  const slots = ofType(graph, generator).filter((p) => slot.test(p.name));
  assert.equal(slots.length, 2, `${graph.stack}: two slots behind ${names[0]}`);
  for (const s of slots) assert.ok((worker.propertyDependencies["bindings"] ?? []).includes(s.urn), `${graph.stack}: the Worker's bindings come from ${s.name}`);
}
const assertWorkerHoldsBothPrefectValues = (graph: Graph) =>
  assertWorkerHoldsBothValues(graph, ["PREFECT_AUTH", "PREFECT_AUTH_NEXT"], T.randomPassword, /api-auth-password(-b)?$/);
const assertWorkerHoldsBothClientSecrets = (graph: Graph) =>
  assertWorkerHoldsBothValues(graph, ["AZURE_CLIENT_SECRET", "AZURE_CLIENT_SECRET_NEXT"], T.entraApplicationPassword, /gateway-secret-password(-b)?$/);

/** No generated credential anywhere in the graph escapes rotation, whatever it is for. */
function assertEveryGeneratedSecretRotated(graph: Graph): void {
  const generated = [...ofType(graph, T.entraApplicationPassword), ...ofType(graph, T.randomPassword)];
  assert.ok(generated.length > 0);
  for (const generator of generated) {
    const rotations = rotationsOf(graph, generator);
    assert.ok(rotations.length > 0, `${graph.stack}: ${generator.name} never rotates`);
    for (const rotation of rotations) assert.ok(periodDays(rotation) <= MAX_ROTATION_DAYS, `${graph.stack}: ${rotation.name} rotates every ${periodDays(rotation)} days`);
  }
}

describe(`every rotated secret is replaced at least every ${MAX_ROTATION_DAYS} days`, () => {
  for (const stack of STACKS) {
    it(`${stack}: gateway client secret and Prefect auth string, traced from Key Vault to their time.Rotating; the Worker holds both slots of each`, async () => {
      const graph = await graphOf(stack);
      assertRotated(graph, CLIENT_SECRET);
      assertRotated(graph, PREFECT_AUTH);
      assertWorkerHoldsBothPrefectValues(graph);
      assertWorkerHoldsBothClientSecrets(graph);
      assertEveryGeneratedSecretRotated(graph);
    });
  }

  describe("allowlist mode (config override on dev)", () => {
    let graph: Graph;
    beforeAll(async () => {
      graph = await stackGraph("dev", { config: withCloudflareConnectivity("dev", "allowlist") });
    });

    it("the shared secret, the client secret and the Prefect auth string rotate within the limit", () => {
      assertRotated(graph, SHARED_SECRET);
      assertRotated(graph, CLIENT_SECRET);
      assertRotated(graph, PREFECT_AUTH);
      assertWorkerHoldsBothClientSecrets(graph);
      assertEveryGeneratedSecretRotated(graph);
    });
  });

  describe("config schema", () => {
    const withIdentity = (identity: Record<string, unknown>) => ({ ...readStackConfig("dev"), "dataplatform:identity": JSON.stringify(identity) });

    it(`accepts gatewaySecretRotationDays ${MAX_ROTATION_DAYS} and resolves it unchanged`, () => {
      const config = resolvePlatformConfig("dataplatform", "dev", withIdentity({ gatewaySecretRotationDays: MAX_ROTATION_DAYS }));
      assert.equal(config.identity.gatewaySecretRotationDays, MAX_ROTATION_DAYS);
    });

    it(`rejects gatewaySecretRotationDays ${MAX_ROTATION_DAYS + 1}`, () => {
      assert.throws(
        () => resolvePlatformConfig("dataplatform", "dev", withIdentity({ gatewaySecretRotationDays: MAX_ROTATION_DAYS + 1 })),
        (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.key === "dataplatform:identity.gatewaySecretRotationDays"),
      );
    });

    it(`the default, with no identity config, is at most ${MAX_ROTATION_DAYS}`, () => {
      const config = readStackConfig("dev");
      delete config["dataplatform:identity"];
      assert.ok(resolvePlatformConfig("dataplatform", "dev", config).identity.gatewaySecretRotationDays <= MAX_ROTATION_DAYS);
    });
  });
});
