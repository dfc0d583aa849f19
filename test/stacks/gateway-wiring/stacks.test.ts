import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { GATEWAY_BUNDLE } from "../../../components/gateway";
import { GATEWAY_APP_ROLE, GATEWAY_COMPATIBILITY_DATE, OVERLAP_BINDINGS } from "../../../contracts/gateway";
import { PROJECT_ROOT, type Graph } from "../../../tools/graph";
import { graphOf, ofType, STACKS } from "../../support/graphs";
import { ancestors, binding, bindings, configFor, inputSources, one, routes, script, T } from "./helpers";

/** The Gateway as wired on the real stacks (dev/test/prod, tunnel mode from their stack files). */
describe("gateway wiring on the real stacks", () => {
  const graphs = new Map<string, Graph>();
  beforeAll(async () => {
    for (const stack of STACKS) graphs.set(stack, await graphOf(stack));
  });
  const each = (fn: (graph: Graph, stack: string) => void) => () => {
    assert.deepEqual(STACKS, ["dev", "prod", "test"]);
    for (const stack of STACKS) fn(graphs.get(stack)!, stack);
  };

  it(
    "deploys one Worker per stack: the built bundle as main module, the compatibility date the bundle is tested with, under the platform's Gateway",
    each((graph, stack) => {
      const worker = script(graph);
      assert.equal(worker.inputs["content"], readFileSync(GATEWAY_BUNDLE, "utf8"), `${stack}: the bundle npm run build:gateway wrote`);
      assert.equal(worker.inputs["mainModule"], "worker.js");
      assert.equal(worker.inputs["scriptName"], `dataplatform-gateway-${stack}`);
      assert.equal(worker.inputs["accountId"], configFor(stack).cloudflare.accountId);
      assert.equal(worker.inputs["compatibilityDate"], GATEWAY_COMPATIBILITY_DATE);
      // The date workerd runs the gateway tests with (the same contract constant): deployed semantics = tested semantics.
      const harness = readFileSync(join(PROJECT_ROOT, "test", "gateway", "harness.ts"), "utf8");
      assert.match(harness, /compatibilityDate: GATEWAY_COMPATIBILITY_DATE\b/);
      const gateway = one(graph, T.gateway);
      assert.equal(worker.parent, gateway.urn);
      assert.equal(ancestors(graph, gateway)[0]?.type, "dataplatform:platform:DataPlatform");
    }),
  );

  it(
    "AZURE_CLIENT_SECRET and AZURE_CLIENT_SECRET_NEXT are secret_text bindings, secret in state: the gateway app's older password first, its other password second",
    each((graph, stack) => {
      // Relation, not value: the bindings were computed from the two ApplicationPasswords of the gateway-<env> app,
      // which belong to the Identity's rotation (a time.Rotating per slot drives each replacement).
      const sources = inputSources(script(graph), "bindings");
      const passwords = ofType(graph, T.password).filter((p) => sources.includes(p.urn));
      assert.equal(passwords.length, 2, `${stack}: bindings depend on both client-secret slots`);
      for (const password of passwords) {
        const app = graph.resources.find((r) => r.urn === inputSources(password, "applicationId")[0]);
        assert.equal(app?.type, T.application);
        assert.equal(app?.inputs["displayName"], `dataplatform-gateway-${stack}`);
        const owners = ancestors(graph, password).map((a) => a.type);
        assert.deepEqual(owners.slice(0, 2), ["dataplatform:rotation:RotatingClientSecret", "dataplatform:identity:Identity"]);
        assert.ok(inputSources(password, "rotateWhenChanged").length > 0, `${stack}: the password is replaced on rotation`);
      }
      // Which is which: the mocks' Entra gives each password its own value, so the bindings name their slot. Slot A
      // (`…-password`) is based half a period before B (`…-password-b`): the older one, current.
      const slot = (suffix: string) => passwords.find((p) => p.name.endsWith(suffix))!;
      const [older, newer] = [slot("-password"), slot("-password-b")];
      assert.ok(older && newer);
      assert.ok(Date.parse(String(older.inputs["endDate"])) < Date.parse(String(newer.inputs["endDate"])), `${stack}: A is the older slot`);
      const bound = (name: string) => {
        const { binding: b, index } = binding(graph, name);
        assert.equal(b.type, "secret_text", `${stack}: ${name}`);
        assert.ok(script(graph).secretPaths.includes(`bindings[${index}].text`), `${stack}: bindings[${index}].text (${name}) is a Pulumi secret`);
        return b.text;
      };
      assert.equal(OVERLAP_BINDINGS.AZURE_CLIENT_SECRET, "AZURE_CLIENT_SECRET_NEXT");
      assert.equal(bound("AZURE_CLIENT_SECRET"), older.outputs["value"], `${stack}: the current value is the older password`);
      assert.equal(bound("AZURE_CLIENT_SECRET_NEXT"), newer.outputs["value"], `${stack}: the other value is the other slot's password`);
      assert.notEqual(older.outputs["value"], newer.outputs["value"]);
      // The current password is the one stored in Key Vault (both carry the value only as a secret).
      const kv = one(graph, T.secret, (s) => s.inputs["secretName"] === "gateway-client-secret");
      assert.equal((kv.inputs["properties"] as { value: string }).value, older.outputs["value"]);
      // No plain-text binding carries either.
      for (const b of bindings(graph).filter((x) => x.type === "plain_text")) {
        for (const value of [older.outputs["value"], newer.outputs["value"]]) assert.ok(!String(b.text).includes(String(value)), b.name);
      }
    }),
  );

  it(
    "plain-text bindings carry the environment's tenant, the gateway app's client ID, Entra v2 issuer pinned to the tenant, and that client ID as audience",
    each((graph, stack) => {
      const config = configFor(stack);
      const text = (name: string) => {
        const { binding: b } = binding(graph, name);
        assert.equal(b.type, "plain_text", name);
        return b.text;
      };
      assert.equal(text("AZURE_TENANT_ID"), config.entra.tenantId);
      assert.equal(text("AZURE_AUTHORITY_HOST"), "https://login.microsoftonline.com");
      assert.equal(text("OIDC_ISSUER"), `https://login.microsoftonline.com/${config.entra.tenantId}/v2.0`);
      // The app requests v2 access tokens, whose `aud` is its client ID (not the App ID URI): access-token-claims-reference.
      const gatewayApp = one(graph, T.application, (a) => a.inputs["displayName"] === `dataplatform-gateway-${stack}`);
      assert.equal((gatewayApp.inputs["api"] as { requestedAccessTokenVersion?: number }).requestedAccessTokenVersion, 2);
      assert.equal(text("OIDC_AUDIENCE"), gatewayApp.outputs["clientId"]);
      assert.equal(text("OIDC_ALLOWED_TENANTS"), config.entra.tenantId);
      const app = one(graph, T.application, (a) => a.inputs["displayName"] === `dataplatform-gateway-${stack}`);
      assert.equal(text("AZURE_CLIENT_ID"), app.outputs["clientId"]);
      assert.ok(inputSources(script(graph), "bindings").includes(app.urn), "client ID comes from the gateway app");
      const rate = binding(graph, "RATE_LIMITER").binding;
      assert.deepEqual(rate, { type: "ratelimit", name: "RATE_LIMITER", namespaceId: config.gateway.rateLimit!.namespaceId, simple: { limit: 600, period: 60 } });
    }),
  );

  it("rate-limit namespaces differ per environment (one Cloudflare account)", () => {
    const ids = STACKS.map((s) => binding(graphs.get(s)!, "RATE_LIMITER").binding.namespaceId);
    assert.equal(new Set(ids).size, STACKS.length);
  });

  it(
    "routes: least privilege per docs/gateway.md#routes — analysts and app-only callers with Gateway.Access only /synapse (read), the Prefect API for admins (and engineers in dev) with its basic-auth secret",
    each((graph, stack) => {
      const { groups } = configFor(stack).entra;
      const all = routes(graph);
      assert.deepEqual(all.map((r) => r.prefix).sort(), ["/prefect", "/synapse"]);
      const known = new Set([...Object.values(groups), GATEWAY_APP_ROLE]);
      for (const r of all) {
        assert.ok(r.groups.length > 0 && r.groups.every((g) => known.has(g)), `${stack} ${r.prefix}: only the config's group IDs`);
        assert.ok(!r.methods.some((m) => ["PUT", "PATCH", "DELETE"].includes(m)), `${stack} ${r.prefix}: no destructive methods`);
      }
      const synapse = all.find((r) => r.prefix === "/synapse")!;
      assert.deepEqual(synapse.methods, ["GET", "HEAD"]);
      assert.deepEqual([...synapse.groups].sort(), [groups.admins, groups.analysts, groups.engineers, GATEWAY_APP_ROLE].sort());
      assert.deepEqual(synapse.upstreamAuth, { type: "entra", scope: "https://dev.azuresynapse.net/.default" });
      const prefect = all.find((r) => r.prefix === "/prefect")!;
      assert.deepEqual(prefect.methods, ["GET", "HEAD", "POST"]);
      assert.deepEqual(prefect.groups, stack === "dev" ? [groups.engineers, groups.admins] : [groups.admins]);
      assert.ok(!prefect.groups.includes(groups.analysts), "analysts never reach the orchestrator");
      assert.deepEqual(prefect.upstreamAuth, { type: "basic", secret: "PREFECT_AUTH" });
      // The basic-auth binding exists, is secret, and is the orchestrator's rotated Prefect password.
      const { binding: auth, index } = binding(graph, "PREFECT_AUTH");
      assert.equal(auth.type, "secret_text");
      assert.ok(script(graph).secretPaths.includes(`bindings[${index}].text`));
      const prefectPassword = one(graph, T.randomPassword, (p) => p.name.endsWith("orchestrator-api-auth-password"));
      assert.ok(inputSources(script(graph), "bindings").includes(prefectPassword.urn));
    }),
  );

  it(
    "custom domain: the configured gateway host in the configured zone serves this Worker; gatewayUrl output",
    each((graph, stack) => {
      const config = configFor(stack);
      const domain = one(graph, T.domain);
      assert.equal(domain.inputs["hostname"], config.domains.gateway);
      assert.equal(domain.inputs["zoneId"], config.cloudflare.zoneId);
      assert.equal(domain.inputs["accountId"], config.cloudflare.accountId);
      assert.equal(domain.inputs["service"], script(graph).inputs["scriptName"]);
      assert.ok(inputSources(domain, "service").includes(script(graph).urn));
      assert.equal(graph.outputs["gatewayUrl"], `https://${config.domains.gateway}`);
    }),
  );

  it(
    "tunnel mode (Workers VPC): no public DNS record or ingress host name; the Synapse dev private endpoint and the Prefect server app are VPC services the routes reach by binding",
    each((graph, stack) => {
      const config = configFor(stack);
      assert.equal(config.cloudflare.connectivity, "tunnel");
      const tunnel = one(graph, T.tunnel);
      assert.equal(tunnel.inputs["configSrc"], "cloudflare");
      assert.equal(graph.outputs["gatewayTunnelId"], tunnel.outputs["id"] ?? tunnel.id);
      const cfg = one(graph, T.tunnelConfig);
      assert.ok(inputSources(cfg, "tunnelId").includes(tunnel.urn));
      assert.deepEqual((cfg.inputs["config"] as { ingresses: unknown[] }).ingresses, [{ service: "http_status:404" }], "no public host name routes to the tunnel");
      assert.equal(ofType(graph, T.dns).length, 0, `${stack}: no DNS record at all (the gateway host is a Workers custom domain)`);

      // Synapse: the workspace's Dev endpoint, i.e. the host its Dev private endpoint registers in privatelink.dev.azuresynapse.net.
      const workspace = one(graph, T.workspace);
      const synapseHost = `${String(workspace.inputs["workspaceName"])}.dev.azuresynapse.net`;
      const devPe = one(graph, T.privateEndpoint, (pe) =>
        (pe.inputs["privateLinkServiceConnections"] as { groupIds: string[]; privateLinkServiceId: string }[]).some(
          (c) => c.groupIds.includes("Dev") && c.privateLinkServiceId === workspace.id,
        ),
      );
      const zoneGroup = one(graph, T.dnsZoneGroup, (z) => inputSources(z, "privateEndpointName").includes(devPe.urn));
      assert.match(JSON.stringify(zoneGroup.inputs["privateDnsZoneConfigs"]), /privatelink\.dev\.azuresynapse\.net/);
      // Prefect: the server app's internal FQDN, still internal only.
      const server = one(graph, T.app, (a) => a.name.endsWith("orchestrator-prefect"));
      const prefectApi = String(graph.outputs["prefectApiUrl"]);
      const prefectHost = new URL(prefectApi).host;
      assert.equal((server.inputs["configuration"] as { ingress: { external: boolean } }).ingress.external, false, "still internal only");

      const expected = { VPC_SYNAPSE: { host: synapseHost, source: workspace }, VPC_PREFECT: { host: prefectHost, source: server } };
      for (const [name, { host, source }] of Object.entries(expected)) {
        const svc = one(graph, T.vpcService, (s) => (s.inputs["host"] as { hostname: string }).hostname === host);
        assert.ok(inputSources(svc, "host").includes(tunnel.urn) && inputSources(svc, "host").includes(source.urn), `${stack} ${name}: via this tunnel`);
        assert.deepEqual(svc.inputs["tlsSettings"], { certVerificationMode: "verify_full" });
        const b = binding(graph, name).binding as { type: string; serviceId?: string };
        assert.deepEqual(b, { type: "vpc_service", name, serviceId: svc.id }, `${stack}: ${name} binds the service`);
      }
      // Routes: the origins' own names (Host, SNI), sent through their bindings.
      const byPrefix = new Map(routes(graph).map((r) => [r.prefix, r]));
      assert.deepEqual([byPrefix.get("/synapse")?.upstream, byPrefix.get("/synapse")?.binding], [`https://${synapseHost}`, "VPC_SYNAPSE"]);
      assert.deepEqual([byPrefix.get("/prefect")?.upstream, byPrefix.get("/prefect")?.binding], [prefectApi, "VPC_PREFECT"]);
      assert.equal(ofType(graph, T.firewallRule).length, 0, "no Synapse firewall opening in tunnel mode");
      assert.equal((workspace.inputs["publicNetworkAccess"] as string), "Disabled");
      assert.ok(!bindings(graph).some((b) => b.name === "UPSTREAM_SHARED_SECRET"));
    }),
  );

  it(
    "tunnel mode: the token is a secret in the platform's Key Vault, and the cloudflared connector reads exactly that secret",
    each((graph, stack) => {
      const vault = one(graph, T.vault);
      const token = one(graph, T.secret, (s) => s.inputs["secretName"] === "cloudflared-tunnel-token");
      assert.equal(token.inputs["vaultName"], vault.inputs["vaultName"]);
      assert.ok(inputSources(token, "vaultName").includes(vault.urn), `${stack}: the platform's vault, by reference`);
      assert.ok(token.secretPaths.some((p) => p.startsWith("properties")), "value secret in state");
      const props = token.inputs["properties"] as { value: string; attributes: { expires: number }; contentType: string };
      assert.equal(typeof props.attributes.expires, "number", "expires (policy keyvault-secret-expiry)");
      assert.ok(props.contentType);
      const tokenInvoke = graph.invokes.find((i) => i.token === "cloudflare:index/getZeroTrustTunnelCloudflaredToken:getZeroTrustTunnelCloudflaredToken");
      assert.equal(tokenInvoke?.inputs["tunnelId"], one(graph, T.tunnel).id, "the token of this tunnel");

      const connector = one(graph, T.app, (a) => /cloudflare\/cloudflared:/.test(JSON.stringify(a.inputs["template"])));
      const secrets = (connector.inputs["configuration"] as { secrets: { name: string; keyVaultUrl: string; identity: string }[] }).secrets;
      assert.equal(secrets.length, 1);
      assert.equal(secrets[0]!.keyVaultUrl, `https://${String(vault.inputs["vaultName"])}.vault.azure.net/secrets/cloudflared-tunnel-token`);
      assert.ok(inputSources(connector, "configuration").includes(token.urn), "keyVaultUrl comes from the gateway's token secret");
      assert.ok(!connector.secretPaths.some((p) => p.startsWith("configuration")), "a secret URI is not a secret: the app config stays reviewable");
      // Its identity may read that one secret, and the app waits for the grant.
      const grant = one(graph, T.roleAssignment, (r) => String(r.inputs["scope"]).endsWith("/secrets/cloudflared-tunnel-token"));
      assert.ok(inputSources(grant, "scope").includes(token.urn));
      assert.equal(grant.inputs["scope"], `${String(vault.id)}/secrets/cloudflared-tunnel-token`);
      assert.ok(connector.dependsOn.includes(grant.urn));
    }),
  );
});
