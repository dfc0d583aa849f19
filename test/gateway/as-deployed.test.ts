import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import { GATEWAY_APP_ROLE } from "../../contracts/gateway";
import { resolvePlatformConfig } from "../../stacks/config";
import { type Graph, readStackConfig } from "../../tools/graph";
import { graphOf, one, STACKS } from "../support/graphs";
import { OKTA_GATEWAY_SCOPE } from "../../components/okta";
import { oktaGraph, oktaGroups, oktaStackConfig } from "../components/okta/fixture";
import { type Deployed, runDeployed, sign, signingKey, type SigningKey } from "./as-deployed";

const SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default";
/** Azure CLI's well-known client ID: a public client users get tokens from (`az account get-access-token`). */
const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const PIPELINE_APP = { clientId: "6e4a1f0c-2b7d-4c1e-9a3f-5d8b7c6e1f20", objectId: "1f2e3d4c-5b6a-4789-8a0b-c1d2e3f4a5b6" };
const OTHER_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

type Echo = { origin: string; url: string };

/**
 * Entra v2 access tokens as the Microsoft identity platform issues them for the gateway-<env> app
 * (learn.microsoft.com/entra/identity-platform/access-token-claims-reference): `aud` is the API's client ID,
 * `iss` https://login.microsoftonline.com/{tid}/v2.0, `scp` only for users, `roles` for app-only callers,
 * `idtyp` only when requested as an optional claim.
 */
function entraTokens(key: SigningKey, tenant: string, audience: string) {
  const base = { aud: audience, iss: `https://login.microsoftonline.com/${tenant}/v2.0`, tid: tenant, ver: "2.0", aio: "AWQAm/8TAAAA", uti: "b1Kq3", rh: "0.AXkA" };
  return {
    user: (oid: string, groups: string[], extra: Record<string, unknown> = {}) =>
      sign(key, { ...base, oid, sub: `pairwise-${oid.slice(0, 8)}`, azp: AZURE_CLI, azpacr: "0", scp: "access", name: "A User", preferred_username: "user@contoso.com", groups, ...extra }),
    app: (extra: Record<string, unknown> = {}) =>
      sign(key, { ...base, oid: PIPELINE_APP.objectId, sub: PIPELINE_APP.objectId, azp: PIPELINE_APP.clientId, azpacr: "1", roles: [GATEWAY_APP_ROLE], idtyp: "app", ...extra }),
  };
}

