import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import type { Graph } from "../../../tools/graph";
import { allGraphs, byId, ofType } from "../../support/graphs";
import { APP, containers, env, identityOf, prefectServer, prefectWorker, type Props } from "./helpers";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});


function scale(app: { inputs: Props }): Props {
  return (app.inputs["template"] as Props)["scale"] as Props;
}

function vaultUri(graph: Graph): string {
  const vault = ofType(graph, "azure-native:keyvault:Vault")[0]!;
  return String((vault.outputs["properties"] as Props)["vaultUri"]);
}

describe("Prefect and connector apps", () => {
  it("are internal: no app has external ingress; only the Prefect server has ingress at all", () => {
    for (const graph of graphs) {
      const apps = ofType(graph, APP);
      assert.ok(apps.length >= 2, graph.stack);
      for (const app of apps) {
        const ingress = (app.inputs["configuration"] as Props)["ingress"] as Props | undefined;
        if (app === prefectServer(graph)) {
          assert.equal(ingress?.["external"], false, `${graph.stack}: ${app.name} ingress is internal`);
          assert.equal(ingress?.["targetPort"], 4200);
          assert.equal(ingress?.["allowInsecure"], false);
        } else {
          assert.equal(ingress, undefined, `${graph.stack}: ${app.name} needs no ingress`);
        }
        const environment = byId(graph, app.inputs["managedEnvironmentId"]);
        assert.equal(environment?.type, "azure-native:app:ManagedEnvironment");
        const diag = ofType(graph, "azure-native:monitor:DiagnosticSetting").filter((d) => d.inputs["resourceUri"] === app.id);
        assert.deepEqual(diag.map((d) => d.inputs["metrics"]), [[{ category: "AllMetrics", enabled: true }]], `${graph.stack}: ${app.name} metrics`);
      }
    }
  });

  it("see secrets only as Key Vault references read with their own identity, never as values", () => {
    for (const graph of graphs) {
      const uri = vaultUri(graph);
      for (const app of ofType(graph, APP)) {
        const own = (app.inputs["identity"] as Props)["userAssignedIdentities"] as string[];
        const secrets = ((app.inputs["configuration"] as Props)["secrets"] ?? []) as Props[];
        assert.ok(secrets.length > 0, `${graph.stack}: ${app.name} reads at least one secret`);
        for (const secret of secrets) {
          assert.equal(secret["value"], undefined, `${graph.stack}: ${app.name}/${secret["name"]} carries a value`);
          assert.ok(String(secret["keyVaultUrl"]).startsWith(`${uri}secrets/`), `${graph.stack}: ${secret["keyVaultUrl"]}`);
          assert.ok(own.includes(secret["identity"]), `${graph.stack}: ${app.name} reads ${secret["name"]} as itself`);
        }
        const names = new Set(secrets.map((s) => s["name"]));
        for (const container of containers(app)) {
          for (const variable of (container["env"] ?? []) as Props[]) {
            if (variable["secretRef"] !== undefined) assert.ok(names.has(variable["secretRef"]), `${variable["name"]} → undefined secret`);
            if (/AUTH_STRING|TOKEN|PASSWORD/.test(String(variable["name"]))) {
              assert.equal(variable["value"], undefined, `${graph.stack}: ${app.name} ${variable["name"]} is a plain value`);
            }
          }
        }
        assert.deepEqual(app.secretPaths, [], `${graph.stack}: ${app.name} has no secret inputs at all`);
      }
    }
  });

  it("puts the generated Prefect passwords only into their Key Vault secret and the gateway's secret bindings, all as Pulumi secrets", () => {
    for (const graph of graphs) {
      // Two slots (rotation with an overlap, components/orchestrator apiAuth): the current value is in Key Vault and
      // the Worker's PREFECT_AUTH, the next one only in the Worker's PREFECT_AUTH_NEXT.
      const passwords = ofType(graph, "random:index/randomPassword:RandomPassword");
      assert.equal(passwords.length, 2);
      let inVault = 0;
      for (const password of passwords) {
        const value = String(password.outputs["result"]);
        const holders = graph.resources.filter((r) => JSON.stringify(r.inputs).includes(value));
        // The Worker cannot read the private vault at run time, so its `basic` route gets the string as a secret_text
        // binding (docs/gateway.md); nothing else may hold it.
        const types = holders.map((r) => r.type);
        assert.ok(types.includes("cloudflare:index/workersScript:WorkersScript"), `${graph.stack}: the Worker holds ${password.name}`);
        assert.ok(types.every((t) => t === "azure-native:keyvault:Secret" || t === "cloudflare:index/workersScript:WorkersScript"), `${graph.stack}: ${types.join(", ")}`);
        const secret = holders.find((r) => r.type === "azure-native:keyvault:Secret");
        if (secret) {
          inVault++;
          assert.ok(secret.secretPaths.some((p) => p.includes("value")), "the Key Vault value is a Pulumi secret");
        }
        const worker = holders.find((r) => r.type === "cloudflare:index/workersScript:WorkersScript")!;
        const bindings = worker.inputs["bindings"] as { name: string; type: string; text?: string }[];
        const index = bindings.findIndex((b) => b.text !== undefined && b.text.includes(value));
        assert.equal(bindings[index]?.type, "secret_text", "the Worker holds it only as a secret binding");
        assert.ok(worker.secretPaths.some((p) => p === "bindings" || p.startsWith(`bindings[${index}]`)), "the binding is a Pulumi secret");
        for (const [key, output] of Object.entries(graph.outputs)) {
          if (JSON.stringify(output).includes(value)) assert.ok(graph.secretOutputs.includes(key), `stack output ${key} leaks it`);
        }
      }
      assert.equal(inVault, 1, `${graph.stack}: Key Vault holds the current value only`);
    }
  });

  it("runs the Prefect server pinned, on port 4200 with /api/health probes and the basic-auth string from Key Vault", () => {
    for (const graph of graphs) {
      const app = prefectServer(graph);
      const [container] = containers(app);
      // Python 3.11 by digest; Prefect comes from the hashed lock at start (server-start.test.ts, images.ts).
      assert.match(String(container!["image"]), /\/python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}$/, "the flows' Python, pinned by digest");
      assert.deepEqual(container!["args"], ["prefect", "server", "start", "--host", "0.0.0.0", "--port", "4200"]);
      assert.equal((container!["command"] as string[])[0], "python", "the bootstrap installs the lock, then execs the args");
      const probes = container!["probes"] as Props[];
      for (const type of ["Liveness", "Readiness", "Startup"]) {
        const probe = probes.find((p) => p["type"] === type);
        assert.deepEqual(probe?.["httpGet"], { path: "/api/health", port: 4200 }, `${type} probe`);
      }
      assert.equal(env(app, "PREFECT_SERVER_API_AUTH_STRING")?.["secretRef"], "prefect-api-auth-string");
      assert.equal(env(app, "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_ENABLED")?.["value"], "true");
      assert.equal(env(app, "PREFECT_INTEGRATIONS_AZURE_POSTGRES_MANAGED_IDENTITY_CLIENT_ID")?.["value"], identityOf(graph, app).outputs["clientId"]);
    }
  });

  it("runs the worker as the orchestrator identity against the server's internal API with the same auth string", () => {
    for (const graph of graphs) {
      const worker = prefectWorker(graph);
      const server = prefectServer(graph);
      const identity = identityOf(graph, worker);
      assert.match(String(identity.inputs["resourceName"]), /orchestrator/, `${graph.stack}: the worker runs as orchestrator-<env>`);
      assert.notEqual(identity.urn, identityOf(graph, server).urn, "worker and server have different identities");
      assert.equal(env(worker, "AZURE_CLIENT_ID")?.["value"], identity.outputs["clientId"]);
      const apiUrl = String(env(worker, "PREFECT_API_URL")?.["value"]);
      const fqdn = ((server.outputs["configuration"] as Props)["ingress"] as Props)["fqdn"];
      assert.equal(apiUrl, `https://${fqdn}/api`);
      assert.ok((worker.propertyDependencies["template"] ?? []).includes(server.urn), "the URL comes from the server app itself");
      assert.equal(env(worker, "PREFECT_API_AUTH_STRING")?.["secretRef"], "prefect-api-auth-string");
      const serverSecret = (((server.inputs["configuration"] as Props)["secrets"]) as Props[]).find((s) => s["name"] === "prefect-api-auth-string");
      const workerSecret = (((worker.inputs["configuration"] as Props)["secrets"]) as Props[]).find((s) => s["name"] === "prefect-api-auth-string");
      assert.equal(workerSecret?.["keyVaultUrl"], serverSecret?.["keyVaultUrl"], "client and server share one credential");
      assert.equal(graph.outputs["prefectApiUrl"], apiUrl, "exported for the gateway and operators");
    }
  });

  it("keeps a minimum of replicas per environment (docs/environments.md) and never leaves the worker stopped for good", () => {
    for (const graph of graphs) {
      const server = scale(prefectServer(graph));
      const worker = scale(prefectWorker(graph));
      // Exactly one Prefect server: no Redis, so a second replica would run the background services twice and race
      // the migrations (https://docs.prefect.io/v3/advanced/self-hosted). Availability: docs/components.md#orchestrator.
      assert.deepEqual([server["minReplicas"], server["maxReplicas"]], [1, 1], `${graph.stack}: one Prefect server replica`);
      assert.equal(server["rules"], undefined, `${graph.stack}: no scale rule can add a server replica`);
      if (graph.stack === "dev") assert.ok(worker["minReplicas"] <= 1, "dev is cheap");
      if (graph.stack === "test") assert.equal(worker["minReplicas"], 1);
      if (graph.stack === "prod") assert.ok(worker["minReplicas"] >= 2, "prod's workers survive a replica loss");
      if (worker["minReplicas"] === 0) {
        const rule = (worker["rules"] as Props[] | undefined)?.find((r) => r["custom"]?.["type"] === "cron");
        assert.ok(rule, `${graph.stack}: a worker scaled to zero needs a schedule to start`);
        assert.equal(rule!["custom"]["metadata"]["desiredReplicas"], "1");
      }
    }
  });
});
