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

  it("has exactly one client secret in the graph: the gateway's (federation and managed identities serve the rest)", () => {
    for (const graph of graphs) {
      const passwords = ofType(graph, T.entraApplicationPassword);
      assert.equal(passwords.length, 1);
      assert.ok(dependsOnUrn(passwords[0]!, "applicationId", app(graph, "gateway").urn));
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

describe("gateway client secret rotation", () => {
  it("replaces the password when the Rotating schedule is recreated, with overlap past the deadline", () => {
    for (const graph of graphs) {
      const { identity } = configOf(graph);
      const password = ofType(graph, T.entraApplicationPassword)[0]!;
      const rotating = ofType(graph, T.rotating).filter((r) => byUrn(graph, r.parent)?.urn === byUrn(graph, password.parent)?.urn);
      assert.equal(rotating.length, 1, "one schedule beside the password");
      assert.equal(rotating[0]!.inputs["rotationDays"], identity.gatewaySecretRotationDays);
      // rotateWhenChanged is a replace-only input: a new Rotating (new ID) after the deadline replaces the password.
      assert.ok(dependsOnUrn(password, "rotateWhenChanged", rotating[0]!.urn), "password replacement is driven by the schedule");
      assert.ok(dependsOnUrn(password, "endDate", rotating[0]!.urn));
      const rotateWhenChanged = password.inputs["rotateWhenChanged"] as Record<string, string>;
      assert.equal(rotateWhenChanged["rotation"], rotating[0]!.id);
      const deadline = Date.parse(String(rotateWhenChanged["deadline"]));
      const end = Date.parse(String(password.inputs["endDate"]));
      assert.equal((end - deadline) / 86_400_000, identity.gatewaySecretOverlapDays, "valid for the overlap past the deadline");
    }
  });

  it("stores the value in Key Vault as a Pulumi secret, expiring with the password, and exposes it only as a secret", () => {
    for (const graph of graphs) {
      const password = ofType(graph, T.entraApplicationPassword)[0]!;
      const stored = ofType(graph, "azure-native:keyvault:Secret").filter((s) => s.inputs["secretName"] === "gateway-client-secret");
      assert.equal(stored.length, 1);
      const s = stored[0]!;
      const props = s.inputs["properties"] as { value: string; contentType: string; attributes: { expires: number } };
      assert.ok(dependsOnUrn(s, "properties", password.urn), "the stored value comes from the password");
      assert.equal(props.attributes.expires, Date.parse(String(password.inputs["endDate"])) / 1000, "same expiry");
      assert.equal(props.contentType, "application/x-entra-client-secret");
      assert.ok(s.secretPaths.some((p) => p === "properties.value" || p === "properties"), "value is a Pulumi secret");
      const vault = ofType(graph, "azure-native:keyvault:Vault")[0]!;
      assert.ok(dependsOnUrn(s, "vaultName", vault.urn));
      assert.equal(sourceOf(graph, s, "vaultName")?.urn, vault.urn);
      const parent = byUrn(graph, s.parent);
      assert.equal(parent?.type, "dataplatform:rotation:RotatingClientSecret");
    }
  });
});
