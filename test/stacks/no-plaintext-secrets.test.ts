import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import type { Graph, GraphResource } from "../../tools/graph";
import { allGraphs, ofType } from "../support/graphs";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});

function leaves(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path || "$", value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [];
}

function covered(path: string, secretPaths: string[]): boolean {
  return secretPaths.some((p) => p === "$" || path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/**
 * The credentials in the graph: values stored in Key Vault secrets and Worker secret bindings, and what credential
 * resources generate (mock stand-ins). Derived values that Pulumi merely taints as secret (IDs) are not credentials.
 */
function secretValues(graph: Graph): string[] {
  const values = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === "string" && v.length >= 8) values.add(v);
  };
  for (const s of ofType(graph, "azure-native:keyvault:Secret")) add((s.inputs["properties"] as { value?: unknown } | undefined)?.value);
  for (const w of graph.resources.filter((r) => r.type.startsWith("cloudflare:") && Array.isArray(r.inputs["bindings"]))) {
    for (const b of w.inputs["bindings"] as { type?: string; text?: unknown }[]) if (b.type === "secret_text") add(b.text);
  }
  for (const p of ofType(graph, "azuread:index/applicationPassword:ApplicationPassword")) add(p.outputs["value"]);
  for (const p of ofType(graph, "random:index/randomPassword:RandomPassword")) add(p.outputs["result"]);
  return [...values];
}

describe("no secret in plaintext", () => {
  it("the gateway client secret reaches inputs only as a Pulumi secret", () => {
    for (const graph of graphs) {
      const password = ofType(graph, "azuread:index/applicationPassword:ApplicationPassword")[0]!;
      assert.equal(typeof password.outputs["value"], "string", "the mock gives the password a value to trace");
      const value = password.outputs["value"] as string;
      const carriers: GraphResource[] = graph.resources.filter((r) => leaves(r.inputs).some(([, v]) => v.includes(value)));
      assert.ok(carriers.length >= 1, `${graph.stack}: the secret is stored somewhere (Key Vault)`);
      for (const r of carriers) {
        for (const [path, v] of leaves(r.inputs)) {
          if (v.includes(value)) assert.ok(covered(path, r.secretPaths), `${graph.stack}: ${r.type} ${r.name}.${path} carries the client secret in plaintext`);
        }
      }
    }
  });

  it("no input anywhere carries a secret value outside a Pulumi secret; stack outputs with secrets are secret", () => {
    for (const graph of graphs) {
      const secrets = secretValues(graph);
      assert.ok(secrets.length >= 1);
      for (const r of graph.resources) {
        for (const [path, v] of leaves(r.inputs)) {
          if (secrets.some((s) => v.includes(s))) {
            assert.ok(covered(path, r.secretPaths), `${graph.stack}: ${r.type} ${r.name}.${path} carries a secret in plaintext`);
          }
        }
      }
      for (const [path, v] of leaves(graph.outputs)) {
        if (secrets.some((s) => v.includes(s))) assert.ok(covered(path, graph.secretOutputs), `${graph.stack}: stack output ${path} is not secret`);
      }
    }
  });
});
