import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { addDays } from "../../../lib/dates";
import { type Graph, type GraphResource, stackGraph } from "../../../tools/graph";
import { stateKey } from "../../../tools/graph/round-trip";
import { graphOf } from "../../support/graphs";
import { binding, one, T } from "./helpers";

/**
 * The real dev stack before and after slot A of the gateway's client secret rotates (docs/gateway.md#rotation): the
 * second evaluation answers from the state the engine holds after that `up --refresh` — A's schedule recreated a period
 * after its first base, with a new password; B's schedule and password untouched (B keeps its base: ignoreChanges).
 * The Worker must swap: B, the older password it already held as AZURE_CLIENT_SECRET_NEXT, becomes AZURE_CLIENT_SECRET
 * and A's new password the next value; Key Vault follows the current one. The component's behaviour over a whole
 * timeline is test/components/identity/client-secret-overlap.test.ts.
 */
const ROTATING = "time:index/rotating:Rotating";

function child(graph: Graph, type: string, suffix: string): GraphResource {
  return one(graph, type, (r) => r.name.endsWith(`-gateway-secret-${suffix}`));
}

describe("dev: the Worker's client secrets after slot A rotates", () => {
  let before: Graph;
  let after: Graph;
  const ROTATED = "rotated-slot-a-client-secret";
  beforeAll(async () => {
    before = await graphOf("dev");
    const scheduleA = child(before, ROTATING, "schedule");
    const passwordA = child(before, T.password, "password");
    const scheduleB = child(before, ROTATING, "schedule-b");
    const passwordB = child(before, T.password, "password-b");
    const days = Number(scheduleA.inputs["rotationDays"]);
    const overlap = (Date.parse(String(passwordA.inputs["endDate"])) - Date.parse(String(scheduleA.outputs["rotationRfc3339"]))) / 86_400_000;
    // A's deadline passed: the refresh dropped it, `up` created it anew (based now, one period after its first base).
    const base = String(scheduleA.outputs["rotationRfc3339"]);
    const deadline = addDays(base, days);
    const state = {
      [stateKey(ROTATING, scheduleA.name)]: { id: "rotating-a-second-period", outputs: { ...scheduleA.outputs, rfc3339: base, rotationRfc3339: deadline } },
      [stateKey(T.password, passwordA.name)]: { id: "password-a-second-period", outputs: { ...passwordA.outputs, value: ROTATED, startDate: base, endDate: addDays(deadline, overlap) } },
      // B: what the first `up` left, whatever its rfc3339 input now says (A's new base + half a period).
      [stateKey(ROTATING, scheduleB.name)]: { ...(scheduleB.id ? { id: scheduleB.id } : {}), outputs: scheduleB.outputs },
      [stateKey(T.password, passwordB.name)]: { ...(passwordB.id ? { id: passwordB.id } : {}), outputs: passwordB.outputs },
    };
    after = await stackGraph("dev", { state });
  });

  const secrets = (graph: Graph) => ({
    current: binding(graph, "AZURE_CLIENT_SECRET").binding.text,
    next: binding(graph, "AZURE_CLIENT_SECRET_NEXT").binding.text,
    stored: one(graph, T.secret, (s) => s.inputs["secretName"] === "gateway-client-secret").inputs["properties"] as { value: string; attributes: { expires: number } },
  });

  it("B, held as the next value since its creation, becomes current; A's new password is the next value", () => {
    const [was, is] = [secrets(before), secrets(after)];
    const valueB = child(before, T.password, "password-b").outputs["value"];
    assert.equal(was.next, valueB);
    assert.equal(is.current, valueB, "the Worker's current value is the one it already held");
    assert.equal(is.next, ROTATED, "the rotated slot's new password is only the other value");
    assert.notEqual(is.current, was.current, "the deleted password is no longer bound");
  });

  it("Key Vault holds the new current value (B's), expiring with B's password", () => {
    const { stored } = secrets(after);
    const passwordB = child(after, T.password, "password-b");
    assert.equal(stored.value, passwordB.outputs["value"]);
    assert.equal(stored.attributes.expires, Date.parse(String(passwordB.inputs["endDate"])) / 1000);
  });

  it("B's password is not replaced: same inputs as before A's rotation", () => {
    assert.deepEqual(child(after, T.password, "password-b").inputs, child(before, T.password, "password-b").inputs);
  });
});
