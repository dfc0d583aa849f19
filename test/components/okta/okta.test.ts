import assert from "node:assert/strict";
import { beforeAll, describe, it } from "vitest";
import { CI_ACCESS } from "../../../contracts/ci-access";
import { exactNamesFilter, OKTA_ACCESS_TOKEN_MINUTES, OKTA_GATEWAY_SCOPE } from "../../../components/okta";
import { type Graph, type GraphResource, stackGraph } from "../../../tools/graph";
import { BOOTSTRAP_PROJECT, BOOTSTRAP_STACK } from "../../../tools/plan/deploy-rights";
import { missing, stackRights } from "../../../tools/rights";
import { graphOf, one, ofType } from "../../support/graphs";
import { configProblems, stackConfigWith } from "../../support/stack-config";
import { OKTA_STACK, oktaGraph, oktaGroups, oktaStackConfig } from "./fixture";

const SERVER = "okta:auth/server:Server";
const SCOPE = "okta:auth/serverScope:ServerScope";
const CLAIM = "okta:auth/serverClaim:ServerClaim";
const POLICY = "okta:auth/serverPolicy:ServerPolicy";
const RULE = "okta:auth/serverPolicyRule:ServerPolicyRule";
const APP = "okta:app/oAuth:OAuth";
const ASSIGNMENT = "okta:app/groupAssignment:GroupAssignment";
const OKTA_TYPES = [SERVER, SCOPE, CLAIM, POLICY, RULE, APP, ASSIGNMENT];

type Binding = { name: string; type: string; text?: string };
const binding = (graph: Graph, name: string) =>
  (one(graph, "cloudflare:index/workersScript:WorkersScript").inputs["bindings"] as Binding[]).find((b) => b.name === name);

