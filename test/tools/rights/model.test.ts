import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { DEPLOY_CONDITION_INTENT } from "../../../contracts/deploy-rights/identities";
import { OWNER_ROLE_ID, ROLE_CATALOGUE } from "../../../contracts/roles";
import { T } from "../../../contracts/resource-types";
import type { Graph } from "../../../tools/graph";
import { environmentResourceGroup, evaluateRights, findDeployCondition, type RightsInput, type Verdict } from "../../../tools/rights";
import { graphOf, ofType, one } from "../../support/graphs";
import { clone, resource, withoutGrant } from "./fixtures";

let dev: Graph;
let prod: Graph;
beforeAll(async () => {
  [dev, prod] = await Promise.all([graphOf("dev"), graphOf("prod")]);
});

function run(graph: Graph, role: "plan" | "deploy", extra: Partial<RightsInput> = {}): Verdict[] {
  return evaluateRights({ graph, identity: { role, env: graph.stack }, environmentResourceGroup: environmentResourceGroup(graph)!, condition: findDeployCondition([graph]), ...extra });
}
const about = (verdicts: Verdict[], subject: string, operation: string) => {
  const found = verdicts.filter((v) => v.requirement.subject === subject && v.requirement.operation === operation);
  assert.ok(found.length > 0, `no verdict for ${operation} ${subject}`);
  return found;
};
const granted = (vs: Verdict[]) => vs.every((v) => v.granted);

describe("remove a grant: the operations it covered turn missing", () => {
  it("deploy without Contributor cannot create the data lake account; with it, it can", () => {
    const account = one(dev, T.storageAccount).name;
    assert.ok(granted(about(run(dev, "deploy"), account, "create")));
    const [verdict] = about(run(dev, "deploy", { access: withoutGrant("deploy", "Contributor") }), account, "create");
    assert.equal(verdict!.granted, false);
    assert.match(verdict!.reason, /Microsoft\.Storage\/storageAccounts\/write/);
  });

  it("plan without Reader cannot refresh (read) the key vault", () => {
    const vault = one(dev, T.vault).name;
    assert.ok(granted(about(run(dev, "plan"), vault, "read")));
    const [verdict] = about(run(dev, "plan", { access: withoutGrant("plan", "Reader") }), vault, "read");
    assert.equal(verdict!.granted, false);
  });

  it("plan never gets write operations: it is asked only to read", () => {
    const ops = new Set(run(dev, "plan").map((v) => v.requirement.operation));
    assert.deepEqual([...ops].sort(), ["invoke", "read", "state"]);
  });
});

describe("locks: Contributor cannot write them (NotActions Microsoft.Authorization/*/Write)", () => {
  const lock = (graph: Graph) => {
    const g = clone(graph);
    const vault = one(g, T.vault);
    g.resources.push(resource(g, T.lockByScope, "added-vault-lock", { level: "CanNotDelete", lockName: "lock-x", scope: vault.id }));
    return g;
  };

  it("a lock added to dev, deploy without the lock writer role: create is missing, and the reason names Contributor's NotActions", () => {
    const [verdict] = about(run(lock(dev), "deploy", { access: withoutGrant("deploy", "dataplatform lock writer") }), "added-vault-lock", "create");
    assert.equal(verdict!.granted, false);
    assert.match(verdict!.reason, /Contributor NotActions Microsoft\.Authorization\/\*\/Write excludes Microsoft\.Authorization\/locks\/write/);
  });

  it("prod's real locks are writable through the custom lock writer role CI_ACCESS grants", () => {
    const locks = ofType(prod, T.lockByScope);
    assert.ok(locks.length > 0);
    const verdicts = run(prod, "deploy").filter((v) => v.requirement.type === T.lockByScope);
    assert.ok(verdicts.every((v) => v.granted), verdicts.filter((v) => !v.granted).map((v) => v.reason).join("\n"));
    assert.ok(verdicts.some((v) => /dataplatform lock writer/.test(v.reason)));
  });
});

describe("reachability: a data-plane operation on a private workspace from a runner outside the VNet", () => {
  const classic = "azure:synapse/roleAssignment:RoleAssignment";
  const withClassic = (publicNetworkAccess: string) => {
    const g = clone(dev);
    for (const r of g.resources.filter((x) => x.type === classic)) g.resources.splice(g.resources.indexOf(r), 1);
    const ws = one(g, T.synapseWorkspace);
    ws.inputs["publicNetworkAccess"] = publicNetworkAccess;
    g.resources.push(resource(g, classic, "added-synapse-ra", { principalId: "x", roleName: "Synapse Administrator", synapseWorkspaceId: ws.id }, { synapseWorkspaceId: [ws.urn] }));
    return g;
  };

  it("workspace publicNetworkAccess Disabled: every operation, for plan and deploy, is unreachable", () => {
    for (const role of ["plan", "deploy"] as const) {
      const verdicts = run(withClassic("Disabled"), role).filter((v) => v.requirement.subject === "added-synapse-ra" && v.requirement.call.plane === "data-plane");
      assert.ok(verdicts.length > 0);
      for (const v of verdicts) {
        assert.equal(v.granted, false);
        assert.match(v.reason, /unreachable: \{workspaceName\}\.dev\.azuresynapse\.net of .* publicNetworkAccess Disabled .* outside the VNet/);
      }
    }
  });

  it("workspace public: reachable, but still missing because CI holds no Synapse RBAC role", () => {
    const [verdict] = about(run(withClassic("Enabled"), "deploy"), "added-synapse-ra", "create");
    assert.equal(verdict!.granted, false);
    assert.doesNotMatch(verdict!.reason, /unreachable/);
    assert.match(verdict!.reason, /own RBAC/);
  });

  it("a runner inside the VNet reaches the private workspace", () => {
    const [verdict] = about(run(withClassic("Disabled"), "deploy", { insideVnet: true }), "added-synapse-ra", "create");
    assert.doesNotMatch(verdict!.reason, /unreachable/);
  });
});

