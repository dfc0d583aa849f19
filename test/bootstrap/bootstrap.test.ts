import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { type Graph, type GraphResource, PROJECT_ROOT, readStackConfig, stackGraph } from "../../tools/graph";
import { ofType, one, roleGuid } from "../support/graphs";
import { join } from "node:path";

const BOOTSTRAP = { dir: "bootstrap", main: "index.ts" };
const CI = { dev: { deploy: "11111111-2222-4333-8444-000000000d01", plan: "11111111-2222-4333-8444-000000000d02" } };

let phase1: Graph;
let phase2: Graph;
beforeAll(async () => {
  const config = readStackConfig("org", join(PROJECT_ROOT, "bootstrap"));
  phase1 = await stackGraph("org", { project: BOOTSTRAP });
  phase2 = await stackGraph("org", { project: BOOTSTRAP, config: { ...config, "dataplatform-bootstrap:ciPrincipals": JSON.stringify(CI) } });
});

describe("bootstrap project (evaluated from bootstrap/Pulumi.org.yaml under mocks)", () => {
  it("creates an Entra-only, TLS 1.2, private-blob state account with versioning, soft delete and a private container", () => {
    const account = one(phase1, "azure-native:storage:StorageAccount").inputs;
    assert.equal(account["allowSharedKeyAccess"], false);
    assert.equal(account["defaultToOAuthAuthentication"], true);
    assert.equal(account["allowBlobPublicAccess"], false);
    assert.equal(account["minimumTlsVersion"], "TLS1_2");
    assert.equal(account["enableHttpsTrafficOnly"], true);
    assert.equal(account["allowCrossTenantReplication"], false);
    const blob = one(phase1, "azure-native:storage:BlobServiceProperties").inputs;
    assert.equal(blob["isVersioningEnabled"], true);
    assert.deepEqual(blob["deleteRetentionPolicy"], { enabled: true, days: 30 });
    assert.deepEqual(blob["containerDeleteRetentionPolicy"], { enabled: true, days: 30 });
    const container = one(phase1, "azure-native:storage:BlobContainer").inputs;
    assert.equal(container["publicAccess"], "None");
    for (const r of phase1.resources.filter((x) => x.type.startsWith("azure-native:storage:") || x.type === "azure-native:keyvault:Key")) {
      assert.equal(r.protect, true, `${r.name} is protected`);
    }
    assert.match(String(phase1.outputs["stateBackendUrl"]), /^azblob:\/\/pulumi-state\?storage_account=st[a-z0-9]+$/);
  });

  it("keeps the secrets-provider key in an RBAC-only, purge-protected vault, non-exportable, with a rotation policy", () => {
    const vault = one(phase1, "azure-native:keyvault:Vault").inputs["properties"] as Record<string, unknown>;
    assert.equal(vault["enableRbacAuthorization"], true);
    assert.equal(vault["enablePurgeProtection"], true);
    assert.equal(vault["softDeleteRetentionInDays"], 90);
    const key = one(phase1, "azure-native:keyvault:Key").inputs["properties"] as Record<string, any>;
    assert.equal(key["kty"], "RSA");
    assert.equal(key["attributes"]["exportable"], false);
    const actions = key["rotationPolicy"]["lifetimeActions"].map((a: { action: { type: string } }) => a.action.type);
    assert.deepEqual(actions.sort(), ["notify", "rotate"]);
    assert.match(String(phase1.outputs["secretsProviderKeyUrl"]), /^azurekeyvault:\/\/kv-[a-z0-9-]+\.vault\.azure\.net\/keys\/pulumi-secrets$/);
    assert.deepEqual(phase1.outputs["notices"], ["allowedIpRanges empty: the secrets-provider key vault's data plane is public (Entra RBAC only)"]);
  });

  it("defines a custom role that can only read and write resource groups, assignable at subscription scope", () => {
    const role = one(phase1, "azure-native:authorization:RoleDefinition").inputs;
    assert.deepEqual(role["permissions"], [
      { actions: ["Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Resources/subscriptions/resourceGroups/write"], notActions: [] },
    ]);
    assert.match(String(role["scope"]), /^\/subscriptions\/[^/]+$/);
    assert.deepEqual(role["assignableScopes"], [role["scope"]]);
    assert.equal(ofType(phase1, "azure-native:authorization:RoleAssignment").length, 0, "phase 1 grants nothing");
  });

  it("phase 2 grants each CI identity only state, key and resource-group rights; plan cannot write state", () => {
    const grants = ofType(phase2, "azure-native:authorization:RoleAssignment");
    assert.equal(grants.length, 5);
    const container = one(phase2, "azure-native:storage:BlobContainer");
    const key = one(phase2, "azure-native:keyvault:Key");
    const role = one(phase2, "azure-native:authorization:RoleDefinition");
    const by = (principal: string) => grants.filter((g) => g.inputs["principalId"] === principal);
    const deploy = by(CI.dev.deploy);
    const plan = by(CI.dev.plan);
    const target = (g: GraphResource) => {
      const from = g.propertyDependencies["scope"]?.[0];
      return from === container.urn ? "container" : from === key.urn ? "key" : /^\/subscriptions\/[^/]+$/.test(String(g.inputs["scope"])) ? "subscription" : "?";
    };
    const customRole = (g: GraphResource) => g.propertyDependencies["roleDefinitionId"]?.includes(role.urn) ?? false;
    assert.deepEqual(
      deploy.map((g) => `${customRole(g) ? "rg-writer" : roleGuid(g)}@${target(g)}`).sort(),
      ["12338af0-0e69-4776-bea7-57ae8d297424@key", "ba92f5b4-2d11-453d-a403-e96b0029c9fe@container", "rg-writer@subscription"].sort(),
    );
    assert.deepEqual(plan.map(roleGuid).sort(), ["12338af0-0e69-4776-bea7-57ae8d297424", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"].sort());
    for (const g of grants) {
      assert.ok(!["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"].includes(roleGuid(g)));
    }
  });
});