describe("a stack that sets dataplatform:okta: the Okta side as code (components/okta)", () => {
  let graph: Graph;
  let server: GraphResource;
  let app: GraphResource;
  beforeAll(async () => {
    graph = await oktaGraph();
    server = one(graph, SERVER);
    app = one(graph, APP);
  }, 120_000);

  it("the authorization server's audience and issuer are the Worker's OIDC_AUDIENCE and OIDC_ISSUER: one source", () => {
    assert.deepEqual(server.inputs["audiences"], ["api://dataplatform-gateway-prod"], "the default audience api://<project>-gateway-<env>");
    assert.equal(server.inputs["issuerMode"], "ORG_URL");
    assert.equal(binding(graph, "OIDC_AUDIENCE")?.text, (server.inputs["audiences"] as string[])[0]);
    assert.equal(binding(graph, "OIDC_ISSUER")?.text, server.outputs["issuer"]);
    assert.equal(server.outputs["issuer"], `https://contoso.okta.com/oauth2/${server.id}`, "the mock's ORG_URL issuer, from the stack's Okta org");
    // Okta is no Entra tenant: nothing pins the token's tenant, and the Worker discovers Okta's JWKS from the issuer.
    assert.equal(binding(graph, "OIDC_ALLOWED_TENANTS"), undefined);
    assert.equal(binding(graph, "OIDC_JWKS_URI"), undefined);
  });

  it("the groups claim is an access-token claim of the three configured group names, exactly, for the access scope", () => {
    const groups = oktaGroups();
    const claim = one(graph, CLAIM);
    assert.equal(claim.inputs["authServerId"], server.id);
    assert.equal(claim.inputs["name"], "groups");
    assert.equal(claim.inputs["claimType"], "RESOURCE", "RESOURCE = access token (IDENTITY would be the ID token)");
    assert.equal(claim.inputs["valueType"], "GROUPS");
    assert.equal(claim.inputs["groupFilterType"], "REGEX");
    assert.deepEqual(claim.inputs["scopes"], [OKTA_GATEWAY_SCOPE]);
    const filter = new RegExp(String(claim.inputs["value"]));
    for (const name of Object.values(groups)) assert.ok(filter.test(name), name);
    for (const other of ["Everyone", `${groups.admins}-old`, `x${groups.analysts}`, "dataplatform-admins-prodX", groups.admins.replace("-", ".")]) {
      assert.ok(!filter.test(other), `${other} never reaches a token`);
    }
    assert.equal(one(graph, SCOPE, (s) => s.inputs["name"] === OKTA_GATEWAY_SCOPE).inputs["authServerId"], server.id);
  });

  it("the routes admit the Okta group names the claim carries", () => {
    const groups = oktaGroups();
    const routes = JSON.parse(binding(graph, "ROUTES")!.text!) as { prefix: string; groups: string[] }[];
    assert.ok([groups.analysts, groups.engineers, groups.admins].every((g) => routes.find((r) => r.prefix === "/synapse")!.groups.includes(g)));
    assert.deepEqual(routes.find((r) => r.prefix === "/prefect")!.groups, [groups.admins], "prod: admins only");
  });

  it("the access policy admits only the callers' app; its rule: authorization code, scope access, the three groups, tokens <= 60 min", () => {
    const policy = one(graph, POLICY);
    assert.equal(policy.inputs["authServerId"], server.id);
    assert.deepEqual(policy.inputs["clientWhitelists"], [app.outputs["clientId"]]);
    assert.equal(policy.inputs["status"], "ACTIVE");
    const rule = one(graph, RULE);
    assert.equal(rule.inputs["policyId"], policy.id);
    assert.equal(rule.inputs["authServerId"], server.id);
    assert.deepEqual(rule.inputs["grantTypeWhitelists"], ["authorization_code"]);
    assert.deepEqual(rule.inputs["scopeWhitelists"], [OKTA_GATEWAY_SCOPE]);
    assert.equal(rule.inputs["accessTokenLifetimeMinutes"], OKTA_ACCESS_TOKEN_MINUTES);
    assert.ok(OKTA_ACCESS_TOKEN_MINUTES <= 60);
    assert.equal(rule.inputs["refreshTokenLifetimeMinutes"], undefined, "no refresh tokens");
    const assigned = ofType(graph, ASSIGNMENT).map((a) => a.inputs["groupId"] as string).sort();
    assert.equal(new Set(assigned).size, 3);
    assert.deepEqual([...(rule.inputs["groupWhitelists"] as string[])].sort(), assigned, "the rule's groups are the app's groups");
    assert.deepEqual(
      graph.invokes.filter((i) => i.token === "okta:group/getGroup:getGroup").map((i) => i.inputs["name"]).sort(),
      Object.values(oktaGroups()).sort(),
      "the groups are looked up by their configured names",
    );
  });

  it("the callers' application is a public native client with PKCE, assigned to the three groups only", () => {
    assert.equal(app.inputs["type"], "native");
    assert.deepEqual(app.inputs["grantTypes"], ["authorization_code"]);
    assert.deepEqual(app.inputs["responseTypes"], ["code"]);
    assert.equal(app.inputs["tokenEndpointAuthMethod"], "none");
    assert.equal(app.inputs["pkceRequired"], true);
    assert.deepEqual(app.inputs["redirectUris"], ["http://localhost:8400/callback"]);
    assert.equal(app.inputs["skipAuthenticationPolicy"], true, "no okta.policies.* scope needed");
    const assignments = ofType(graph, ASSIGNMENT);
    assert.deepEqual(assignments.map((a) => a.name).sort(), ["admins", "analysts", "engineers"].map((r) => `dataplatform-prod-okta-assign-${r}`));
    for (const a of assignments) assert.equal(a.inputs["appId"], app.id);
  });

  it("the provider names the org only: no credential of any kind in the stack's inputs", () => {
    const provider = one(graph, "pulumi:providers:okta");
    assert.deepEqual(Object.keys(provider.inputs).filter((k) => k !== "version").sort(), ["baseUrl", "orgName"]);
    assert.deepEqual([provider.inputs["orgName"], provider.inputs["baseUrl"]], ["contoso", "okta.com"]);
    for (const r of ofType(graph, SERVER).concat(ofType(graph, APP))) assert.deepEqual(r.secretPaths, [], r.name);
  });

  it("deploy rights: every Okta call is modelled with its scope; deploy holds them, plan reads only, and without them the plan fails", async () => {
    const bootstrap = await stackGraph(BOOTSTRAP_STACK, { project: BOOTSTRAP_PROJECT });
    const rights = stackRights(graph, bootstrap);
    assert.deepEqual(missing(rights).map((v) => v.reason), []);
    const okta = rights.flatMap((r) => r.verdicts).filter((v) => v.requirement.call.plane === "okta");
    assert.deepEqual([...new Set(okta.map((v) => v.requirement.type))].sort(), [...OKTA_TYPES, "okta:group/getGroup:getGroup"].sort());
    const [plan] = rights;
    const planScopes = new Set(plan!.verdicts.flatMap((v) => (v.requirement.call.plane === "okta" ? v.requirement.call.scopes : [])));
    assert.deepEqual([...planScopes].sort(), ["okta.apps.read", "okta.authorizationServers.read", "okta.groups.read"]);

    const without = { ...CI_ACCESS, deploy: { ...CI_ACCESS.deploy, okta: CI_ACCESS.deploy.okta.filter((s) => s !== "okta.apps.manage") } };
    const lost = missing(stackRights(graph, bootstrap, { access: without }));
    assert.ok(lost.length > 0);
    assert.ok(lost.every((v) => v.requirement.call.plane === "okta" && v.need.includes("okta.apps.manage") && v.requirement.type.startsWith("okta:app/")));
  }, 120_000);
});

