import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { PREFECT_MANAGED_MARKER } from "../../../contracts/prefect-config";
import {
  desiredStateForDomain,
  PREFECT_CONTRACT,
  PREFECT_FLOWS,
  type PrefectDesiredStateInput,
  PrefectDesiredStateError,
  renderPrefectDesiredState,
  workerEnvironment,
} from "../../../components/prefect/desired-state";

const ROOT = join(__dirname, "..", "..", "..");
const SUB = "00000000-0000-4000-8000-00000000c0de";

function domain(name: string, extra: Partial<PrefectDesiredStateInput["domains"][number]> = {}): PrefectDesiredStateInput["domains"][number] {
  return {
    name,
    team: `${name}-eng`,
    costCenter: `cc-${name}`,
    concurrencyLimit: 3,
    synapse: {
      workspaceName: `synw-${name}`,
      devEndpoint: `https://synw-${name}.dev.azuresynapse.net`,
      sqlEndpoint: `synw-${name}.sql.azuresynapse.net`,
      sqlOnDemandEndpoint: `synw-${name}-ondemand.sql.azuresynapse.net`,
    },
    lakeUrls: { raw: `https://dls.dfs.core.windows.net/raw-${name}`, curated: `https://dls.dfs.core.windows.net/curated-${name}` },
    workerClientId: `client-${name}`,
    ...extra,
  };
}

const INPUT: PrefectDesiredStateInput = {
  environment: "prod",
  subscriptionId: SUB,
  resourceGroupName: "rg-dataplatform-prod-weu",
  dataFactoryName: "adf-dataplatform-prod-weu",
  keyVaultUri: "https://kv-dp-prod.vault.azure.net/",
  backupVaults: [
    { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/bv-weu`, region: "westeurope" },
    { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/bv-neu`, region: "northeurope" },
  ],
  domains: [domain("sales", { concurrencyLimit: 5, parameters: { "adf-pipeline-run": { timeout_seconds: 7200 } } }), domain("finance"), domain("ops")],
};

