import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { ROLE_CATALOGUE } from "../../../contracts/roles";
import type { Graph, GraphResource } from "../../../tools/graph";
import { allGraphs, byUrn, ofType } from "../../support/graphs";
import { configOf, roleGuid, sourceOf } from "./principals";
import { T } from "../../../contracts/resource-types";

let graphs: Graph[];
beforeAll(async () => {
  graphs = await allGraphs();
});


function app(graph: Graph, role: string): GraphResource {
  const { project, environment } = configOf(graph);
  const found = ofType(graph, T.entraApplication).filter((a) => a.inputs["displayName"] === `${project}-${role}-${environment}`);
  assert.equal(found.length, 1, `${graph.stack}: one ${role} application`);
  return found[0]!;
}

function dependsOnUrn(r: GraphResource, input: string, urn: string): boolean {
  return (r.propertyDependencies[input] ?? []).includes(urn);
}

describe("identities per environment", () => {
  it("creates one Entra app, the gateway's, with a service principal, named per environment and distinct across stacks", () => {
    const seen = new Map<string, string>();
    for (const graph of graphs) {
      assert.equal(ofType(graph, T.entraApplication).length, 1, `${graph.stack}: only the gateway app (CI apps are bootstrap's)`);
      const a = app(graph, "gateway");
      assert.equal(a.inputs["signInAudience"], "AzureADMyOrg");
      assert.equal(a.inputs["preventDuplicateNames"], true);
      assert.equal(a.inputs["password"], undefined, "no inline password");
      const sps = ofType(graph, T.entraServicePrincipal).filter((sp) => dependsOnUrn(sp, "clientId", a.urn));
      assert.equal(sps.length, 1, `${graph.stack}: the gateway has one service principal`);
      assert.equal(ofType(graph, T.entraServicePrincipal).length, 1);
      const name = String(a.inputs["displayName"]);
      assert.ok(!seen.has(name), `${name} appears in ${seen.get(name)} and ${graph.stack}`);
      seen.set(name, graph.stack);
    }
    assert.equal(seen.size, graphs.length);
  });

  it("creates user-assigned identities for the Prefect worker (orchestrator) and server, distinct per stack", () => {
    const seen = new Set<string>();
    for (const graph of graphs) {
      const identity = ofType(graph, "dataplatform:identity:Identity")[0]!;
      const names = ofType(graph, T.userAssignedIdentity)
        .filter((u) => u.parent === identity.urn)
        .map((u) => String(u.inputs["resourceName"]))
        .sort();
      const env = configOf(graph).environment;
      // Tunnel mode: the cloudflared connector's identity lives here too (the Connector component gets it).
      const tunnel = configOf(graph).cloudflare.connectivity === "tunnel";
      assert.deepEqual(
        names.map((n) => n.replace(/-[a-z]+$/, "")),
        [...(tunnel ? [`id-dataplatform-cloudflared-${env}`] : []), `id-dataplatform-orchestrator-${env}`, `id-dataplatform-prefect-server-${env}`],
      );
      for (const n of names) {
        assert.ok(!seen.has(n));
        seen.add(n);
      }
    }
  });

  it("holds nothing CI identities are made of: no federated credential, Graph grant, Graph lookup, owner resource or CI role", () => {
    for (const graph of graphs) {
      assert.equal(ofType(graph, T.entraFederatedCredential).length, 0, `${graph.stack}: federation is bootstrap's`);
      assert.equal(ofType(graph, "azuread:index/appRoleAssignment:AppRoleAssignment").length, 0, "Graph grants are bootstrap's (admin consent)");
      assert.equal(ofType(graph, "azuread:index/applicationOwner:ApplicationOwner").length, 0, "owners are managed one way: the owners list");
      assert.deepEqual(graph.invokes.filter((i) => i.token.startsWith("azuread:")).map((i) => i.token), [], "no Entra lookups the deploy identity cannot make");
      const { ci } = configOf(graph);
      const ciGrants = ofType(graph, "azure-native:authorization:RoleAssignment").filter(
        (r) => r.inputs["principalId"] === ci.deployPrincipalId || r.inputs["principalId"] === ci.planPrincipalId,
      );
      assert.deepEqual(ciGrants.map((r) => r.name), [], "the CI identities' ARM grants are bootstrap's");
      const privileged = ofType(graph, "azure-native:authorization:RoleAssignment").filter((r) =>
        [ROLE_CATALOGUE.Contributor, ROLE_CATALOGUE["Role Based Access Control Administrator"]].includes(roleGuid(r) as never),
      );
      assert.deepEqual(privileged.map((r) => r.name), [], "no Contributor or RBAC administrator granted by the stack itself");
    }
  });

  it("reads the environment's resource group bootstrap created instead of creating one", () => {
    for (const graph of graphs) {
      assert.equal(ofType(graph, "azure-native:resources:ResourceGroup").length, 0, `${graph.stack}: the group is bootstrap's`);
      const lookups = graph.invokes.filter((i) => i.token === "azure-native:resources:getResourceGroup");
      const { environment } = configOf(graph);
      assert.deepEqual(lookups.map((i) => i.inputs["resourceGroupName"]), [`rg-dataplatform-${environment}-weu`]);
    }
  });

  it("exposes the gateway app as the API callers get tokens for: v2 tokens carry its client ID as `aud`, the Worker's audience; groups in tokens", () => {
    for (const graph of graphs) {
      const gateway = app(graph, "gateway");
      const script = ofType(graph, "cloudflare:index/workersScript:WorkersScript")[0]!;
      const audience = (script.inputs["bindings"] as { name: string; text?: string }[]).find((b) => b.name === "OIDC_AUDIENCE")?.text;
      // Callers ask for `<App ID URI>/.default`; a v2 access token's `aud` is the API's client ID
      // (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
      assert.equal(gateway.inputs["identifierUris"] !== undefined, true);
      assert.equal(audience, gateway.outputs["clientId"], `${graph.stack}: the Worker's audience is what v2 tokens carry`);
      assert.deepEqual(gateway.inputs["groupMembershipClaims"], ["SecurityGroup"], "the Worker maps group IDs to routes");
      const api = gateway.inputs["api"] as { requestedAccessTokenVersion: number; oauth2PermissionScopes: { value: string; type: string; id: string }[] };
      assert.equal(api.requestedAccessTokenVersion, 2, "v2 tokens match the Worker's v2 issuer");
      assert.deepEqual(api.oauth2PermissionScopes.map((x) => [x.value, x.type]), [["access", "User"]]);
      const roles = gateway.inputs["appRoles"] as { value: string; allowedMemberTypes: string[] }[];
      assert.deepEqual(roles.map((r) => [r.value, r.allowedMemberTypes]), [["Gateway.Access", ["Application"]]]);
    }
    const ids = graphs.map((g) => (app(g, "gateway").inputs["api"] as { oauth2PermissionScopes: { id: string }[] }).oauth2PermissionScopes[0]!.id);
    assert.equal(new Set(ids).size, graphs.length, "scope IDs differ per environment");
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("has exactly the gateway app's two client-secret slots (federation and managed identities serve the rest)", () => {
    for (const graph of graphs) {
      const passwords = ofType(graph, T.entraApplicationPassword);
      assert.equal(passwords.length, 2, `${graph.stack}: slots A and B`);
      for (const p of passwords) assert.ok(dependsOnUrn(p, "applicationId", app(graph, "gateway").urn));
      assert.equal(ofType(graph, "azuread:index/servicePrincipalPassword:ServicePrincipalPassword").length, 0);
      assert.equal(ofType(graph, "azuread:index/applicationCertificate:ApplicationCertificate").length, 0);
    }
  });

  it("makes the deploy identity (bootstrap's, from dataplatform:ci) the only owner of the gateway app and its service principal", () => {
    for (const graph of graphs) {
      const { ci } = configOf(graph);
      const gateway = app(graph, "gateway");
      assert.deepEqual(gateway.inputs["owners"], [ci.deployPrincipalId], `${graph.stack}: the creator stays owner (OwnedBy)`);
      const sp = ofType(graph, T.entraServicePrincipal).find((s) => dependsOnUrn(s, "clientId", gateway.urn))!;
      assert.deepEqual(sp.inputs["owners"], [ci.deployPrincipalId]);
      assert.equal(sp.inputs["appRoleAssignmentRequired"], false, "the gateway API admits callers by route, not by assignment");
    }
  });
});

/** The gateway app's two password slots and their schedules, by resource name (slot A keeps the single password's). */
function slots(graph: Graph): Record<"a" | "b", { password: GraphResource; schedule: GraphResource }> {
  const rotation = ofType(graph, "dataplatform:rotation:RotatingClientSecret");
  assert.equal(rotation.length, 1, `${graph.stack}: one RotatingClientSecret`);
  const name = rotation[0]!.name;
  const child = (type: string, childName: string) => {
    const found = ofType(graph, type).filter((r) => r.name === childName && r.parent === rotation[0]!.urn);
    assert.equal(found.length, 1, `${graph.stack}: ${childName}`);
    return found[0]!;
  };
  return {
    a: { password: child(T.entraApplicationPassword, `${name}-password`), schedule: child(T.rotating, `${name}-schedule`) },
    b: { password: child(T.entraApplicationPassword, `${name}-password-b`), schedule: child(T.rotating, `${name}-schedule-b`) },
  };
}

const days = (from: unknown, to: unknown) => (Date.parse(String(to)) - Date.parse(String(from))) / 86_400_000;

describe("gateway client secret rotation: two slots, half a period apart", () => {
  it("slot A keeps the single password's names under the Identity's RotatingClientSecret, so the first up with slots only adds B", () => {
    for (const graph of graphs) {
      const identity = ofType(graph, "dataplatform:identity:Identity")[0]!;
      const rotation = ofType(graph, "dataplatform:rotation:RotatingClientSecret")[0]!;
      assert.equal(rotation.parent, identity.urn);
      assert.equal(rotation.name, `${identity.name}-gateway-secret`);
      const { a } = slots(graph);
      // The single password's inputs (and no others): a changed input would replace it (all are replace-only).
      assert.deepEqual(Object.keys(a.password.inputs).sort(), ["applicationId", "displayName", "endDate", "rotateWhenChanged", "startDate"]);
      assert.equal(a.password.inputs["displayName"], `rotated ${String(a.schedule.outputs["rfc3339"])}`);
      assert.equal(a.password.inputs["startDate"], a.schedule.outputs["rfc3339"]);
      assert.deepEqual(Object.keys(a.schedule.inputs), ["rotationDays"]);
      assert.deepEqual(a.password.aliases, []);
    }
  });

  it("each slot's password is replaced when its own Rotating schedule is recreated, and is valid for the overlap past its own deadline", () => {
    for (const graph of graphs) {
      const { identity } = configOf(graph);
      const both = slots(graph);
      for (const [slot, { password, schedule }] of Object.entries(both)) {
        const at = `${graph.stack}: slot ${slot}`;
        assert.equal(schedule.inputs["rotationDays"], identity.gatewaySecretRotationDays, at);
        assert.ok(Number(schedule.inputs["rotationDays"]) <= 90, `${at}: at most 90 days`);
        // rotateWhenChanged is a replace-only input: a new Rotating (new ID) after the deadline replaces the password.
        assert.deepEqual(password.propertyDependencies["rotateWhenChanged"], [schedule.urn], `${at}: replaced by its own schedule only`);
        assert.ok(dependsOnUrn(password, "endDate", schedule.urn), at);
        const rotateWhenChanged = password.inputs["rotateWhenChanged"] as Record<string, string>;
        assert.equal(rotateWhenChanged["rotation"], schedule.id, at);
        assert.equal(rotateWhenChanged["deadline"], schedule.outputs["rotationRfc3339"], at);
        assert.equal(days(rotateWhenChanged["deadline"], password.inputs["endDate"]), identity.gatewaySecretOverlapDays, `${at}: valid for the overlap past its deadline`);
        assert.ok(password.additionalSecretOutputs.includes("value"), `${at}: the value is secret in state`);
        assert.equal(password.deleteBeforeReplace, false, `${at}: create-before-delete`);
      }
      assert.notEqual(both.a.schedule.urn, both.b.schedule.urn);
    }
  });

  it("slot B is based half a period after A, keeps that base when A rotates, and sets no start date (its base may lie ahead)", () => {
    for (const graph of graphs) {
      const { identity } = configOf(graph);
      const { a, b } = slots(graph);
      const half = identity.gatewaySecretRotationDays / 2;
      assert.equal(days(a.schedule.outputs["rfc3339"], b.schedule.inputs["rfc3339"]), half, `${graph.stack}: B's base = A's + half a period`);
      assert.ok(dependsOnUrn(b.schedule, "rfc3339", a.schedule.urn));
      assert.deepEqual(b.schedule.ignoreChanges, ["rfc3339"], `${graph.stack}: A's rotations never move B`);
      assert.equal(days(a.schedule.outputs["rotationRfc3339"], b.schedule.outputs["rotationRfc3339"]), half, `${graph.stack}: deadlines half a period apart`);
      assert.equal(days(a.password.inputs["endDate"], b.password.inputs["endDate"]), half, `${graph.stack}: end dates half a period apart`);
      assert.equal(b.password.inputs["startDate"], undefined, `${graph.stack}: B starts when Entra creates it`);
    }
  });

  it("stores the current (older, slot A's) value in Key Vault as a Pulumi secret, expiring with that password, and exposes it only as a secret", () => {
    for (const graph of graphs) {
      const { a, b } = slots(graph);
      const stored = ofType(graph, "azure-native:keyvault:Secret").filter((s) => s.inputs["secretName"] === "gateway-client-secret");
      assert.equal(stored.length, 1, "one Key Vault secret: the current value");
      const s = stored[0]!;
      const props = s.inputs["properties"] as { value: string; contentType: string; attributes: { expires: number } };
      assert.ok(dependsOnUrn(s, "properties", a.password.urn) && dependsOnUrn(s, "properties", b.password.urn), "the stored value is chosen from the slots");
      assert.equal(props.value, a.password.outputs["value"], "A is based earlier: the current value");
      assert.notEqual(props.value, b.password.outputs["value"]);
      assert.equal(props.attributes.expires, Date.parse(String(a.password.inputs["endDate"])) / 1000, "same expiry as the current password");
      assert.equal(props.contentType, "application/x-entra-client-secret");
      assert.ok(s.secretPaths.some((p) => p === "properties.value" || p === "properties"), "value is a Pulumi secret");
      const vault = ofType(graph, "azure-native:keyvault:Vault")[0]!;
      assert.ok(dependsOnUrn(s, "vaultName", vault.urn));
      assert.equal(sourceOf(graph, s, "vaultName")?.urn, vault.urn);
      // Where the single password's secret was: no new URN, so the first up with slots keeps the secret and its value.
      const parent = byUrn(graph, s.parent);
      assert.equal(parent?.type, "dataplatform:rotation:RotatingClientSecret");
      assert.equal(s.name, `${parent!.name}-secret-gateway-client-secret`);
    }
  });
});
