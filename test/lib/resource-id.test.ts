import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { isResourceType, parseResourceId, providerResourceId, resourceGroupId, ResourceIdError, subscriptionScopeId, tryParseResourceId } from "../../lib/resource-id";

const SUB = "00000000-0000-4000-8000-00000000c0de";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-dp-dev`;

describe("parseResourceId", () => {
  it("reads a resource in a resource group", () => {
    assert.deepEqual(parseResourceId(`${RG}/providers/Microsoft.KeyVault/vaults/kv-dp-dev`), {
      subscriptionId: SUB,
      resourceGroupName: "rg-dp-dev",
      provider: "Microsoft.KeyVault",
      types: ["vaults"],
      names: ["kv-dp-dev"],
      type: "Microsoft.KeyVault/vaults",
      name: "kv-dp-dev",
      scope: RG,
    });
  });

  it("reads nested child resources, type by type", () => {
    const id = parseResourceId(`${RG}/providers/Microsoft.Storage/storageAccounts/stdpdev/blobServices/default/containers/raw`);
    assert.deepEqual(id.types, ["storageAccounts", "blobServices", "containers"]);
    assert.deepEqual(id.names, ["stdpdev", "default", "raw"]);
    assert.equal(id.type, "Microsoft.Storage/storageAccounts/blobServices/containers");
    assert.equal(id.name, "raw");
    assert.equal(id.scope, RG);
  });

  it("reads a subscription and a resource group themselves", () => {
    const sub = parseResourceId(`/subscriptions/${SUB}`);
    assert.equal(sub.subscriptionId, SUB);
    assert.equal(sub.resourceGroupName, undefined);
    assert.equal(sub.type, "Microsoft.Resources/subscriptions");
    assert.equal(sub.name, SUB);
    assert.equal(sub.scope, undefined);

    const rg = parseResourceId(RG);
    assert.equal(rg.subscriptionId, SUB);
    assert.equal(rg.resourceGroupName, "rg-dp-dev");
    assert.equal(rg.type, "Microsoft.Resources/resourceGroups");
    assert.equal(rg.name, "rg-dp-dev");
    assert.equal(rg.scope, `/subscriptions/${SUB}`);
  });

  it("reads subscription-level and tenant-level provider resources", () => {
    const role = parseResourceId(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`);
    assert.equal(role.subscriptionId, SUB);
    assert.equal(role.resourceGroupName, undefined);
    assert.equal(role.type, "Microsoft.Authorization/roleDefinitions");
    assert.equal(role.name, "acdd72a7-3385-48ef-bd42-f606fba81ae7");
    assert.equal(role.scope, `/subscriptions/${SUB}`);

    const group = parseResourceId("/providers/Microsoft.Management/managementGroups/mg-platform");
    assert.equal(group.subscriptionId, undefined);
    assert.equal(group.type, "Microsoft.Management/managementGroups");
    assert.equal(group.name, "mg-platform");
    assert.equal(group.scope, undefined);
  });

  it("reads an extension resource as itself, scoped to the resource it extends", () => {
    const account = `${RG}/providers/Microsoft.Storage/storageAccounts/stdpdev`;
    const id = parseResourceId(`${account}/providers/Microsoft.Authorization/roleAssignments/1b2c`);
    assert.equal(id.type, "Microsoft.Authorization/roleAssignments");
    assert.equal(id.name, "1b2c");
    assert.equal(id.resourceGroupName, "rg-dp-dev");
    assert.equal(id.scope, account);
  });

  it("accepts the fixed segments in any case, as ARM returns them, and keeps the case of names", () => {
    const id = parseResourceId(`/SUBSCRIPTIONS/${SUB}/resourcegroups/RG-Dp-Dev/Providers/microsoft.keyvault/Vaults/KV-DP-DEV`);
    assert.equal(id.resourceGroupName, "RG-Dp-Dev");
    assert.equal(id.provider, "microsoft.keyvault");
    assert.equal(id.name, "KV-DP-DEV");
    assert.ok(isResourceType(id, "Microsoft.KeyVault/vaults"));
  });

  it("a type or name spelled like a keyword is still a type or name", () => {
    const id = parseResourceId(`${RG}/providers/Microsoft.Web/sites/providers/config/web`);
    assert.deepEqual(id.names, ["providers", "web"]);
    assert.equal(id.type, "Microsoft.Web/sites/config");
  });

  it("checks an expected type, ignoring case", () => {
    assert.equal(parseResourceId(`${RG}/providers/Microsoft.KeyVault/vaults/kv`, "microsoft.keyvault/VAULTS").name, "kv");
    assert.throws(() => parseResourceId(`${RG}/providers/Microsoft.Storage/storageAccounts/st`, "Microsoft.KeyVault/vaults"), /expected a Microsoft\.KeyVault\/vaults, found a Microsoft\.Storage\/storageAccounts/);
  });

  const malformed: [string, string, RegExp][] = [
    ["empty", "", /must start with \//],
    ["relative", "subscriptions/x", /must start with \//],
    ["the root alone", "/", /empty segment/],
    ["a double slash", `/subscriptions/${SUB}//resourceGroups/rg`, /empty segment/],
    ["a trailing slash", `${RG}/`, /empty segment/],
    ["a subscription without ID", "/subscriptions", /subscriptions has no name/],
    ["a resource group without name", `/subscriptions/${SUB}/resourceGroups`, /resourceGroups has no name/],
    ["an unknown segment", `/subscriptions/${SUB}/things/x`, /expected "providers" where "things" is/],
    ["providers without namespace", `${RG}/providers`, /providers has no namespace/],
    ["a namespace without type", `${RG}/providers/Microsoft.KeyVault`, /Microsoft\.KeyVault names no resource type/],
    ["a type without name", `${RG}/providers/Microsoft.KeyVault/vaults`, /resource type "vaults" has no name/],
    ["a child type without name", `${RG}/providers/Microsoft.KeyVault/vaults/kv/secrets`, /resource type "secrets" has no name/],
    ["a URL", "https://kv.vault.azure.net/secrets/x", /must start with \//],
  ];
  for (const [what, id, problem] of malformed) {
    it(`rejects ${what}, saying why`, () => {
      assert.throws(() => parseResourceId(id), (err: unknown) => {
        assert.ok(err instanceof ResourceIdError);
        assert.match(err.message, /is not an Azure resource ID/);
        assert.match(err.message, problem);
        return true;
      });
      assert.equal(tryParseResourceId(id), undefined);
    });
  }

  it("tryParseResourceId takes anything and answers undefined for what is not an ID", () => {
    assert.equal(tryParseResourceId(undefined), undefined);
    assert.equal(tryParseResourceId(42), undefined);
    assert.equal(tryParseResourceId(RG)?.resourceGroupName, "rg-dp-dev");
  });
});

describe("resource ID formatters", () => {
  it("format what the parser reads back", () => {
    assert.equal(resourceGroupId(SUB, "rg-dp-dev"), RG);
    const secret = providerResourceId(RG, "Microsoft.KeyVault", [["vaults", "kv"], ["secrets", "db"]]);
    assert.equal(secret, `${RG}/providers/Microsoft.KeyVault/vaults/kv/secrets/db`);
    assert.deepEqual(parseResourceId(secret).names, ["kv", "db"]);
    const role = providerResourceId(`/subscriptions/${SUB}/`, "Microsoft.Authorization", [["roleDefinitions", "guid"]]);
    assert.equal(role, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/guid`);
  });

  it("format a subscription's ID, which the parser reads back as the subscription itself", () => {
    const sub = subscriptionScopeId(SUB);
    assert.equal(sub, `/subscriptions/${SUB}`);
    const parsed = parseResourceId(sub);
    assert.equal(parsed.subscriptionId, SUB);
    assert.equal(parsed.type, "Microsoft.Resources/subscriptions");
    assert.equal(parseResourceId(RG).scope, sub);
    const role = providerResourceId(sub, "Microsoft.Authorization", [["roleDefinitions", "guid"]]);
    assert.equal(parseResourceId(role).subscriptionId, SUB);
  });
});
