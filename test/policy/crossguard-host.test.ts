import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { PolicyPackConfig } from "@pulumi/policy";
import { ENVIRONMENTS, type Environment } from "../../contracts/environments";
import { platformPolicies } from "../../policy/policies";
import { runPoliciesOnGraph, type Violation } from "../../policy/run-on-graph";
import { type Graph, type GraphResource, PROJECT_ROOT, listStacks, readStackConfig, stackGraph } from "../../tools/graph";
import { type Diagnostic, type PackInfo, PolicyPackHost, type StackContext, UNKNOWN } from "./crossguard-host";

const POLICY_DIR = join(PROJECT_ROOT, "policy");
const STACKS = listStacks();
const DESCRIPTIONS = new Map(platformPolicies.map((p) => [p.name, p.description]));

function packConfig(environment: Environment): PolicyPackConfig {
  return JSON.parse(readFileSync(join(POLICY_DIR, "config", `${environment}.json`), "utf8")) as PolicyPackConfig;
}

function stackContext(graph: Graph): StackContext {
  return { project: graph.project, stack: graph.stack, dryRun: true, config: readStackConfig(graph.stack) };
}

/**
 * One comparable line per violation. @pulumi/policy's reportViolation sends `${description}\n${message}`
 * (server.js makeReportViolationFun), so the runner's message is compared in that form.
 */
function fromPack(d: Diagnostic): string {
  return `${d.level} ${d.policy} ${d.urn ?? "(stack)"}: ${d.message}`;
}
function fromRunner(v: Violation): string {
  const description = DESCRIPTIONS.get(v.policy) ?? "";
  return `${v.level} ${v.policy} ${v.urn ?? "(stack)"}: ${v.message ? `${description}\n${v.message}` : description}`;
}

/** What the engine sends during a preview: Remediate and Analyze per registered resource, then AnalyzeStack with all. */
async function viaEngine(host: PolicyPackHost, resources: GraphResource[]): Promise<string[]> {
  // Concurrent, as the engine's step executor registers resources in parallel. No rule remediates (all validate only).
  const remediated = (await Promise.all(resources.map((resource) => host.remediate(resource)))).flat();
  assert.deepEqual(remediated, []);
  const perResource = await Promise.all(resources.map((resource) => host.analyze(resource)));
  const found: Diagnostic[] = [...perResource.flat(), ...(await host.analyzeStack(resources))];
  return found.map(fromPack).sort();
}

async function viaRunner(resources: GraphResource[], environment: Environment): Promise<string[]> {
  return (await runPoliciesOnGraph(resources, { config: packConfig(environment) })).map(fromRunner).sort();
}

