import assert from "node:assert/strict";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, it } from "vitest";
import { RotatingClientSecret } from "../../../components/identity/rotation";
import { addDays } from "../../../lib/dates";

/**
 * The gateway app's client secret rotated with an overlap (issue 10, point 3), as a timeline of `pulumi up --refresh`
 * runs. The mocks play the engine and the services between runs:
 *
 * - `time.Rotating`: a schedule stays in state until a refresh runs after its deadline (the provider's Read removes
 *   it), then `up` creates it anew, based on its `rfc3339` input or else on "now". A schedule in state keeps its base
 *   whatever its input says now (slot B's `ignoreChanges: ["rfc3339"]`).
 * - `azuread.ApplicationPassword`: every input is replace-only, so a password whose inputs changed is replaced: the new
 *   one (a new value, created now) exists first, and the old one is deleted at the end of the same `up`.
 *
 * Each run evaluates the component named `u<n>-gw`; what the Worker gets is `value` (AZURE_CLIENT_SECRET) and `next`
 * (AZURE_CLIENT_SECRET_NEXT) — the stacks bind exactly these (test/stacks/gateway-wiring/client-secret-slots.test.ts).
 * Between two runs the Worker holds what the earlier one gave it; isolates of the previous script version may still
 * hold the pair before that, for a while after a run.
 */
const ROTATION_DAYS = 90;
const HALF_DAYS = ROTATION_DAYS / 2;
const OVERLAP_DAYS = 30;
const DAY = 86_400_000;
const T0 = "2026-01-01T00:00:00Z";
const APP = "/applications/00000000-0000-4000-8000-0000000000a9";

interface Password {
  readonly name: string;
  readonly value: string;
  readonly inputs: string;
  readonly createdAt: number;
  /** When Entra accepts it from: the `startDate` input, else its creation (Entra's default). */
  readonly validFrom: number;
  readonly endDate: number;
  deletedAt?: number;
}

/** The state the engine keeps between runs (by resource name without the run prefix) and every password ever made. */
const engine = {
  now: 0,
  seq: 0,
  rotating: new Map<string, { id: string; base: string; deadline: string }>(),
  passwords: new Map<string, Password>(),
  byValue: new Map<string, Password>(),
  replaced: [] as Password[],
};

/** Stable JSON (sorted keys): the engine's input comparison. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const logical = (name: string) => name.replace(/^u\d+-/, "");

function rotatingState(name: string, inputs: Record<string, any>): Record<string, unknown> {
  const key = logical(name);
  let s = engine.rotating.get(key);
  // terraform-provider-time: Read removes the resource once "now" is after the rotation timestamp.
  if (!s || engine.now > Date.parse(s.deadline)) {
    const base = typeof inputs["rfc3339"] === "string" ? inputs["rfc3339"] : iso(engine.now);
    s = { id: `rotating-${++engine.seq}`, base, deadline: addDays(base, Number(inputs["rotationDays"])) };
    engine.rotating.set(key, s);
  }
  return { id: s.id, rfc3339: s.base, rotationRfc3339: s.deadline };
}

function passwordState(name: string, inputs: Record<string, any>): { id: string; state: Record<string, unknown> } {
  const key = logical(name);
  const wanted = canonical(inputs);
  let p = engine.passwords.get(key);
  if (!p || p.inputs !== wanted) {
    if (p) engine.replaced.push(p);
    const value = `secret-${key}-${++engine.seq}`;
    p = {
      name: key,
      value,
      inputs: wanted,
      createdAt: engine.now,
      validFrom: inputs["startDate"] ? Date.parse(inputs["startDate"]) : engine.now,
      endDate: Date.parse(inputs["endDate"]),
    };
    engine.passwords.set(key, p);
    engine.byValue.set(value, p);
  }
  return { id: `${key}-${p.value}`, state: { ...inputs, value: p.value, endDate: iso(p.endDate), startDate: iso(p.validFrom) } };
}

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        switch (args.type) {
          case "time:index/rotating:Rotating": {
            const { id, ...state } = rotatingState(args.name, args.inputs);
            return { id: String(id), state };
          }
          case "azuread:index/applicationPassword:ApplicationPassword":
            return passwordState(args.name, args.inputs);
          default:
            return { id: `${args.name}-id`, state: args.inputs };
        }
      },
      call: (args) => args.inputs,
    },
    "dataplatform",
    "client-secret-overlap",
    false,
  );
});

interface Run {
  at: number;
  /** AZURE_CLIENT_SECRET */
  value: string;
  /** AZURE_CLIENT_SECRET_NEXT */
  next: string;
  stored: { value: string; expiresOn: string };
}

