import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, it } from "vitest";
import type { Orchestrator } from "../../../components/orchestrator";
import { rotationOrchestrator, SUB, serviceState } from "./rotation-fixture";
import { addDays } from "../../../lib/dates";

/**
 * Rotation with an overlap (issue 10, point 3), as a sequence of `up`s: the Prefect auth string has two slots, each a
 * password replaced when its `time.Rotating` is recreated, B half a period after A. The mocks model the state the
 * engine keeps between `up`s — which slot was recreated in which period, and that slot B keeps its base (its
 * `rfc3339` input is ignored after creation) — plus what the services do: RandomPassword's value follows its keepers,
 * Key Vault writes a new version when the value changes. Each period's program is evaluated, and the values the
 * apps and the Worker get are compared across periods.
 */
const ROTATION_DAYS = 90;
const T0 = "2026-01-01T00:00:00Z";
/** Base timestamps per period as the engine's state holds them after that period's `up --refresh`. */
const BASES: Record<string, { a: string; b: (input: string) => string }> = {
  // First `up`: both created; B from its input (A's base + half a period).
  p1: { a: T0, b: (input) => input },
  p1again: { a: T0, b: () => addDays(T0, ROTATION_DAYS / 2) },
  // A's deadline passed: A recreated; B unchanged (its deadline is half a period later; input change ignored).
  p2: { a: addDays(T0, ROTATION_DAYS), b: () => addDays(T0, ROTATION_DAYS / 2) },
  // B's deadline passed: B recreated from its input, now A's new base plus half a period.
  p3: { a: addDays(T0, ROTATION_DAYS), b: (input) => input },
};
const inputsByName = new Map<string, Record<string, any>>();
/** The Key Vault secret specs each program asked for, by program prefix. */
const vaultSpecs = new Map<string, { expiresOn?: pulumi.Input<string> }>();
const rotatingInputs = new Map<string, Record<string, any>>();

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByName.set(args.name, args.inputs);
        const id = `${SUB}/Mock.Type/things/${args.name}`;
        const state: Record<string, unknown> = { ...args.inputs };
        const period = args.name.split("-")[0]!;
        if (serviceState(args, state)) return { id, state };
        switch (args.type) {
          case "time:index/rotating:Rotating": {
            rotatingInputs.set(args.name, args.inputs);
            const bases = BASES[period]!;
            const base = args.name.endsWith("-b") ? bases.b(args.inputs["rfc3339"]) : bases.a;
            state["rfc3339"] = base;
            state["rotationRfc3339"] = addDays(base, args.inputs["rotationDays"]);
            break;
          }
        }
        return { id, state };
      },
      call: (args) => args.inputs,
    },
    "dataplatform",
    "rotation-overlap",
    false,
  );
});

function orchestrator(prefix: string): Orchestrator {
  return rotationOrchestrator(prefix, { apiAuthRotationDays: ROTATION_DAYS, onSecret: (spec) => vaultSpecs.set(prefix, spec) });
}

interface Period {
  current: string;
  next: string;
  server: unknown;
  expiresOn: string;
}

const resolve = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply((v) => r(v)));

async function period(prefix: string): Promise<Period> {
  const o = orchestrator(prefix);
  const [current, next, serverUrn, expiresOn] = await Promise.all([
    resolve(o.apiAuthString),
    resolve(o.apiAuthNext),
    resolve(o.serverApp.urn),
    resolve(pulumi.output(vaultSpecs.get(prefix)!.expiresOn!)),
  ]);
  const normalize = (template: unknown) => JSON.parse(JSON.stringify(template ?? null).replaceAll(`${prefix}-`, "X-"));
  const name = (urn: string) => urn.split("::").pop()!;
  return {
    current,
    next,
    server: normalize(inputsByName.get(name(serverUrn))?.["template"]),
    expiresOn,
  };
}

describe("rotating the Prefect auth string with an overlap (issue 10, point 3)", () => {
  let p1: Period;
  let p1again: Period;
  let p2: Period;
  let p3: Period;
  beforeAll(async () => {
    [p1, p1again, p2, p3] = (await Promise.all(["p1", "p1again", "p2", "p3"].map(period))) as Period[] as [Period, Period, Period, Period];
  });

  it("every rotation changes both apps' templates (revision-scoped), so both roll to the new value", () => {
    for (const [from, to] of [[p1, p2], [p2, p3]] as const) {
      assert.notEqual(to.current, from.current, "a new value");
      assert.notDeepEqual(to.server, from.server, "the server rolls");
    }
  });

  it("the apps roll to the value the Worker already held as next: during the roll it holds the outgoing and the incoming value", () => {
    // The Worker is updated after the apps rolled (apiAuthString waits for their revisions), so during a roll it still
    // holds the previous period's pair.
    assert.equal(p2.current, p1.next);
    assert.equal(p3.current, p2.next);
    for (const [before, after] of [[p1, p2], [p2, p3]] as const) {
      assert.ok([before.current, before.next].includes(after.current), "the new revision's value");
    }
    for (const p of [p1, p2, p3]) assert.notEqual(p.next, p.current);
    for (const p of [p1, p2, p3]) assert.match(p.current, /^prefect:pw-/);
  });

  it("nothing changes while neither slot's deadline has passed (no needless restarts, same pair for the Worker)", () => {
    assert.deepEqual(p1again, p1);
  });

  it("slot B is based half a period after A and never follows A's later changes", () => {
    const b = rotatingInputs.get("p2-orch-api-auth-rotation-b")!;
    assert.equal(b["rfc3339"], addDays(addDays(T0, ROTATION_DAYS), ROTATION_DAYS / 2), "recreated: half a period after A's base");
    assert.equal(b["rotationDays"], ROTATION_DAYS, "no value lives longer than the rotation period");
    assert.equal(rotatingInputs.get("p2-orch-api-auth-rotation")!["rotationDays"], ROTATION_DAYS);
  });

  it("the Key Vault secret expires 30 days after its value stops being current (its own slot's deadline)", () => {
    // p1: A (based T0) is current until its deadline T0+90; p2: B (based T0+45) until its deadline T0+135.
    assert.equal(p1.expiresOn, addDays(T0, ROTATION_DAYS + 30));
    assert.equal(p2.expiresOn, addDays(T0, ROTATION_DAYS * 1.5 + 30));
  });
});
