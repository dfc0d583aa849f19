import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, it } from "vitest";
import { Orchestrator } from "../../../components/orchestrator";
import { rotationOrchestrator, SUB, serviceState } from "./rotation-fixture";

/**
 * Rotation, as a behaviour: evaluate the Orchestrator for a rotation period that has not ended and one that has (the
 * `time.Rotating` start moved), with mocks that model what the real services do — RandomPassword's value changes with
 * its keepers, and Key Vault writes a new secret version when (and only when) the value changes — and compare the
 * apps' templates. Container Apps make a new revision exactly when the template changes; a secret change alone does
 * not (https://learn.microsoft.com/azure/container-apps/manage-secrets).
 */
const inputsByName = new Map<string, Record<string, any>>();

/** Rotation starts per program: `stable-*` and `before-*` in period 1, `after-*` in period 2 (a rotation happened). */
function rotationStart(name: string): string {
  return name.startsWith("after") ? "2026-04-01T00:00:00Z" : "2026-01-01T00:00:00Z";
}

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByName.set(args.name, args.inputs);
        const id = `${SUB}/Mock.Type/things/${args.name}`;
        const state: Record<string, unknown> = { ...args.inputs };
        if (serviceState(args, state)) return { id, state };
        if (args.type === "time:index/rotating:Rotating") {
          state["rfc3339"] = rotationStart(args.name);
          state["rotationRfc3339"] = "2026-12-31T00:00:00Z";
        }
        return { id, state };
      },
      call: (args) => args.inputs,
    },
    "dataplatform",
    "rotation",
    false,
  );
});

/** The apps' templates once every input resolved (the mocks record inputs as the engine would receive them). */
async function templates(o: Orchestrator): Promise<{ server: unknown }> {
  await new Promise<void>((resolve) => pulumi.all([o.serverApp.urn, o.apiAuthString]).apply(() => resolve()));
  const server = await new Promise<string>((resolve) => o.serverApp.urn.apply((urn) => resolve(urn.split("::").pop()!)));
  // The three programs differ in their resource names only: name them alike, so what remains is what rotation changes.
  const prefix = server!.split("-")[0]!;
  const normalize = (template: unknown) => JSON.parse(JSON.stringify(template ?? null).replaceAll(`${prefix}-`, "X-"));
  return { server: normalize(inputsByName.get(server!)?.["template"]) };
}

describe("rotating the Prefect API auth string (issue 10, point 3)", () => {
  // The domain workers roll on the same versioned secret: test/components/orchestrator/domain-worker.test.ts.
  let before: { server: unknown };
  let stable: { server: unknown };
  let after: { server: unknown };
  beforeAll(async () => {
    const programs = [rotationOrchestrator("before"), rotationOrchestrator("stable"), rotationOrchestrator("after")];
    [before, stable, after] = (await Promise.all(programs.map(templates))) as [typeof before, typeof stable, typeof after];
  });

  it("changes the server's template, so it gets a new revision that reads the new value", () => {
    assert.ok(before.server, "template recorded");
    assert.notDeepEqual(after.server, before.server, "the server rolls on rotation");
  });

  it("changes nothing while the rotation period runs (no needless restarts)", () => {
    assert.deepEqual(stable.server, before.server);
  });
});

describe("bad replica settings give a clear error", () => {
  it("refuses a second Prefect server replica, naming the setting and what it would need", () => {
    const build = () =>
      new Orchestrator("two-orch", {
        ...({} as Omit<ConstructorParameters<typeof Orchestrator>[1], "containerApps">),
        containerApps: { serverMinReplicas: 2, zoneRedundant: false },
      } as ConstructorParameters<typeof Orchestrator>[1]);
    assert.throws(build, /containerApps\.serverMinReplicas is 2, must be 1: more Prefect server replicas need Redis messaging/);
  });
});