const resolve = <T>(o: pulumi.Input<T>) => new Promise<T>((r) => pulumi.output(o).apply((v) => r(v as T)));
let runs = 0;

/** One `pulumi up --refresh` at `at` (ms): the program evaluated, then the replaced passwords deleted. */
async function up(at: number): Promise<Run> {
  engine.now = at;
  engine.replaced = [];
  let stored!: Promise<{ value: string; expiresOn: string }>;
  const secret = new RotatingClientSecret(`u${++runs}-gw`, {
    applicationId: APP,
    rotationDays: ROTATION_DAYS,
    overlapDays: OVERLAP_DAYS,
    store: (value, expiresOn, owner) => {
      stored = Promise.all([resolve(value), resolve(expiresOn)]).then(([v, e]) => ({ value: v, expiresOn: e }));
      return new azure.keyvault.Secret(`${owner.name}-secret-gateway-client-secret`, { resourceGroupName: "rg", vaultName: "kv", secretName: "gateway-client-secret", properties: { value } }, { parent: owner.parent });
    },
  });
  const [value, next] = await Promise.all([resolve(secret.value), resolve(secret.next)]);
  const run = { at, value, next, stored: await stored };
  for (const p of engine.replaced) p.deletedAt = at;
  return run;
}

function reset(): void {
  engine.rotating.clear();
  engine.passwords.clear();
  engine.byValue.clear();
}

const password = (value: string) => {
  const p = engine.byValue.get(value);
  assert.ok(p, `${value} is no password of the app`);
  return p;
};
const day = (ms: number) => (ms - Date.parse(T0)) / DAY;

/**
 * What must hold at every instant between run `i` and the next: the Worker holds two different passwords, both
 * valid (started, not expired, not deleted) until the next run, the one it tries first at least `minAgeDays` old;
 * isolates of the previous script version hold a pair that contains that current password; Key Vault holds the
 * current value with the current password's end date.
 */
function assertTimeline(timeline: Run[], minAgeDays: (run: Run, index: number) => number): void {
  timeline.forEach((run, i) => {
    const at = `run ${i} (day ${day(run.at)})`;
    const until = timeline[i + 1]?.at ?? run.at;
    const current = password(run.value);
    const other = password(run.next);
    assert.notEqual(current, other, `${at}: two different passwords`);
    for (const p of [current, other]) {
      assert.ok(p.validFrom <= run.at, `${at}: ${p.name} valid from day ${day(p.validFrom)}, not yet valid`);
      assert.ok(p.endDate > until, `${at}: ${p.name} expires on day ${day(p.endDate)}, before the next run (day ${day(until)})`);
      assert.ok(p.deletedAt === undefined || p.deletedAt >= until, `${at}: ${p.name} deleted on day ${day(p.deletedAt ?? 0)}`);
    }
    const age = (run.at - current.createdAt) / DAY;
    assert.ok(age >= minAgeDays(run, i), `${at}: the current password is ${age} days old, less than ${minAgeDays(run, i)}`);
    assert.deepEqual(run.stored, { value: run.value, expiresOn: iso(current.endDate) }, `${at}: Key Vault holds the current value, expiring with it`);
    const previous = timeline[i - 1];
    if (previous) {
      assert.ok([previous.value, previous.next].includes(run.value), `${at}: the new current value was already the Worker's (old isolates have it)`);
      if (run.value !== previous.value) assert.equal(run.value, previous.next, `${at}: a rotation promotes the value the Worker held as next`);
    }
  });
}

/** Runs at T0 + each offset (days), in order. */
async function timeline(offsets: readonly number[]): Promise<Run[]> {
  const result: Run[] = [];
  for (const d of offsets) result.push(await up(Date.parse(addDays(T0, d))));
  return result;
}