describe("the gateway as deployed by dev, test and prod, with Entra v2 tokens", () => {
  const deployed = new Map<string, { d: Deployed; graph: Graph; key: SigningKey; upstreamToken: string }>();
  beforeAll(async () => {
    for (const stack of STACKS) {
      const graph = await graphOf(stack);
      const config = resolvePlatformConfig("dataplatform", stack, readStackConfig(stack));
      const tenant = config.entra.tenantId;
      const key = await signingKey(`entra-${stack}`);
      const upstreamToken = `eyJ.upstream-synapse-${stack}`;
      const gatewayApp = one(graph, "azuread:index/application:Application", (a) => a.inputs["displayName"] === `dataplatform-gateway-${stack}`);
      const d = await runDeployed(graph, {
        issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
        jwksUri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
        keys: [key],
        token: (form, path) => {
          // Entra's client-credentials grant (v2 endpoint) for the gateway app's own identity.
          const ok =
            path === `/${tenant}/oauth2/v2.0/token` &&
            form.get("grant_type") === "client_credentials" &&
            form.get("client_id") === gatewayApp.outputs["clientId"] &&
            form.get("client_secret") === d.text("AZURE_CLIENT_SECRET") &&
            form.get("scope") === SYNAPSE_SCOPE;
          return ok
            ? { status: 200, body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: upstreamToken } }
            : { status: 401, body: { error: "invalid_client" } };
        },
      });
      deployed.set(stack, { d, graph, key, upstreamToken });
    }
  }, 120_000);
  afterAll(async () => {
    for (const { d } of deployed.values()) await d.close();
  });

  const each = (fn: (stack: string) => Promise<void>) => async () => {
    assert.deepEqual(STACKS, ["dev", "prod", "test"]);
    for (const stack of STACKS) await fn(stack);
  };
  const setup = (stack: string) => {
    const { d, graph, key, upstreamToken } = deployed.get(stack)!;
    const config = resolvePlatformConfig("dataplatform", stack, readStackConfig(stack));
    const gatewayApp = one(graph, "azuread:index/application:Application", (a) => a.inputs["displayName"] === `dataplatform-gateway-${stack}`);
    const clientId = String(gatewayApp.outputs["clientId"]);
    return { d, graph, config, clientId, upstreamToken, tokens: entraTokens(key, config.entra.tenantId, clientId), key };
  };

  it(
    "a user in each configured group reaches exactly the routes the group grants, through the VPC bindings, with the Worker's upstream credentials",
    each(async (stack) => {
      const { d, config, upstreamToken, tokens } = setup(stack);
      const { admins, engineers, analysts } = config.entra.groups;
      const synapseHost = new URL(JSON.parse(d.text("ROUTES")).find((r: { prefix: string }) => r.prefix === "/synapse").upstream).host;
      assert.match(synapseHost, /\.dev\.azuresynapse\.net$/);

      for (const [who, group] of [["analyst", analysts], ["engineer", engineers], ["admin", admins]] as const) {
        const token = await tokens.user(`0b0b0b0b-0000-4000-8000-00000000000${who.length}`, [group, "unrelated-group-id"]);
        const res = await d.fetch("/synapse/pipelines?api-version=2020-12-01", token);
        assert.equal(res.status, 200, `${stack} ${who} /synapse`);
        assert.deepEqual((await res.json()) as Echo, { origin: "VPC_SYNAPSE", url: `https://${synapseHost}/pipelines?api-version=2020-12-01` });
        const sent = d.origins.get("VPC_SYNAPSE")!.at(-1)!;
        assert.equal(sent.headers["authorization"], `Bearer ${upstreamToken}`, "the Worker's own Synapse token, never the caller's");
        assert.equal(sent.headers["x-gateway-principal-type"], "user");
        assert.equal(sent.headers["x-gateway-groups"], group);
        assert.equal((await d.fetch("/synapse/pipelines", token, { method: "DELETE" })).status, 403, `${stack} ${who}: read-only route`);

        const prefect = await d.fetch("/prefect/flows/filter", token, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
        const allowed = who === "admin" || (who === "engineer" && stack === "dev");
        assert.equal(prefect.status, allowed ? 200 : 403, `${stack} ${who} /prefect`);
        if (allowed) {
          const p = d.origins.get("VPC_PREFECT")!.at(-1)!;
          assert.equal(p.url, `${JSON.parse(d.text("ROUTES")).find((r: { prefix: string }) => r.prefix === "/prefect").upstream}/flows/filter`);
          assert.equal(p.headers["authorization"], `Basic ${Buffer.from(d.text("PREFECT_AUTH")).toString("base64")}`);
        }
      }
      const nobody = await tokens.user("0b0b0b0b-0000-4000-8000-0000000000ff", ["unrelated-group-id"]);
      assert.equal((await d.fetch("/synapse/pipelines", nobody)).status, 403);
      assert.deepEqual(d.unexpected, [], `${stack}: no outbound request beyond Entra`);
    }),
  );

  it(
    "an app-only caller with the gateway app's role reads Synapse (idtyp app, or without the optional claim), and nothing else",
    each(async (stack) => {
      const { d, graph, tokens } = setup(stack);
      const gatewayApp = one(graph, "azuread:index/application:Application", (a) => a.inputs["displayName"] === `dataplatform-gateway-${stack}`);
      const roles = (gatewayApp.inputs["appRoles"] as { value: string; allowedMemberTypes: string[] }[]).map((r) => r.value);
      assert.ok(roles.includes(GATEWAY_APP_ROLE), `${stack}: the app defines the role the route admits`);
      for (const token of [await tokens.app(), await tokens.app({ idtyp: undefined })]) {
        const res = await d.fetch("/synapse/sparkJobDefinitions", token);
        assert.equal(res.status, 200, stack);
        const sent = d.origins.get("VPC_SYNAPSE")!.at(-1)!;
        assert.equal(sent.headers["x-gateway-principal-type"], "app");
        assert.equal(sent.headers["x-gateway-client-id"], PIPELINE_APP.clientId);
        assert.equal(sent.headers["x-gateway-subject"], PIPELINE_APP.objectId);
        assert.equal((await d.fetch("/prefect/flows/filter", token, { method: "POST", body: "{}" })).status, 403, `${stack}: apps never reach the orchestrator`);
      }
      assert.equal((await d.fetch("/synapse/x", await tokens.app({ roles: ["Other.Role"] }))).status, 403);
    }),
  );

  it(
    "tokens for another audience (the App ID URI, another app) or from another tenant are rejected with 401 before any origin is reached",
    each(async (stack) => {
      const { d, config, tokens, key, clientId } = setup(stack);
      const analysts = config.entra.groups.analysts;
      const before = d.origins.get("VPC_SYNAPSE")!.length;
      // The App ID URI is what callers ask for (`api://…/.default`), never what a v2 token carries.
      for (const aud of [config.gateway.entraApiUri, "00000003-0000-0000-c000-000000000000"]) {
        const res = await d.fetch("/synapse/x", await tokens.user("0b0b0b0b-0000-4000-8000-000000000001", [analysts], { aud }));
        assert.equal(res.status, 401, `${stack}: aud ${aud}`);
        assert.equal(((await res.json()) as { error: string }).error, "invalid_token");
      }
      const foreign = entraTokens(key, OTHER_TENANT, clientId);
      assert.equal((await d.fetch("/synapse/x", await foreign.user("0b0b0b0b-0000-4000-8000-000000000001", [analysts]))).status, 401, `${stack}: other tenant`);
      assert.equal((await d.fetch("/synapse/x", await foreign.app())).status, 401, `${stack}: other tenant's app`);
      // A token naming the right tenant but signed by a key Entra never published.
      const forged = entraTokens(await signingKey(`entra-${stack}`), config.entra.tenantId, clientId);
      assert.equal((await d.fetch("/synapse/x", await forged.user("0b0b0b0b-0000-4000-8000-000000000001", [analysts]))).status, 401);
      assert.equal(d.origins.get("VPC_SYNAPSE")!.length, before);
    }),
  );

  it(
    "warm requests fetch nothing from Entra: one discovery, one JWKS and one token request per isolate",
    each(async (stack) => {
      const { d } = setup(stack);
      const tenant = resolvePlatformConfig("dataplatform", stack, readStackConfig(stack)).entra.tenantId;
      assert.equal(d.idp.count((r) => r.url === `/${tenant}/v2.0/.well-known/openid-configuration`), 1, stack);
      assert.equal(d.idp.count((r) => r.url === `/${tenant}/discovery/v2.0/keys`), 1, stack);
      assert.equal(d.idp.count((r) => r.url === `/${tenant}/oauth2/v2.0/token`), 1, stack);
      assert.deepEqual(d.unexpected, []);
    }),
  );
});

