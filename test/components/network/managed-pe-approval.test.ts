import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { pickConnection } from "../../../components/network/pick-connection";

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
