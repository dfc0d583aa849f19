import assert from "node:assert/strict";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { constrainedRolesCondition, DEPLOY_ASSIGNABLE_ROLES } from "../../components/identity/rbac-condition";
import { CI_ACCESS, CI_CUSTOM_ROLES, type CiIdentity } from "../../contracts/ci-access";
import { GRAPH_APPLICATION_READ_ALL, GRAPH_APPLICATION_READWRITE_OWNEDBY, MICROSOFT_GRAPH_APP_ID } from "../../contracts/microsoft-graph";
import { ROLE_CATALOGUE } from "../../contracts/roles";
import { evaluateStack, type Graph, type GraphResource, PROJECT_ROOT, readStackConfig, stackGraph } from "../../tools/graph";
import { allGraphs, byUrn, ofType, one, roleGuid } from "../support/graphs";

const BOOTSTRAP = { dir: "bootstrap", main: "index.ts" };
const CONFIG = readStackConfig("org", join(PROJECT_ROOT, "bootstrap"));
const ENVS = Object.keys(JSON.parse(CONFIG["dataplatform-bootstrap:environments"]!) as object);
const OWNERS = JSON.parse(CONFIG["dataplatform-bootstrap:owners"]!) as string[];
const REPO = CONFIG["dataplatform-bootstrap:githubRepository"]!;

let graph: Graph;
beforeAll(async () => {
  graph = await stackGraph("org", { project: BOOTSTRAP });
});

const deps = (r: GraphResource, input: string) => r.propertyDependencies[input] ?? [];
const dependsOn = (r: GraphResource, input: string, target: GraphResource) => deps(r, input).includes(target.urn);

function app(env: string, identity: CiIdentity): GraphResource {
  return one(graph, "azuread:index/application:Application", (a) => a.inputs["displayName"] === `dataplatform-${identity}-${env}`);
}
function sp(env: string, identity: CiIdentity): GraphResource {
  return one(graph, "azuread:index/servicePrincipal:ServicePrincipal", (s) => dependsOn(s, "clientId", app(env, identity)));
}
const group = (env: string) => one(graph, "azure-native:resources:ResourceGroup", (g) => g.name === `bootstrap-${env}-rg`);
const container = (env: string) => one(graph, "azure-native:storage:BlobContainer", (c) => c.inputs["containerName"] === `pulumi-state-${env}`);
const key = (env: string) => one(graph, "azure-native:keyvault:Key", (k) => k.inputs["keyName"] === `pulumi-secrets-${env}`);
const lockWriter = () => one(graph, "azure-native:authorization:RoleDefinition");

/** What a role assignment grants, as `<role>@<target>` with the target named by the resource its scope came from. */
function grantLabel(g: GraphResource): string {
  const target = deps(g, "scope").map((u) => byUrn(graph, u)!).find((r) => r.custom && r.id === g.inputs["scope"]);
  const where =
    target?.type === "azure-native:resources:ResourceGroup" ? `rg:${target.name.replace(/^bootstrap-|-rg$/g, "")}`
    : target?.type === "azure-native:storage:BlobContainer" ? `state:${String(target.inputs["containerName"]).replace("pulumi-state-", "")}`
    : target?.type === "azure-native:keyvault:Key" ? `key:${String(target.inputs["keyName"]).replace("pulumi-secrets-", "")}`
    : `<unresolved ${String(g.inputs["scope"])}>`;
  const custom = dependsOn(g, "roleDefinitionId", lockWriter());
  const role = custom ? "dataplatform lock writer" : (Object.entries(ROLE_CATALOGUE).find(([, id]) => id === roleGuid(g))?.[0] ?? roleGuid(g));
  return `${role}@${where}`;
}