describe("role assignments deploy writes pass its RBAC Administrator condition", () => {
  const withAssignment = (roleId: string, principalType = "ServicePrincipal") => {
    const g = clone(dev);
    const rg = g.resources.find((r) => r.type === T.resourceGroup)?.id ?? `/subscriptions/s/resourceGroups/${environmentResourceGroup(g)}`;
    g.resources.push(resource(g, T.roleAssignment, "added-ra", { scope: rg, principalId: "p", principalType, roleDefinitionId: `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${roleId}` }));
    return g;
  };
  const intent = { allowedRoleIds: [...DEPLOY_CONDITION_INTENT.allowedRoleIds], principalTypes: [...DEPLOY_CONDITION_INTENT.principalTypes], source: "intent" };

  it("Owner: refused by the condition read from the real grant", () => {
    const [verdict] = about(run(withAssignment(OWNER_ROLE_ID), "deploy"), "added-ra", "create");
    assert.equal(verdict!.granted, false);
    assert.match(verdict!.reason, new RegExp(`does not allow role ${OWNER_ROLE_ID}`));
  });

  it("Contributor and a User principal: refused under the decided condition (privileged roles out, SP|Group only)", () => {
    const [contributor] = about(run(withAssignment(ROLE_CATALOGUE.Contributor), "deploy", { condition: intent }), "added-ra", "create");
    assert.equal(contributor!.granted, false);
    assert.match(contributor!.reason, /does not allow role b24988ac/);
    const [user] = about(run(withAssignment(ROLE_CATALOGUE.Reader, "User"), "deploy", { condition: intent }), "added-ra", "create");
    assert.equal(user!.granted, false);
    assert.match(user!.reason, /principal types ServicePrincipal\|Group, not User/);
    const [ok] = about(run(withAssignment(ROLE_CATALOGUE.Reader, "Group"), "deploy", { condition: intent }), "added-ra", "create");
    assert.equal(ok!.granted, true, ok!.reason);
  });
});

describe("state: each CI identity opens only its own environment's state", () => {
  it("plan-dev reading test's state is refused; its own is granted", () => {
    const own = run(dev, "plan").filter((v) => v.requirement.operation === "state");
    assert.ok(own.length > 0 && granted(own), own.map((v) => v.reason).join("\n"));
    const other = run(dev, "plan", { stateEnv: "test" }).filter((v) => v.requirement.operation === "state");
    assert.ok(other.length > 0);
    for (const v of other) {
      assert.equal(v.granted, false);
      assert.match(v.reason, /granted only at .* of dev .* not at .* of test/);
    }
  });

  it("plan cannot write state (no blob write in its model), deploy can", () => {
    const writes = (role: "plan" | "deploy") => run(dev, role).filter((v) => v.requirement.operation === "state" && /blobs\/write/.test(v.need));
    assert.equal(writes("plan").length, 0);
    assert.ok(writes("deploy").length > 0 && granted(writes("deploy")));
    const [noWrite] = run(dev, "deploy", { access: withoutGrant("deploy", "Storage Blob Data Contributor") }).filter((v) => v.requirement.operation === "state" && /blobs\/write/.test(v.need));
    assert.equal(noWrite!.granted, false);
  });
});

describe("a type the model does not know is missing, not silently granted", () => {
  it("an unknown resource type yields a missing verdict naming operations.ts", () => {
    const g = clone(dev);
    g.resources.push(resource(g, "azure-native:compute:VirtualMachine", "added-vm", { resourceGroupName: environmentResourceGroup(g) }));
    const verdicts = about(run(g, "deploy"), "added-vm", "create");
    assert.equal(verdicts[0]!.granted, false);
    assert.match(verdicts[0]!.reason, /contracts\/deploy-rights\/operations\.ts/);
  });
});

describe("Key Vault keys and secrets: azure-native deletes them through the vault's data plane (custom_keyvault.go)", () => {
  const withoutRetain = (graph: Graph, type: string): Graph => {
    const g = clone(graph);
    for (const r of g.resources) if (r.type === type) r.retainOnDelete = false;
    return g;
  };

  it("as the platform declares them (retainOnDelete), deploy is never asked to delete one", () => {
    const vaultChildren = dev.resources.filter((r) => r.type === T.vaultSecret || r.type === T.vaultKey).map((r) => r.name);
    assert.ok(vaultChildren.length >= 4, "the gateway, Prefect and tunnel secrets and the platform key");
    const deletes = run(dev, "deploy").filter((v) => vaultChildren.includes(v.requirement.subject) && v.requirement.operation === "delete");
    assert.deepEqual(deletes.map((v) => v.requirement.subject), []);
  });

  it("without retainOnDelete, deleting one is a data-plane call to the private vault: unreachable from CI", () => {
    for (const type of [T.vaultSecret, T.vaultKey]) {
      const subject = dev.resources.find((r) => r.type === type)!.name;
      const [verdict] = about(run(withoutRetain(dev, type), "deploy"), subject, "delete");
      assert.equal(verdict!.granted, false);
      assert.equal(verdict!.requirement.call.plane, "data-plane");
      assert.match(verdict!.reason, /unreachable: \{vaultName\}\.vault\.azure\.net of .* publicNetworkAccess Disabled/);
    }
  });
});