/**
 * Okta: prod configured with `dataplatform:okta` (test/components/okta/Pulumi.prod-okta.yaml), so the stack provisions
 * the custom authorization server (components/okta) and the Worker's issuer and audience are that server's. Access
 * tokens as Okta issues them (developer.okta.com/docs/reference/api/oidc/#access-token): `iss` the authorization
 * server URL, `aud` its audience, `cid` the client, `uid` the user's ID (user tokens only), `scp` an array, `sub` the
 * login (or the client ID for client credentials), `groups` from the server's groups claim (group names).
 */
describe("the gateway as deployed by a stack configured for an Okta custom authorization server", () => {
  let OKTA_ISSUER: string;
  let AUDIENCE: string;
  let CLIENT_ID: string;
  const GROUPS = oktaGroups();
  let d: Deployed;
  let key: SigningKey;
  const okta = (claims: Record<string, unknown>) =>
    sign(key, { ver: 1, jti: `AT.${Math.random().toString(36).slice(2)}`, iss: OKTA_ISSUER, aud: AUDIENCE, cid: CLIENT_ID, scp: [OKTA_GATEWAY_SCOPE], auth_time: Math.floor(Date.now() / 1000), ...claims });
  const user = (groups: string[], extra: Record<string, unknown> = {}) => okta({ uid: "00u1a2b3c4EXAMPLE", sub: "alice@contoso.com", groups, ...extra });

  beforeAll(async () => {
    const graph = await oktaGraph();
    // Issuer and audience from the Okta resources the stack provisions, not from any gateway setting.
    const server = one(graph, "okta:auth/server:Server");
    OKTA_ISSUER = String(server.outputs["issuer"]);
    AUDIENCE = (server.inputs["audiences"] as string[])[0]!;
    CLIENT_ID = String(one(graph, "okta:app/oAuth:OAuth").outputs["clientId"]);
    key = await signingKey("okta-1");
    const tenant = resolvePlatformConfig("dataplatform", "prod", oktaStackConfig()).entra.tenantId;
    d = await runDeployed(graph, {
      issuer: OKTA_ISSUER,
      jwksUri: `${OKTA_ISSUER}/v1/keys`,
      keys: [key],
      // Upstream (Synapse) tokens still come from the platform's Entra tenant.
      token: (form, path) =>
        path === `/${tenant}/oauth2/v2.0/token` && form.get("scope") === SYNAPSE_SCOPE
          ? { status: 200, body: { token_type: "Bearer", expires_in: 3599, access_token: "entra-upstream" } }
          : { status: 401, body: { error: "invalid_client" } },
    });
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  it("binds the Okta issuer and audience, with no Entra tenant pinning", () => {
    assert.equal(d.text("OIDC_ISSUER"), OKTA_ISSUER);
    assert.equal(d.text("OIDC_AUDIENCE"), AUDIENCE);
    assert.equal(JSON.parse(d.text("ROUTES")).find((r: { prefix: string }) => r.prefix === "/synapse").groups.includes(GROUPS.analysts), true);
    assert.ok(!(d.script.inputs["bindings"] as { name: string }[]).some((b) => b.name === "OIDC_ALLOWED_TENANTS"));
  });

  it("users in the Okta groups reach their routes; the subject is the stable uid and the client is cid", async () => {
    const res = await d.fetch("/synapse/pipelines", await user([GROUPS.analysts, "Everyone"]));
    assert.equal(res.status, 200);
    const sent = d.origins.get("VPC_SYNAPSE")!.at(-1)!;
    assert.equal(sent.headers["x-gateway-subject"], "00u1a2b3c4EXAMPLE", "uid, not the mutable login in sub");
    assert.equal(sent.headers["x-gateway-client-id"], CLIENT_ID);
    assert.equal(sent.headers["x-gateway-principal-type"], "user");
    assert.equal(sent.headers["authorization"], "Bearer entra-upstream");
    assert.equal((await d.fetch("/prefect/flows/filter", await user([GROUPS.admins]), { method: "POST", body: "{}" })).status, 200);
    assert.equal((await d.fetch("/prefect/flows/filter", await user([GROUPS.engineers]), { method: "POST", body: "{}" })).status, 403, "prod: admins only");
    assert.equal((await d.fetch("/synapse/pipelines", await user(["Everyone"]))).status, 403);
  });

  it("a client-credentials token (no uid, sub = cid, no groups) is an app and holds no route; wrong audience or another authorization server → 401", async () => {
    const app = await okta({ sub: "0oa9SERVICEEXAMPLE", cid: "0oa9SERVICEEXAMPLE", scp: [OKTA_GATEWAY_SCOPE] });
    assert.equal((await d.fetch("/synapse/pipelines", app)).status, 403);
    assert.equal((await d.fetch("/synapse/pipelines", await user([GROUPS.analysts], { aud: "api://default" }))).status, 401);
    assert.equal((await d.fetch("/synapse/pipelines", await user([GROUPS.analysts], { iss: "https://contoso.okta.com/oauth2/default" }))).status, 401);
    assert.deepEqual(d.unexpected, []);
  });
});