describe("the CrossGuard pack as `pulumi preview --policy-pack policy` runs it (analyzer gRPC)", () => {
  let host: PolicyPackHost;
  let info: PackInfo;
  const graphs = new Map<string, Graph>();

  beforeAll(async () => {
    const evaluated = await Promise.all(STACKS.map((stack) => stackGraph(stack)));
    for (const graph of evaluated) graphs.set(graph.stack, graph);
    host = await PolicyPackHost.launch(POLICY_DIR, stackContext(evaluated[0]!));
    info = await host.getAnalyzerInfo();
  });

  afterAll(async () => {
    await host?.close();
  });

  it("loads from policy/ through run-policy-pack and serves every policy with its enforcement level and config schema", () => {
    assert.match(host.commandLine[1]!, /@pulumi\/pulumi\/cmd\/run-policy-pack\/index\.js$/);
    assert.deepEqual(host.commandLine.slice(2), ["127.0.0.1:0", POLICY_DIR]);
    assert.equal(info.name, "dataplatform");
    const manifest = JSON.parse(readFileSync(join(POLICY_DIR, "package.json"), "utf8")) as { version: string };
    assert.equal(info.version, manifest.version, "PolicyPack takes its version from policy/package.json");
    assert.ok(info.supportsConfig);
    assert.deepEqual(
      info.policies.map((p) => [p.name, p.enforcementLevel]),
      platformPolicies.map((p) => [p.name, p.enforcementLevel]),
    );
    for (const env of ENVIRONMENTS) {
      const served = new Set(info.policies.map((p) => p.name));
      assert.deepEqual(Object.keys(packConfig(env)).filter((name) => !served.has(name)), [], `policy/config/${env}.json names unknown policies`);
    }
    for (const policy of info.policies) assert.deepEqual(policy.configSchema["environment"]?.["enum"], [...ENVIRONMENTS], policy.name);
  });

  for (const stack of STACKS) {
    it(`${stack}: Analyze per resource plus AnalyzeStack report exactly what the graph runner reports, under each environment's config`, async () => {
      const graph = graphs.get(stack)!;
      await host.configureStack(stackContext(graph));
      let reported = 0;
      for (const env of ENVIRONMENTS) {
        await host.configure(info, packConfig(env));
        const engine = await viaEngine(host, graph.resources);
        assert.deepEqual(engine, await viaRunner(graph.resources, env), `${stack} graph under policy/config/${env}.json`);
        reported += engine.length;
      }
      // Not vacuous: a dev or test graph checked with the prod config misses prod's locks and redundancy.
      if (stack !== "prod") assert.ok(reported > 0, `${stack}: no environment's config found anything`);
    });
  }

  it("a graph mutated to break a resource rule and a stack rule: the pack and the runner both report the same violations", async () => {
    const graph = graphs.get("prod")!;
    await host.configureStack(stackContext(graph));
    await host.configure(info, packConfig("prod"));
    const vault = graph.resources.find((r) => r.type === "azure-native:keyvault:Vault")!;
    const mutated = graph.resources
      .filter((r) => r.type !== "azure-native:authorization:ManagementLockByScope")
      .map((r) =>
        r === vault ? { ...r, inputs: { ...r.inputs, properties: { ...(r.inputs["properties"] as object), enableRbacAuthorization: false } } } : r,
      );
    const engine = await viaEngine(host, mutated);
    assert.deepEqual(engine, await viaRunner(mutated, "prod"));
    assert.ok(engine.some((line) => line.startsWith(`mandatory keyvault-rbac-authorization ${vault.urn}:`)), engine.join("\n"));
    assert.ok(engine.some((line) => line.startsWith("mandatory stateful-durability ") && line.includes("CanNotDelete lock")), engine.join("\n"));
  });

  it("secretness does not reach the pack (secrets arrive unwrapped): a plaintext Key Vault secret is caught by the runner only", async () => {
    const graph = graphs.get("dev")!;
    await host.configureStack(stackContext(graph));
    await host.configure(info, packConfig("dev"));
    const secret = graph.resources.find((r) => r.type === "azure-native:keyvault:Secret" && r.secretPaths.includes("properties.value"))!;
    const plain = { ...secret, secretPaths: [] };
    // The wire form differs (the secret signature is gone) but @pulumi/policy deserializes both to the same plain value.
    assert.deepEqual(await host.analyze(secret), []);
    assert.deepEqual(await host.analyze(plain), []);
    const runner = await runPoliciesOnGraph([plain], { config: packConfig("dev") });
    assert.deepEqual(runner.map((v) => v.policy), ["secrets-never-plaintext"]);
  });

  it("an input unknown during preview reaches the rule as the engine's sentinel: the pack downgrades that rule to an advisory", async () => {
    const graph = graphs.get("dev")!;
    await host.configureStack(stackContext(graph));
    await host.configure(info, packConfig("dev"));
    const vault = graph.resources.find((r) => r.type === "azure-native:keyvault:Vault")!;
    const unknown = { ...vault, inputs: { ...vault.inputs, properties: { ...(vault.inputs["properties"] as object), enableRbacAuthorization: UNKNOWN } } };
    const found = await host.analyze(unknown);
    assert.deepEqual(
      found.map((d) => [d.policy, d.level]),
      [["keyvault-rbac-authorization", "advisory"]],
    );
    assert.match(found[0]!.message, /can't run policy 'keyvault-rbac-authorization' .* during preview: .*properties\.enableRbacAuthorization/);
  });

  it("first preview (nothing exists yet): the stack rules decide from property dependencies when IDs are unknown", async () => {
    const graph = graphs.get("prod")!;
    await host.configureStack(stackContext(graph));
    await host.configure(info, packConfig("prod"));
    // In a preview a resource being created has an unknown ID, and so has every input holding it (a scope, a
    // resourceUri, a workspaceId): exactly the inputs whose value is, or lies under, the ID of a resource they depend on.
    const ids = new Map(graph.resources.filter((r) => r.custom && r.id).map((r) => [r.urn, r.id!.toLowerCase()]));
    const firstPreview = (resources: GraphResource[]): GraphResource[] =>
      resources.map((r) => {
        const inputs: Record<string, unknown> = { ...r.inputs };
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
          const value = inputs[key];
          if (typeof value !== "string") continue;
          if (urns.some((u) => ids.has(u) && (value.toLowerCase() === ids.get(u) || value.toLowerCase().startsWith(`${ids.get(u)}/`)))) inputs[key] = UNKNOWN;
        }
        if (!r.custom) return { ...r, inputs };
        const { id: _id, ...rest } = r;
        return { ...rest, inputs: { ...inputs, id: UNKNOWN } };
      });
    const unknownScopes = firstPreview(graph.resources).filter((r) => r.inputs["scope"] === UNKNOWN || r.inputs["resourceUri"] === UNKNOWN);
    assert.ok(unknownScopes.length > 10, "the simulation made lock, diagnostic-setting and role-assignment targets unknown");

    // Role assignments whose scope is known only after create: checked from what the scope is computed from.
    const roleAssignments = firstPreview(graph.resources).filter((r) => r.type === "azure-native:authorization:RoleAssignment");
    assert.ok(roleAssignments.filter((r) => r.inputs["scope"] === UNKNOWN).length > 5, "the simulation made role-assignment scopes unknown");
    const onRoleAssignments = (await Promise.all(roleAssignments.map((r) => host.analyze(r)))).flat().filter((d) => d.policy.startsWith("role-assignment-"));
    assert.deepEqual(onRoleAssignments.map(fromPack), [], "no role-assignment rule downgraded to 'can't run during preview'");
    const inEnvironment = async (resources: GraphResource[]) =>
      (await host.analyzeStack(resources)).filter((d) => d.policy === "role-assignment-scope-in-environment");
    assert.deepEqual((await inEnvironment(firstPreview(graph.resources))).map(fromPack), []);
    // A scope unknown during preview that comes from no resource of this stack (e.g. another stack's output) is caught.
    const stray = roleAssignments.find((r) => r.inputs["scope"] === UNKNOWN)!;
    const strayed = firstPreview(graph.resources).map((r) => (r.urn === stray.urn ? { ...r, propertyDependencies: { ...r.propertyDependencies, scope: [] } } : r));
    assert.deepEqual(
      (await inEnvironment(strayed)).map((d) => [d.level, d.urn, /known later/.test(d.message)]),
      [["mandatory", stray.urn, true]],
    );

    const stackRules = ["diagnostics-on-supported-resources", "stateful-durability"];
    const onStack = async (resources: GraphResource[]) => (await host.analyzeStack(firstPreview(resources))).filter((d) => stackRules.includes(d.policy));
    assert.deepEqual((await onStack(graph.resources)).map(fromPack), []);

    const vault = graph.resources.find((r) => r.type === "azure-native:keyvault:Vault")!;
    const unlocked = graph.resources.filter((r) => !(r.type === "azure-native:authorization:ManagementLockByScope" && r.propertyDependencies["scope"]?.includes(vault.urn)));
    const undiagnosed = graph.resources.filter((r) => !(r.type === "azure-native:monitor:DiagnosticSetting" && r.propertyDependencies["resourceUri"]?.includes(vault.urn)));
    assert.deepEqual(
      [...(await onStack(unlocked)), ...(await onStack(undiagnosed))].map((d) => [d.level, d.policy, d.urn]),
      [
        ["mandatory", "stateful-durability", vault.urn],
        ["mandatory", "diagnostics-on-supported-resources", vault.urn],
      ],
    );
  });
});
