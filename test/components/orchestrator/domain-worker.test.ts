import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { beforeAll, describe, it } from "vitest";
import { PREFECT_DESIRED_STATE_ENV, PREFECT_DESIRED_STATE_SHA_ENV, type PrefectDesiredState } from "../../../contracts/prefect-config";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import { Naming } from "../../../components/naming";
import { appPurpose } from "../../../components/orchestrator/domain-worker";
import { PREFECT_CONTRACT } from "../../../components/prefect/desired-state";
import { evaluateStack, type Graph, type GraphResource, stackGraph } from "../../../tools/graph";
import { byId, byUrn, ofType } from "../../support/graphs";
import { APP, type Props } from "./helpers";

const MAIN = "test/components/orchestrator/domain-worker-fixture.ts";
const DOMAINS = ["sales", "finance", "customer-analytics"];
/** Environment variable names that hold credentials (policy/rules/secrets.ts CREDENTIAL_NAME). */
const CREDENTIAL_NAME = /(password|secret|token|api[_-]?key|auth[_-]?string|connection[_-]?string|private[_-]?key|credential)/i;

function fixture(variant: string, extra: Record<string, string> = {}): Promise<Graph> {
  return stackGraph(`dw-${variant}`, { config: { "fixture:variant": variant, ...extra }, project: { dir: ".", main: MAIN } });
}

function workerApp(graph: Graph, domain: string): GraphResource {
  const found = ofType(graph, APP).filter((a) => byUrn(graph, a.parent)?.name === `fx-worker-${domain}`);
  assert.equal(found.length, 1, `one app for ${domain}`);
  return found[0]!;
}

function template(app: GraphResource): { initContainers: Props[]; containers: Props[] } {
  const t = app.inputs["template"] as Props;
  return { initContainers: (t["initContainers"] ?? []) as Props[], containers: (t["containers"] ?? []) as Props[] };
}

function envOf(container: Props): Record<string, Props> {
  return Object.fromEntries(((container["env"] ?? []) as Props[]).map((e) => [String(e["name"]), e]));
}

function appliedState(app: GraphResource): PrefectDesiredState {
  const init = template(app).initContainers[0]!;
  return JSON.parse(String(envOf(init)[PREFECT_DESIRED_STATE_ENV]!["value"])) as PrefectDesiredState;
}

