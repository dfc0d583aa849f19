import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  APPROVAL_RETRY,
  awaitConnection,
  backoffDelays,
  ConnectionNotFoundError,
  pickConnection,
} from "../../../components/network/pick-connection";
import { parseResourceId } from "../../../lib/resource-id";
import { allGraphs, ofType } from "../../support/graphs";

/** Which pending private endpoint connection on a target the approval of a managed private endpoint PUTs. */
describe("managed private endpoint approval lookup", () => {
  const pe = (name: string) => `/subscriptions/x/resourceGroups/m/providers/Microsoft.Network/privateEndpoints/${name}`;
  const connections = [
    { name: "st.aaa", privateEndpointId: pe("other.mpe-lake") },
    { name: "st.bbb", privateEndpointId: pe("ADF-ONE.mpe-lake") },
  ];

  it("picks the connection whose private endpoint is <factory>.<managed endpoint>, case-insensitively", () => {
    assert.equal(pickConnection(connections, "adf-one.mpe-lake", "storage"), "st.bbb");
  });

  it("fails loudly, naming what it found, when the endpoint's connection is not there", () => {
    assert.throws(() => pickConnection(connections, "adf-two.mpe-lake", "storage"), /no private endpoint connection from adf-two\.mpe-lake .*st\.aaa, st\.bbb/);
    assert.throws(() => pickConnection([], "adf-one.mpe", "keyvault"), /found none/);
  });

  it("returns the connection's own (Azure-chosen) name, not the endpoint's", () => {
    assert.equal(pickConnection([{ name: "kv.0f1e2d3c", privateEndpointId: pe("adf.mpe-vault") }], "adf.mpe-vault", "keyvault"), "kv.0f1e2d3c");
  });

  it("matches the endpoint name as the whole last ID segment, not a prefix, suffix or substring", () => {
    const near = [
      { name: "a", privateEndpointId: pe("adf.mpe-lake-old") },
      { name: "b", privateEndpointId: pe("x-adf.mpe-lake") },
      { name: "c", privateEndpointId: `${pe("adf.mpe-lake")}/extra` },
    ];
    assert.throws(() => pickConnection(near, "adf.mpe-lake", "storage"), /found a, b, c/);
  });

  it("skips connections that have no private endpoint yet, and takes the first match when several do", () => {
    const mixed = [
      { name: "none" },
      { name: "first", privateEndpointId: pe("syn.mpe-sql") },
      { name: "second", privateEndpointId: pe("SYN.MPE-SQL") },
    ];
    assert.equal(pickConnection(mixed, "syn.mpe-sql", "synapse"), "first");
  });

  it("names the target kind and tells the operator to run up again (the endpoint may still be provisioning)", () => {
    assert.throws(() => pickConnection([], "syn.mpe-sql", "synapse"), /on the synapse target yet .*run `pulumi up` again/);
  });
});

/** The bounded wait for the pending connection Azure creates asynchronously after the managed endpoint's PUT. */
describe("waiting for the pending connection", () => {
  const pe = (name: string) => `/subscriptions/x/resourceGroups/m/providers/Microsoft.Network/privateEndpoints/${name}`;
  const mine = { name: "st.0f1e", privateEndpointId: pe("adf.mpe-lake"), status: "Pending" };
  const other = { name: "st.aaaa", privateEndpointId: pe("other.mpe"), status: "Approved" };
  const policy = { attempts: 5, initialDelayMs: 1_000, factor: 2, maxDelayMs: 3_000 };

  /** A target whose connection appears on read `n` (1-based), and a sleeper that records instead of waiting. */
  function fake(appearsOnRead: number, fail: (read: number) => boolean = () => false) {
    const slept: number[] = [];
    let reads = 0;
    const read = async () => {
      reads++;
      if (fail(reads)) throw new Error(`ARM said 429 on read ${reads}`);
      return reads >= appearsOnRead ? [other, mine] : [other];
    };
    return { read, sleep: async (ms: number) => void slept.push(ms), slept, reads: () => reads };
  }

  it("converges when the connection appears on the Nth read, after exactly N-1 backoff waits", async () => {
    const t = fake(4);
    const found = await awaitConnection(t.read, "ADF.mpe-lake", "storage account st", policy, t.sleep);
    assert.equal(found.connection.name, "st.0f1e");
    assert.equal(found.reads, 4);
    assert.deepEqual(t.slept, [1_000, 2_000, 3_000], "exponential, capped at maxDelayMs");
  });

  it("does not wait at all when the connection is already there", async () => {
    const t = fake(1);
    assert.equal((await awaitConnection(t.read, "adf.mpe-lake", "st", policy, t.sleep)).reads, 1);
    assert.deepEqual(t.slept, []);
  });

  it("treats a failing read as a miss and keeps going", async () => {
    const t = fake(3, (n) => n === 2);
    assert.equal((await awaitConnection(t.read, "adf.mpe-lake", "st", policy, t.sleep)).reads, 3);
  });

  it("gives up after `attempts` reads with a message naming the endpoint, the target, the reads and the time waited", async () => {
    const t = fake(99);
    await assert.rejects(awaitConnection(t.read, "adf.mpe-lake", "storage account stlake", policy, t.sleep), (err: Error) => {
      assert.ok(err instanceof ConnectionNotFoundError);
      assert.match(err.message, /from managed private endpoint adf\.mpe-lake appeared on storage account stlake after 5 reads over 9 s \(found st\.aaaa\)/);
      assert.match(err.message, /provisioningState/);
      return true;
    });
    assert.equal(t.reads(), 5);
    assert.deepEqual(t.slept, [1_000, 2_000, 3_000, 3_000]);
  });

  it("reports the last read's error when every read failed", async () => {
    const t = fake(99, () => true);
    await assert.rejects(awaitConnection(t.read, "adf.mpe-lake", "st", { ...policy, attempts: 2 }, t.sleep), /the last read failed: ARM said 429 on read 2/);
  });

  it("defaults to 8 reads over 255 s (5, 10, 20, 40, then 60 s apart)", () => {
    assert.deepEqual(backoffDelays(APPROVAL_RETRY), [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    assert.throws(() => backoffDelays({ ...APPROVAL_RETRY, attempts: 0 }), /attempts must be a whole number >= 1/);
  });
});

describe("approval in the stacks", () => {
  it("approves every managed private endpoint's connection by the name Azure gave it, on the endpoint's target", async () => {
    for (const graph of await allGraphs()) {
      const endpoints = ofType(graph, "azure-native:datafactory:ManagedPrivateEndpoint");
      assert.ok(endpoints.length > 0, graph.stack);
      for (const endpoint of endpoints) {
        const approval = graph.resources.find((r) => r.type.endsWith(":PrivateEndpointConnection") && r.dependsOn.includes(endpoint.urn));
        assert.ok(approval, `${graph.stack}: ${endpoint.name} has an approval that waits for it`);
        const state = approval.inputs["privateLinkServiceConnectionState"] as Record<string, unknown>;
        assert.equal(state["status"], "Approved");
        const targetName = parseResourceId(String((endpoint.inputs["properties"] as Record<string, unknown>)["privateLinkResourceId"])).name;
        assert.match(String(approval.inputs["privateEndpointConnectionName"]), new RegExp(`^${targetName}\\.`), "the target's own connection");
      }
    }
  });
});
