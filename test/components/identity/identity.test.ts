import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { GRAPH_APPLICATION_READWRITE_OWNEDBY } from "../../../contracts/microsoft-graph";
import type { Graph, GraphResource } from "../../../tools/graph";
import { allGraphs, byUrn, ofType } from "../../support/graphs";
import { configOf, principalLabel, sourceOf } from "./principals";
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
  it("creates plan, deploy and gateway apps with service principals, named per environment and distinct across stacks", () => {
    const seen = new Map<string, string>();
    for (const graph of graphs) {
      assert.equal(ofType(graph, T.entraApplication).length, 3, `${graph.stack}: exactly three Entra applications`);
      for (const role of ["plan", "deploy", "gateway"]) {
        const a = app(graph, role);
        assert.equal(a.inputs["signInAudience"], "AzureADMyOrg");
        assert.equal(a.inputs["preventDuplicateNames"], true);
        assert.equal(a.inputs["password"], undefined, "no inline password");
        const sps = ofType(graph, T.entraServicePrincipal).filter((sp) => dependsOnUrn(sp, "clientId", a.urn));
        assert.equal(sps.length, 1, `${graph.stack}: ${role} has one service principal`);
        assert.equal(sps[0]!.inputs["appRoleAssignmentRequired"], role !== "gateway", "only the gateway API admits unassigned callers");
        const name = String(a.inputs["displayName"]);
        assert.ok(!seen.has(name), `${name} appears in ${seen.get(name)} and ${graph.stack}`);
        seen.set(name, graph.stack);
      }
    }
    assert.equal(seen.size, 9);
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

  it("federates GitHub Actions: pull requests to plan-<env>, the <env> environment to deploy-<env>, nothing else", () => {
    for (const graph of graphs) {
      const { github, environment } = configOf(graph);
      const fics = ofType(graph, T.entraFederatedCredential);
      assert.equal(fics.length, 2, `${graph.stack}: two federated credentials`);
      const expected: Record<string, string> = {
        plan: `repo:${github.repository}:pull_request`,
        deploy: `repo:${github.repository}:environment:${environment}`,
      };
      for (const [role, subject] of Object.entries(expected)) {
        const f = fics.filter((x) => dependsOnUrn(x, "applicationId", app(graph, role).urn));
        assert.equal(f.length, 1, `${graph.stack}: one credential on ${role}`);
        assert.equal(f[0]!.inputs["subject"], subject);
        assert.equal(f[0]!.inputs["issuer"], "https://token.actions.githubusercontent.com");
        assert.deepEqual(f[0]!.inputs["audiences"], ["api://AzureADTokenExchange"]);
      }
    }
  });

  it("exposes the gateway app as the API callers get tokens for: its URI is the Worker's audience, groups in tokens", () => {
    for (const graph of graphs) {
      const gateway = app(graph, "gateway");
      const script = ofType(graph, "cloudflare:index/workersScript:WorkersScript")[0]!;
      const audience = (script.inputs["bindings"] as { name: string; text?: string }[]).find((b) => b.name === "OIDC_AUDIENCE")?.text;
      assert.deepEqual(gateway.inputs["identifierUris"], [audience], `${graph.stack}: caller tokens must be issued for the Worker's audience`);
      assert.deepEqual(gateway.inputs["groupMembershipClaims"], ["SecurityGroup"], "the Worker maps group IDs to routes");
      const api = gateway.inputs["api"] as { requestedAccessTokenVersion: number; oauth2PermissionScopes: { value: string; type: string; id: string }[] };
      assert.equal(api.requestedAccessTokenVersion, 2, "v2 tokens match the Worker's v2 issuer");
      assert.deepEqual(api.oauth2PermissionScopes.map((x) => [x.value, x.type]), [["access", "User"]]);
      const roles = gateway.inputs["appRoles"] as { value: string; allowedMemberTypes: string[] }[];
      assert.deepEqual(roles.map((r) => [r.value, r.allowedMemberTypes]), [["Gateway.Access", ["Application"]]]);
      for (const role of ["plan", "deploy"]) {
        assert.equal(app(graph, role).inputs["identifierUris"], undefined, `${role} exposes no API`);
      }
    }
    const ids = graphs.map((g) => (app(g, "gateway").inputs["api"] as { oauth2PermissionScopes: { id: string }[] }).oauth2PermissionScopes[0]!.id);
    assert.equal(new Set(ids).size, graphs.length, "scope IDs differ per environment");
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("requires app assignment on every service principal except the gateway API's (its routes decide access)", () => {
    for (const graph of graphs) {
      for (const sp of ofType(graph, "azuread:index/servicePrincipal:ServicePrincipal")) {
        const owner = byUrn(graph, sp.propertyDependencies["clientId"]?.[0]);
        const isGateway = String(owner?.inputs["displayName"]).includes("-gateway-");
        assert.equal(sp.inputs["appRoleAssignmentRequired"], !isGateway, `${graph.stack}: ${sp.name}`);
      }
    }
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

  it("makes the deploy identity an owner of all three apps and grants it Graph Application.ReadWrite.OwnedBy only", () => {
    for (const graph of graphs) {
      const deploySp = ofType(graph, T.entraServicePrincipal).find((sp) => dependsOnUrn(sp, "clientId", app(graph, "deploy").urn))!;
      const owners = ofType(graph, "azuread:index/applicationOwner:ApplicationOwner");
      for (const role of ["plan", "deploy", "gateway"]) {
        const own = owners.filter((o) => dependsOnUrn(o, "applicationId", app(graph, role).urn));
        assert.equal(own.length, 1, `${graph.stack}: ${role} has the deploy identity as owner`);
        assert.ok(dependsOnUrn(own[0]!, "ownerObjectId", deploySp.urn));
      }
      const grants = ofType(graph, "azuread:index/appRoleAssignment:AppRoleAssignment");
      assert.equal(grants.length, 1, `${graph.stack}: one Graph app-role grant`);
      assert.equal(grants[0]!.inputs["appRoleId"], GRAPH_APPLICATION_READWRITE_OWNEDBY);
      assert.equal(principalLabel(graph, grants[0]!, "principalObjectId"), "deploy");
      const lookup = graph.invokes.find((i) => i.token === "azuread:index/getServicePrincipal:getServicePrincipal");
      assert.equal(lookup?.inputs["clientId"], "00000003-0000-0000-c000-000000000000", "resource is Microsoft Graph");
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