describe("DomainWorker", () => {
  let base: Graph;
  let limit: Graph;
  let gcl: Graph;
  let rotated: Graph;
  beforeAll(async () => {
    [base, limit, gcl, rotated] = await Promise.all([fixture("base"), fixture("limit"), fixture("gcl"), fixture("rotated")]);
  });

  it("is one component per domain, its app named by the domain, running as the domain's identity in the orchestrator's environment", () => {
    assert.equal(ofType(base, "dataplatform:orchestrator:DomainWorker").length, 3);
    for (const domain of DOMAINS) {
      const app = workerApp(base, domain);
      const name = String(app.inputs["containerAppName"]);
      assert.ok(name.length <= 32, name);
      // dev/weu leaves 8 characters: "sales" and "finance" fit, "customer-analytics" gets a prefix and a hash of its name.
      if (domain !== "customer-analytics") assert.equal(name, `ca-dataplatform-${domain}-dev-weu`);
      else assert.match(name, /^ca-dataplatform-cus-[0-9a-f]{4}-dev-weu$/);
      assert.equal(app.name, `fx-worker-${domain}-${name.replace(/^ca-dataplatform-/, "").replace(/-dev-weu$/, "")}`);
      const ids = (app.inputs["identity"] as Props)["userAssignedIdentities"] as string[];
      assert.equal(byId(base, ids[0])?.inputs["resourceName"], `id-dp-worker-${domain}`);
      assert.match(String(app.inputs["managedEnvironmentId"]), /managedEnvironments\/cae-dp-dev$/);
    }
    const names = DOMAINS.map((d) => String(workerApp(base, d).inputs["containerAppName"]));
    assert.equal(new Set(names).size, 3);
  });

  it("runs the configuration as an init container before `prefect worker start --pool <domain> --type process`", () => {
    for (const domain of DOMAINS) {
      const { initContainers, containers } = template(workerApp(base, domain));
      assert.equal(initContainers.length, 1);
      assert.deepEqual(initContainers[0]!["args"], ["python", "-m", "dataplatform_flows.configure", "--domain", domain]);
      assert.deepEqual(containers[0]!["args"], ["prefect", "worker", "start", "--pool", domain, "--type", "process"]);
      assert.deepEqual(PREFECT_CONTRACT.commands.worker.map((a) => a.replace("{domain}", domain)), containers[0]!["args"], "as the flows tests start it");
      for (const c of [initContainers[0]!, containers[0]!]) {
        assert.match(String(c["image"]), /@sha256:[0-9a-f]{64}$/, "the pinned Prefect runtime");
        assert.equal(envOf(c)["PREFECT_API_AUTH_STRING"]!["secretRef"], "prefect-api-auth-string");
        assert.equal(envOf(c)["PREFECT_API_URL"]!["value"], "https://ca-dataplatform-prefect-dev-weu.internal.example.westeurope.azurecontainerapps.io/api");
      }
    }
  });

  it("carries only its domain's part of the desired state, with its sha256", () => {
    for (const domain of DOMAINS) {
      const app = workerApp(base, domain);
      const env = envOf(template(app).initContainers[0]!);
      const json = String(env[PREFECT_DESIRED_STATE_ENV]!["value"]);
      assert.equal(env[PREFECT_DESIRED_STATE_SHA_ENV]!["value"], createHash("sha256").update(json).digest("hex"));
      const state = appliedState(app);
      assert.deepEqual(state.workPools.map((p) => p.name), [domain]);
      assert.deepEqual([...new Set(state.deployments.map((d) => d.workPool))], [domain]);
      assert.deepEqual(state.deployments.map((d) => d.flow), PREFECT_CONTRACT.flows.map((f) => f.name));
      assert.ok(state.variables.some((v) => v.name === "dataplatform_environment"), "platform-wide variables too");
      for (const other of DOMAINS.filter((d) => d !== domain)) {
        assert.ok(!state.variables.some((v) => v.name.includes(`_domain_${other}_`)), `${domain} carries nothing of ${other}`);
      }
      assert.deepEqual(state.globalConcurrencyLimits.map((g) => g.name), ["adf-pipeline-runs", "backup-on-demand"]);
    }
  });

  it("rolls a domain's worker when its part of the desired state changes, and only that one", () => {
    const sha = (g: Graph, d: string) => envOf(template(workerApp(g, d)).initContainers[0]!)[PREFECT_DESIRED_STATE_SHA_ENV]!["value"];
    assert.notEqual(sha(limit, "sales"), sha(base, "sales"), "the sales pool limit changed: a new revision re-applies");
    assert.equal(appliedState(workerApp(limit, "sales")).workPools[0]!.concurrencyLimit, 8);
    assert.equal(sha(limit, "finance"), sha(base, "finance"), "another domain's change does not roll finance");
    for (const d of DOMAINS) assert.notEqual(sha(gcl, d), sha(base, d), "a platform-wide change rolls every worker");
  });

  it("rolls every worker when the Prefect auth secret gets a new version (rotation): a secret change alone makes no revision", () => {
    // "Adding, removing, or changing secrets doesn't generate new revisions" (https://learn.microsoft.com/azure/
    // container-apps/manage-secrets): the versioned reference and the revision-scoped SECRET_VERSIONS_ENV must both move.
    for (const domain of DOMAINS) {
      const [was, now] = [workerApp(base, domain), workerApp(rotated, domain)];
      assert.notDeepEqual(template(now), template(was), `${domain}: the template changes, so a new revision reads the new value`);
      const secretsOf = (app: GraphResource) => JSON.stringify((app.inputs["configuration"] as { secrets?: unknown }).secrets);
      assert.match(secretsOf(now), /fedcba9876543210fedcba9876543210/, `${domain}: the Key Vault reference names the new version`);
    }
  });

  it("gives the worker the same non-secret endpoints as the Prefect variables, AZURE_CLIENT_ID the domain identity's", () => {
    for (const domain of DOMAINS) {
      const app = workerApp(base, domain);
      const env = envOf(template(app).containers[0]!);
      const state = appliedState(app);
      for (const entry of [...PREFECT_CONTRACT.platform, ...PREFECT_CONTRACT.domain]) {
        const variable = state.variables.find((v) => v.name === entry.name.replace("{domain}", domain))!;
        assert.equal(env[entry.workerEnv]?.["value"], variable.value, `${domain}: ${entry.workerEnv}`);
      }
      const identity = byId(base, ((app.inputs["identity"] as Props)["userAssignedIdentities"] as string[])[0]);
      assert.equal(env["AZURE_CLIENT_ID"]!["value"], identity!.outputs["clientId"]);
      assert.equal(env["DATAPLATFORM_DOMAIN"]!["value"], domain);
    }
  });

  it("puts nothing secret in plain environment variables", () => {
    for (const domain of DOMAINS) {
      const app = workerApp(base, domain);
      assert.deepEqual(app.secretPaths.filter((p) => p.startsWith("template")), [], "no secret value in the template");
      const { initContainers, containers } = template(app);
      for (const c of [...initContainers, ...containers]) {
        for (const e of (c["env"] ?? []) as Props[]) {
          if (CREDENTIAL_NAME.test(String(e["name"]))) assert.ok(e["secretRef"] && e["value"] === undefined, `${domain}: ${e["name"]} is a secretRef`);
        }
      }
      const [secret] = (app.inputs["configuration"] as Props)["secrets"] as Props[];
      assert.deepEqual(Object.keys(secret!).sort(), ["identity", "keyVaultUrl", "name"], "a Key Vault reference, no value");
    }
  });

  it("lets the domain identity read the auth string and nothing else of the vault, and waits for it", () => {
    for (const domain of DOMAINS) {
      const app = workerApp(base, domain);
      const identity = byId(base, ((app.inputs["identity"] as Props)["userAssignedIdentities"] as string[])[0])!;
      const grants = ofType(base, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs["principalId"] === identity.outputs["principalId"]);
      assert.equal(grants.length, 1);
      assert.ok(String(grants[0]!.inputs["roleDefinitionId"]).endsWith(ROLE_CATALOGUE["Key Vault Secrets User"]));
      assert.match(String(grants[0]!.inputs["scope"]), /vaults\/kv-dp-dev\/secrets\/prefect-api-auth-string$/);
      assert.ok(app.dependsOn.includes(grants[0]!.urn));
      const sleep = ofType(base, "time:index/sleep:Sleep").find((s) => s.dependsOn.includes(grants[0]!.urn));
      assert.ok(sleep && app.dependsOn.includes(sleep.urn), "…and for its propagation");
    }
  });

  it("refuses a desired state passed as a secret, registering no app", async () => {
    const result = await evaluateStack("dw-secret", { config: { "fixture:variant": "secret" }, project: { dir: ".", main: MAIN } });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.match(result.failure.error, /the Prefect desired state is a secret, but it is applied from plain environment variables/);
    }
  });
});

describe("DomainWorker app names", () => {
  it("fit the 32-character limit in the longest environment and region codes, distinct per domain", () => {
    const naming = new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "prod", location: "westcentralus", locationCode: "wcus" });
    const purposes = ["sales", "finance", "platform", "customer-analytics", "a", "worker"].map((d) => appPurpose(naming, d));
    assert.equal(purposes[0], "sales", "prod/wcus leaves 6 characters");
    assert.match(purposes[1]!, /^f-[0-9a-f]{4}$/);
    assert.notEqual(purposes[5], "worker", "not the orchestrator's own worker app");
    for (const p of purposes) assert.ok(naming.name("containerApp", p).length <= 32, p);
    assert.equal(new Set(purposes).size, purposes.length);
    assert.equal(appPurpose(naming, "finance"), appPurpose(naming, "finance"), "deterministic");
  });
});