describe("bootstrap project (evaluated from bootstrap/Pulumi.org.yaml under mocks)", () => {
  it("lists the three environments in its real stack file", () => {
    assert.deepEqual(ENVS, ["dev", "test", "prod"]);
  });

  it("creates an Entra-only, TLS 1.2, private-blob state account with versioning, soft delete and one private container per environment", () => {
    const account = one(graph, "azure-native:storage:StorageAccount").inputs;
    assert.equal(account["allowSharedKeyAccess"], false);
    assert.equal(account["defaultToOAuthAuthentication"], true);
    assert.equal(account["allowBlobPublicAccess"], false);
    assert.equal(account["minimumTlsVersion"], "TLS1_2");
    assert.equal(account["enableHttpsTrafficOnly"], true);
    assert.equal(account["allowCrossTenantReplication"], false);
    const blob = one(graph, "azure-native:storage:BlobServiceProperties").inputs;
    assert.equal(blob["isVersioningEnabled"], true);
    assert.deepEqual(blob["deleteRetentionPolicy"], { enabled: true, days: 30 });
    assert.deepEqual(blob["containerDeleteRetentionPolicy"], { enabled: true, days: 30 });
    assert.deepEqual(ofType(graph, "azure-native:storage:BlobContainer").map((c) => c.inputs["containerName"]).sort(), ENVS.map((e) => `pulumi-state-${e}`).sort());
    for (const env of ENVS) assert.equal(container(env).inputs["publicAccess"], "None");
    for (const r of graph.resources.filter((x) => x.type.startsWith("azure-native:storage:") || x.type === "azure-native:keyvault:Key" || x.type === "azure-native:resources:ResourceGroup")) {
      assert.equal(r.protect, true, `${r.name} is protected`);
    }
    const outputs = graph.outputs["environments"] as Record<string, { stateBackendUrl: string; secretsProvider: string }>;
    for (const env of ENVS) {
      assert.match(outputs[env]!.stateBackendUrl, new RegExp(`^azblob://pulumi-state-${env}\\?storage_account=st[a-z0-9]+$`));
      assert.match(outputs[env]!.secretsProvider, new RegExp(`^azurekeyvault://kv-[a-z0-9-]+\\.vault\\.azure\\.net/keys/pulumi-secrets-${env}$`));
    }
  });

  it("keeps one secrets-provider key per environment in an RBAC-only, purge-protected vault, non-exportable, notified before expiry, never auto-rotated", () => {
    const vault = one(graph, "azure-native:keyvault:Vault").inputs["properties"] as Record<string, unknown>;
    assert.equal(vault["enableRbacAuthorization"], true);
    assert.equal(vault["enablePurgeProtection"], true);
    assert.equal(vault["softDeleteRetentionInDays"], 90);
    assert.equal(ofType(graph, "azure-native:keyvault:Key").length, ENVS.length);
    for (const env of ENVS) {
      const k = key(env).inputs["properties"] as Record<string, any>;
      assert.equal(k["kty"], "RSA");
      assert.equal(k["attributes"]["exportable"], false);
      // No automatic "rotate": a new version would break versionless secrets-provider URLs (go-cloud akv.go decrypts with the latest).
      assert.deepEqual(k["rotationPolicy"]["lifetimeActions"].map((a: { action: { type: string } }) => a.action.type), ["notify"]);
    }
    assert.deepEqual(graph.outputs["notices"], ["allowedIpRanges empty: the secrets-provider key vault's data plane is public (Entra RBAC only)"]);
  });

  it("creates each environment's resource group in that environment's subscription, named as the platform names it", () => {
    const envs = JSON.parse(CONFIG["dataplatform-bootstrap:environments"]!) as Record<string, { subscriptionId: string; location: string }>;
    for (const env of ENVS) {
      const g = group(env);
      assert.equal(g.inputs["resourceGroupName"], `rg-dataplatform-${env}-weu`);
      assert.equal(g.inputs["location"], envs[env]!.location);
      const provider = graph.resources.find((r) => r.type === "pulumi:providers:azure-native" && r.name === `bootstrap-${env}-arm`);
      assert.equal(provider?.inputs["subscriptionId"], envs[env]!.subscriptionId, `${env}: group created with the environment's subscription`);
    }
  });

  it("creates exactly the group each platform stack reads (same name, the stack file's region)", async () => {
    for (const platform of await allGraphs()) {
      const env = platform.stack;
      const lookups = platform.invokes.filter((i) => i.token === "azure-native:resources:getResourceGroup");
      assert.deepEqual(lookups.map((i) => i.inputs["resourceGroupName"]), [group(env).inputs["resourceGroupName"]], env);
      assert.equal(readStackConfig(env)["dataplatform:location"], group(env).inputs["location"], `${env}: region`);
    }
  });

  it("creates plan-<env> and deploy-<env> applications and service principals owned by the configured owners (one way: the owners list)", () => {
    assert.equal(ofType(graph, "azuread:index/application:Application").length, ENVS.length * 2);
    assert.equal(ofType(graph, "azuread:index/applicationOwner:ApplicationOwner").length, 0, "owners are not managed a second way");
    for (const env of ENVS) {
      for (const identity of ["plan", "deploy"] as const) {
        const a = app(env, identity);
        assert.deepEqual(a.inputs["owners"], OWNERS);
        assert.equal(a.inputs["signInAudience"], "AzureADMyOrg");
        const s = sp(env, identity);
        assert.deepEqual(s.inputs["owners"], OWNERS);
        assert.equal(s.inputs["appRoleAssignmentRequired"], true);
      }
    }
  });

  it("federates deploy-<env> with the <env> GitHub environment, plan with pull requests, and prod's plan only with the protected preview-prod environment", () => {
    const fics = ofType(graph, "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential");
    assert.equal(fics.length, ENVS.length * 2);
    const expected: Record<string, Record<CiIdentity, string>> = {
      dev: { deploy: `repo:${REPO}:environment:dev`, plan: `repo:${REPO}:pull_request` },
      test: { deploy: `repo:${REPO}:environment:test`, plan: `repo:${REPO}:pull_request` },
      prod: { deploy: `repo:${REPO}:environment:prod`, plan: `repo:${REPO}:environment:preview-prod` },
    };
    for (const env of ENVS) {
      for (const identity of ["plan", "deploy"] as const) {
        const f = fics.filter((x) => dependsOn(x, "applicationId", app(env, identity)));
        assert.equal(f.length, 1, `${env} ${identity}: one credential`);
        assert.equal(f[0]!.inputs["subject"], expected[env]![identity]);
        assert.equal(f[0]!.inputs["issuer"], "https://token.actions.githubusercontent.com");
        assert.deepEqual(f[0]!.inputs["audiences"], ["api://AzureADTokenExchange"]);
      }
    }
  });

  it("grants Graph admin consent: deploy Application.ReadWrite.OwnedBy, plan Application.Read.All, nothing else", () => {
    const grants = ofType(graph, "azuread:index/appRoleAssignment:AppRoleAssignment");
    assert.equal(grants.length, ENVS.length * 2);
    const lookup = graph.invokes.filter((i) => i.token === "azuread:index/getServicePrincipal:getServicePrincipal");
    assert.deepEqual(lookup.map((i) => i.inputs["clientId"]), [MICROSOFT_GRAPH_APP_ID], "one lookup: Microsoft Graph's service principal");
    for (const env of ENVS) {
      for (const [identity, role] of [["deploy", GRAPH_APPLICATION_READWRITE_OWNEDBY], ["plan", GRAPH_APPLICATION_READ_ALL]] as const) {
        const mine = grants.filter((g) => dependsOn(g, "principalObjectId", sp(env, identity)));
        assert.deepEqual(mine.map((g) => g.inputs["appRoleId"]), [role], `${env} ${identity}`);
      }
    }
  });

  it("defines the lock-writer custom role with exactly the lock actions, assignable at the environments' resource groups", () => {
    const role = lockWriter().inputs;
    assert.equal(role["roleName"], "dataplatform lock writer");
    assert.deepEqual(role["permissions"], [
      { actions: ["Microsoft.Authorization/locks/read", "Microsoft.Authorization/locks/write", "Microsoft.Authorization/locks/delete"], notActions: [] },
    ]);
    assert.deepEqual([...(role["assignableScopes"] as string[])].sort(), ENVS.map((e) => group(e).id).sort());
    assert.deepEqual(CI_CUSTOM_ROLES["dataplatform lock writer"].actions, (role["permissions"] as { actions: string[] }[])[0]!.actions);
  });

  it("grants each CI identity its own environment's scopes only, as contracts/ci-access.ts lists them", () => {
    const grants = ofType(graph, "azure-native:authorization:RoleAssignment");
    const scopeLabel = { environmentResourceGroup: "rg", environmentStateContainer: "state", environmentSecretsKey: "key" } as const;
    let total = 0;
    for (const env of ENVS) {
      for (const identity of ["plan", "deploy"] as const) {
        const mine = grants.filter((g) => dependsOn(g, "principalId", sp(env, identity)));
        total += mine.length;
        for (const g of mine) assert.equal(g.inputs["principalType"], "ServicePrincipal");
        assert.deepEqual(
          mine.map(grantLabel).sort(),
          CI_ACCESS[identity].arm.map((a) => `${a.role}@${scopeLabel[a.scope]}:${env}`).sort(),
          `${env} ${identity}`,
        );
      }
    }
    assert.equal(total, grants.length, "no other grants");
  });

  it("plan-<env> reads state (preview takes no lock) and never writes it; deploy holds the conditioned RBAC administrator role", () => {
    const grants = ofType(graph, "azure-native:authorization:RoleAssignment");
    for (const env of ENVS) {
      const plan = grants.filter((g) => dependsOn(g, "principalId", sp(env, "plan"))).map(grantLabel);
      assert.ok(plan.includes(`Storage Blob Data Reader@state:${env}`));
      assert.ok(!plan.some((l) => /Contributor|Owner|Administrator/.test(l)), `${env}: plan is read-only: ${plan.join(", ")}`);
      const admin = grants.filter((g) => dependsOn(g, "principalId", sp(env, "deploy")) && roleGuid(g) === ROLE_CATALOGUE["Role Based Access Control Administrator"]);
      assert.equal(admin.length, 1);
      assert.equal(admin[0]!.inputs["condition"], constrainedRolesCondition(DEPLOY_ASSIGNABLE_ROLES));
      assert.equal(admin[0]!.inputs["conditionVersion"], "2.0");
    }
    for (const g of grants.filter((x) => roleGuid(x) !== ROLE_CATALOGUE["Role Based Access Control Administrator"])) {
      assert.equal(g.inputs["condition"], undefined, g.name);
    }
  });

  it("names children by content (environment, identity, role), never by position", () => {
    for (const r of graph.resources) assert.doesNotMatch(r.name, /-\d+$/, r.name);
    assert.ok(graph.resources.some((r) => r.name === "bootstrap-prod-deploy-dataplatform-lock-writer-rg"));
  });
});

describe("bootstrap config validation", () => {
  it("refuses bad config with one message naming every bad key, before creating anything", async () => {
    const bad = {
      ...CONFIG,
      "dataplatform-bootstrap:owners": "[]",
      "dataplatform-bootstrap:environments": JSON.stringify({ dev: { subscriptionId: "not-a-guid", location: "westeurope" }, staging: { subscriptionId: "3b1f6d2a-8c4e-4f7a-9d21-6e5c0b7a1d09", location: "westeurope" } }),
    };
    const result = await evaluateStack("org", { project: BOOTSTRAP, config: bad, fresh: true });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.failure.error, /dataplatform-bootstrap:owners: name at least one owner/);
    assert.match(result.failure.error, /dataplatform-bootstrap:environments\.dev\.subscriptionId: "not-a-guid" is not a GUID/);
    assert.match(result.failure.error, /dataplatform-bootstrap:environments\.staging: "staging" is not an environment/);
    assert.equal(result.failure.resources.filter((r) => r.custom).length, 0, "nothing created");
  });
});