describe("stacks without dataplatform:okta", () => {
  it("create nothing in Okta", async () => {
    const graph = await graphOf("dev");
    assert.deepEqual(graph.resources.filter((r) => r.type.startsWith("okta:") || r.type === "pulumi:providers:okta").map((r) => r.name), []);
    assert.deepEqual(graph.invokes.filter((i) => i.token.startsWith("okta:")), []);
  }, 120_000);
});

describe("dataplatform:okta config", () => {
  const okta = () => JSON.parse(oktaStackConfig()["dataplatform:okta"]!) as Record<string, unknown>;
  const withOkta = (value: unknown, extra: Record<string, unknown> = {}) => stackConfigWith(OKTA_STACK, { okta: value, ...extra });

  it("the fixture resolves, with the default audience and the Okta group names as the gateway's groups", () => {
    assert.deepEqual(configProblems(OKTA_STACK, oktaStackConfig()), []);
  });

  it("with Okta, gateway.oidc names no issuer, audience, JWKS, tenants or groups: each is an error naming the key", () => {
    const oidc = { issuer: "https://contoso.okta.com/oauth2/default", audience: "api://x", jwksUri: "https://contoso.okta.com/oauth2/default/v1/keys", allowedTenants: ["6f1c2b7e-3d4a-4c8b-9e21-5a7d0c3f8b14"], groups: oktaGroups() };
    assert.deepEqual(configProblems(OKTA_STACK, withOkta(okta(), { gateway: { oidc } })), [
      "dataplatform:gateway.oidc.issuer: is derived from dataplatform:okta (the Okta authorization server the stack provisions); remove it",
      "dataplatform:gateway.oidc.audience: is derived from dataplatform:okta (the Okta authorization server the stack provisions); remove it",
      "dataplatform:gateway.oidc.jwksUri: is derived from dataplatform:okta (the Okta authorization server the stack provisions); remove it",
      "dataplatform:gateway.oidc.allowedTenants: is derived from dataplatform:okta (the Okta authorization server the stack provisions); remove it",
      "dataplatform:gateway.oidc.groups: is derived from dataplatform:okta (the Okta authorization server the stack provisions: okta.groups); remove it",
    ]);
  });

  it("bad values: each named by its key, all at once", () => {
    const bad = { orgName: "contoso.okta.com", baseUrl: "Okta.com", groups: { admins: "a", engineers: " ", analysts: "c" }, redirectUris: ["http://example.com/cb"], audience: "api x", extra: 1 };
    assert.deepEqual(configProblems(OKTA_STACK, withOkta(bad)), [
      'dataplatform:okta.orgName: "contoso.okta.com" is not an Okta org name (the first label of <org>.okta.com, e.g. "contoso")',
      'dataplatform:okta.baseUrl: "Okta.com" is not a lower-case DNS host name',
      "dataplatform:okta.audience: must be an audience (no spaces)",
      "dataplatform:okta.groups.engineers: must be an Okta group name (not blank, no leading or trailing spaces)",
      'dataplatform:okta.redirectUris[0]: "http://example.com/cb" is not a redirect URI for a native app (https://…, http://localhost:<port>/…, http://127.0.0.1:<port>/… or a reverse-domain scheme com.example.app:/…)',
      'dataplatform:okta.extra: unknown key',
    ]);
  });

  it("no redirect URI, a missing group, or one group for two roles: clear errors", () => {
    assert.deepEqual(configProblems(OKTA_STACK, withOkta({ ...okta(), redirectUris: [] })), [
      "dataplatform:okta.redirectUris: needs at least one redirect URI for the callers' application",
    ]);
    const { analysts: _, ...twoGroups } = oktaGroups();
    assert.match(configProblems(OKTA_STACK, withOkta({ ...okta(), groups: twoGroups })).join("\n"), /^dataplatform:okta\.groups\.analysts: /);
    assert.deepEqual(configProblems(OKTA_STACK, withOkta({ ...okta(), groups: { ...oktaGroups(), engineers: oktaGroups().admins } })), [
      "dataplatform:okta.groups: admins, engineers and analysts must be three different Okta groups",
    ]);
  });

  it("accepts loopback, https and private-use-scheme redirect URIs", () => {
    const redirectUris = ["http://127.0.0.1:7777/cb", "https://notebooks.contoso.com/oauth/callback", "com.contoso.dataplatform:/callback"];
    assert.deepEqual(configProblems(OKTA_STACK, withOkta({ ...okta(), redirectUris })), []);
  });
});

describe("exactNamesFilter", () => {
  it("escapes regex metacharacters in group names", () => {
    const filter = new RegExp(exactNamesFilter(["data.platform (admins)", "a|b"]));
    assert.ok(filter.test("data.platform (admins)") && filter.test("a|b"));
    assert.ok(!filter.test("dataXplatform (admins)") && !filter.test("a") && !filter.test("b"));
  });
});