describe("the gateway's Entra client secret in two slots, half a period apart (issue 10, point 3)", () => {
  describe("a new stack deployed every day for four periods", () => {
    let runsDaily: Run[];
    beforeAll(async () => {
      reset();
      runsDaily = await timeline(Array.from({ length: 4 * ROTATION_DAYS + 1 }, (_, d) => d));
    });

    it("at every instant the Worker holds two valid passwords; the one it tries first is at least half a period old (after the first half period)", () => {
      // The first half period starts with two fresh passwords: nothing older exists on a new stack.
      assertTimeline(runsDaily, (run) => Math.min(HALF_DAYS, day(run.at)));
    });

    it("the current value changes every half period, one slot at a time, and the other value stays in place", () => {
      const changed = runsDaily.filter((run, i) => i > 0 && (run.value !== runsDaily[i - 1]!.value || run.next !== runsDaily[i - 1]!.next));
      // A (day 0) is due on day 90, B (based day 45) on day 135; the refresh after a deadline replaces the slot.
      assert.deepEqual(changed.map((run) => day(run.at)), [91, 136, 182, 227, 273, 318]);
      for (const run of changed) {
        const before = runsDaily[runsDaily.indexOf(run) - 1]!;
        assert.equal(run.value, before.next, `day ${day(run.at)}: the held next value becomes current`);
        assert.notEqual(run.next, before.value, "the old current is gone");
        assert.equal(password(run.next).createdAt, run.at, "the rotated slot has a new password");
        assert.equal(password(before.value).deletedAt, run.at, "deleted in the same run, after the Worker got the other one");
      }
    });

    it("each slot is replaced every period; slot B's password starts at its creation although its base lies ahead", () => {
      const all = [...engine.byValue.values()];
      for (const p of all.filter((x) => x.deletedAt !== undefined)) {
        const days = (p.deletedAt! - p.createdAt) / DAY;
        // The first B is created on day 0 with its base on day 45: its first period runs from its base.
        const limit = p.createdAt === Date.parse(T0) && p.name === "gw-password-b" ? HALF_DAYS + ROTATION_DAYS + 1 : ROTATION_DAYS + 1;
        assert.ok(days <= limit, `${p.name} created on day ${day(p.createdAt)} lived ${days} days`);
      }
      const firstB = all.find((p) => p.name === "gw-password-b")!;
      assert.equal(firstB.validFrom, Date.parse(T0), "B (based day 45) is valid from its creation on day 0");
    });
  });

  describe("deployments at irregular intervals (1 to 14 days apart)", () => {
    const GAPS = [1, 3, 7, 2, 14, 5, 11, 4, 13, 6];
    const MAX_GAP = Math.max(...GAPS);
    let runsIrregular: Run[];
    beforeAll(async () => {
      reset();
      const offsets = [0];
      for (let i = 0; offsets.at(-1)! < 4 * ROTATION_DAYS; i++) offsets.push(offsets.at(-1)! + GAPS[i % GAPS.length]!);
      runsIrregular = await timeline(offsets);
    });

    it("the Worker always holds two valid passwords; each run late shortens the current one's head start by at most the gap", () => {
      assertTimeline(runsIrregular, (run) => Math.min(HALF_DAYS - MAX_GAP, day(run.at)));
    });
  });

  describe("the first up with slots, on a stack whose single password is 60 days into its period", () => {
    let first: Run;
    let runsMigrated: Run[];
    let single: Password;
    beforeAll(async () => {
      reset();
      // The state the single-password program left: schedule `<name>-schedule` based 60 days ago and the password it
      // registered (components/identity/rotation.ts before slots: these five inputs, startDate = the schedule's base).
      const base = addDays(T0, -60);
      const deadline = addDays(base, ROTATION_DAYS);
      engine.now = Date.parse(base);
      engine.rotating.set("gw-schedule", { id: "rotating-single", base, deadline });
      passwordState("u0-gw-password", {
        applicationId: APP,
        displayName: `rotated ${base}`,
        startDate: base,
        endDate: addDays(deadline, OVERLAP_DAYS),
        rotateWhenChanged: { rotation: "rotating-single", deadline },
      });
      single = engine.passwords.get("gw-password")!;
      runsMigrated = await timeline(Array.from({ length: 2 * ROTATION_DAYS }, (_, d) => d));
      first = runsMigrated[0]!;
    });

    it("changes no existing value: slot A is the single password, still current, and Key Vault keeps its value and expiry; only B is created", () => {
      assert.equal(first.value, single.value, "the Worker's AZURE_CLIENT_SECRET is unchanged");
      assert.ok(single.deletedAt === undefined || single.deletedAt > first.at, "slot A's password is not replaced");
      assert.deepEqual(first.stored, { value: single.value, expiresOn: iso(single.endDate) });
      assert.equal(password(first.next).name, "gw-password-b");
      assert.equal(password(first.next).createdAt, Date.parse(T0));
    });

    it("afterwards the Worker always holds two valid passwords; B takes over at A's old deadline, as old as the time since the first up", () => {
      // A's deadline is day 30: B, created on day 0, becomes current on day 31. From B's own rotation on, half a period.
      assertTimeline(runsMigrated, (run) => Math.min(HALF_DAYS, day(run.at)));
      const firstSwitch = runsMigrated.find((run) => run.value !== single.value)!;
      assert.equal(day(firstSwitch.at), 31);
    });
  });
});