describe("renderPrefectDesiredState", () => {
  it("renders one process pool per domain with its limit and the managed marker, every flow to every pool with cost tags", () => {
    const state = renderPrefectDesiredState(INPUT);
    assert.equal(state.version, 1);
    assert.deepEqual(state.workPools.map((p) => [p.name, p.domain, p.type, p.concurrencyLimit]), [
      ["sales", "sales", "process", 5],
      ["finance", "finance", "process", 3],
      ["ops", "ops", "process", 3],
    ]);
    for (const p of state.workPools) assert.ok(p.description.startsWith(`${PREFECT_MANAGED_MARKER} `), p.description);
    assert.equal(state.deployments.length, 3 * PREFECT_FLOWS.length);
    for (const d of state.deployments) {
      assert.equal(d.name, d.workPool);
      assert.deepEqual(d.tags, [`env:prod`, `domain:${d.name}`, `team:${d.name}-eng`, `cost-center:cc-${d.name}`]);
      assert.equal(d.parameters["domain"], d.name);
    }
    const adfSales = state.deployments.find((d) => d.flow === "adf-pipeline-run" && d.name === "sales")!;
    assert.deepEqual(adfSales.parameters, { domain: "sales", timeout_seconds: 7200 });
  });

  it("renders every variable the contract names, with the values the flows read", () => {
    const state = renderPrefectDesiredState(INPUT);
    const names = state.variables.map((v) => v.name);
    const expected = [
      ...PREFECT_CONTRACT.platform.map((e) => e.name),
      ...INPUT.domains.flatMap((d) => PREFECT_CONTRACT.domain.map((e) => e.name.replace("{domain}", d.name))),
    ];
    assert.deepEqual(names, expected);
    for (const n of names) assert.match(n, /^[A-Za-z0-9_-]+$/, "Prefect variable names: letters, digits, '-' and '_'");
    const value = (n: string) => state.variables.find((v) => v.name === n)!.value;
    assert.equal(value("dataplatform_arm_endpoint"), "https://management.azure.com");
    assert.deepEqual(JSON.parse(value("dataplatform_backup_vaults")), INPUT.backupVaults);
    assert.deepEqual(JSON.parse(value("dataplatform_domain_ops_lake_urls")), INPUT.domains[2]!.lakeUrls);
    assert.equal(value("dataplatform_domain_finance_worker_client_id"), "client-finance");
    assert.equal(value("dataplatform_key_vault_uri"), "https://kv-dp-prod.vault.azure.net/");
    assert.equal(value("dataplatform_domain_sales_synapse_endpoint"), "https://synw-sales.dev.azuresynapse.net");
  });

  it("renders the contract's global concurrency limits with their defaults, overridable by name", () => {
    const defaults = renderPrefectDesiredState(INPUT).globalConcurrencyLimits;
    assert.deepEqual(defaults.map((g) => [g.name, g.limit]), [["adf-pipeline-runs", 20], ["backup-on-demand", 1]]);
    for (const g of defaults) assert.ok(g.description.length > 40, "each default states its reason");
    const tuned = renderPrefectDesiredState({ ...INPUT, globalConcurrencyLimits: { "adf-pipeline-runs": 50 } }).globalConcurrencyLimits;
    assert.deepEqual(tuned.map((g) => g.limit), [50, 1]);
  });

  it("refuses bad input naming every problem", () => {
    let error: PrefectDesiredStateError | undefined;
    try {
      renderPrefectDesiredState({
        ...INPUT,
        environment: "Prod",
        globalConcurrencyLimits: { "made-up": 3, "backup-on-demand": 0 },
        domains: [
          domain("sales"),
          domain("sales"),
          domain("Bad_Name"),
          domain("ops", { team: "the ops team", concurrencyLimit: 0, parameters: { "adf-pipeline-run": { client_secret: "x" }, "no-such-flow": {} } }),
          domain("empty", { workerClientId: "" }),
        ],
      });
    } catch (e) {
      error = e as PrefectDesiredStateError;
    }
    assert.ok(error instanceof PrefectDesiredStateError);
    const expected = [
      'environment "Prod" must be a lowercase name',
      'domain "sales" is listed twice',
      'domain "Bad_Name": lowercase letters',
      'domain "ops": team "the ops team" must be 1-80 characters without spaces or commas',
      'domain "ops": concurrencyLimit must be an integer >= 1, got 0',
      'parameter "adf-pipeline-run.client_secret" looks like a credential',
      'parameters name no flow "no-such-flow"',
      'global concurrency limit "made-up" is not one the flows use',
      'global concurrency limit "backup-on-demand" must be an integer >= 1, got 0',
      "variable dataplatform_domain_empty_worker_client_id has no value",
    ];
    for (const e of expected) assert.ok(error.problems.some((p) => p.includes(e)), `${e}\nnot in:\n${error.problems.join("\n")}`);
  });

  it("selects one domain's part and its worker environment", () => {
    const state = renderPrefectDesiredState(INPUT);
    const finance = desiredStateForDomain(state, "finance");
    assert.deepEqual(finance.workPools.map((p) => p.name), ["finance"]);
    assert.ok(finance.variables.every((v) => !/_domain_(sales|ops)_/.test(v.name)));
    assert.deepEqual(finance.globalConcurrencyLimits, state.globalConcurrencyLimits);
    const env = Object.fromEntries(workerEnvironment(finance, "finance").map((e) => [e.name, e.value]));
    assert.equal(env["AZURE_CLIENT_ID"], "client-finance");
    assert.equal(env["DATAPLATFORM_DOMAIN_SYNAPSE_ENDPOINT"], "https://synw-finance.dev.azuresynapse.net");
    assert.equal(env["DATAPLATFORM_DATA_FACTORY_NAME"], "adf-dataplatform-prod-weu");
    assert.throws(() => desiredStateForDomain(state, "hr"), /no data domain "hr"/);
  });
});

describe("the contract both sides read (contracts/prefect-variables.json)", () => {
  it("lists exactly the flows the Python package declares, by the names it registers (read, not run)", () => {
    const flowsPy = readFileSync(join(ROOT, "flows/src/dataplatform_flows/flows.py"), "utf8");
    const declared = [...flowsPy.matchAll(/^@flow\(name="([^"]+)"/gm)].map((m) => m[1]);
    assert.deepEqual([...declared].sort(), [...PREFECT_FLOWS].sort());
    for (const f of PREFECT_CONTRACT.flows) {
      const [module, attribute] = f.entrypoint.split(":");
      assert.equal(module, "dataplatform_flows.flows");
      assert.match(flowsPy, new RegExp(`^@flow\\(name="${f.name}"[^\\n]*\\)\\ndef ${attribute}\\(`, "m"), `${f.name} is ${f.entrypoint}`);
    }
    // …and the Python side builds its FLOWS from this same list.
    assert.match(readFileSync(join(ROOT, "flows/src/dataplatform_flows/deployments.py"), "utf8"), /for entry in contract\(\)\["flows"\]/);
  });

  it("carries the managed marker contracts/prefect-config.ts defines", () => {
    assert.equal(PREFECT_CONTRACT.managedMarker, PREFECT_MANAGED_MARKER);
  });

  it("gives every variable a distinct worker environment name", () => {
    const envs = [...PREFECT_CONTRACT.platform, ...PREFECT_CONTRACT.domain].map((e) => e.workerEnv);
    assert.equal(new Set(envs).size, envs.length);
    assert.ok(envs.includes("AZURE_CLIENT_ID"));
  });
});
