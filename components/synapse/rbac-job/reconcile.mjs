// Synapse RBAC reconciler: runs as a Container Apps Job inside the platform VNet (components/synapse/rbac-job.ts) and
// makes the workspace's Synapse role assignments match a desired state rendered from config. Plain Node (built-ins
// only, no npm install at start): the container runs exactly this text with `node --input-type=module -e`, and
// test/components/synapse/rbac-job.test.ts runs the same text against a loopback stand-in of both APIs.
//
// Synapse data plane, api-version 2020-12-01 (Azure/azure-rest-api-specs
// specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/roleAssignments.json and roleDefinitions.json):
//   GET    {endpoint}/roleDefinitions                      -> SynapseRoleDefinition[] ({ id, name, ... })
//   GET    {endpoint}/roleAssignments?scope=...            -> { count, value: RoleAssignmentDetails[] }, paged by x-ms-continuation
//   PUT    {endpoint}/roleAssignments/{roleAssignmentId}   <- { roleId, principalId, scope, principalType }
//   DELETE {endpoint}/roleAssignments/{roleAssignmentId}?scope=...  -> 200 | 204
// Token: the Container Apps identity endpoint, GET $IDENTITY_ENDPOINT?resource=...&api-version=2019-08-01&client_id=...
// with header X-IDENTITY-HEADER: $IDENTITY_HEADER (https://learn.microsoft.com/azure/container-apps/managed-identity
// "REST endpoint reference"; a user-assigned identity must be named by client_id).
//
// Rules: create what is missing; keep what exists (whoever created it); delete only assignments this job created
// (their ID is the deterministic UUID of scope, principal and role, see ownedAssignmentId) that left the desired state;
// never touch anything else. A second run with the same desired state sends no write.
import { createHash } from "node:crypto";

const API_VERSION = "2020-12-01";
const IDENTITY_API_VERSION = "2019-08-01";
/** Entra resource (audience) of the Synapse development endpoint. */
const SYNAPSE_RESOURCE = "https://dev.azuresynapse.net";
const PRINCIPAL_TYPES = new Set(["User", "Group", "ServicePrincipal"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Namespace of the IDs this job chooses: an ID derived under it marks an assignment as the job's own. */
const OWNER = "dataplatform/synapse-rbac-job/v1";

class InputError extends Error {}

function sha256(text) {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The role assignment ID this job uses for (scope, principal, role): deterministic, so ownership needs no state. */
function ownedAssignmentId(scope, principalId, roleId) {
  const h = sha256(`${OWNER}|${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleId.toLowerCase()}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function readInput(env) {
  const missing = ["SYNAPSE_ENDPOINT", "SYNAPSE_WORKSPACE", "DESIRED_STATE", "DESIRED_STATE_SHA256", "AZURE_CLIENT_ID", "IDENTITY_ENDPOINT", "IDENTITY_HEADER"]
    .filter((k) => !env[k]);
  if (missing.length) throw new InputError(`missing environment variables: ${missing.join(", ")}`);
  const endpoint = new URL(env.SYNAPSE_ENDPOINT);
  const loopback = endpoint.hostname === "127.0.0.1" || endpoint.hostname === "localhost";
  if (endpoint.protocol !== "https:" && !loopback) throw new InputError(`SYNAPSE_ENDPOINT must be https (got ${endpoint.origin}): it receives a bearer token`);
  if (sha256(env.DESIRED_STATE) !== env.DESIRED_STATE_SHA256) {
    throw new InputError("DESIRED_STATE does not hash to DESIRED_STATE_SHA256: the job definition is inconsistent, refusing to act");
  }
  let desired;
  try {
    desired = JSON.parse(env.DESIRED_STATE);
  } catch (e) {
    throw new InputError(`DESIRED_STATE is not JSON: ${e.message}`);
  }
  if (!Array.isArray(desired) || desired.length === 0) throw new InputError("DESIRED_STATE must be a non-empty array");
  const problems = [];
  desired.forEach((d, i) => {
    if (!d || typeof d.principalId !== "string" || !UUID.test(d.principalId.toLowerCase())) problems.push(`[${i}].principalId is not an object ID`);
    if (!PRINCIPAL_TYPES.has(d?.principalType)) problems.push(`[${i}].principalType must be User, Group or ServicePrincipal`);
    if (typeof d?.role !== "string" || !d.role) problems.push(`[${i}].role is missing`);
  });
  if (problems.length) throw new InputError(`DESIRED_STATE: ${problems.join("; ")}`);
  return {
    endpoint: endpoint.origin,
    scope: `workspaces/${env.SYNAPSE_WORKSPACE}`,
    desired: desired.map((d) => ({ principalId: d.principalId.toLowerCase(), principalType: d.principalType, role: d.role })),
    hash: env.DESIRED_STATE_SHA256,
    identity: { endpoint: env.IDENTITY_ENDPOINT, header: env.IDENTITY_HEADER, clientId: env.AZURE_CLIENT_ID },
  };
}

async function token(identity) {
  const url = new URL(identity.endpoint);
  url.searchParams.set("resource", SYNAPSE_RESOURCE);
  url.searchParams.set("api-version", IDENTITY_API_VERSION);
  url.searchParams.set("client_id", identity.clientId);
  const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": identity.header } });
  if (!response.ok) throw new Error(`identity endpoint answered ${response.status}: ${await response.text()}`);
  const body = await response.json();
  if (!body.access_token) throw new Error("identity endpoint answered no access_token");
  return body.access_token;
}

function client(endpoint, bearer) {
  return async (method, path, query = {}, body, headers = {}) => {
    const url = new URL(path, endpoint);
    url.searchParams.set("api-version", API_VERSION);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { "content-type": "application/json" } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      const hint = response.status === 403 ? " (is the job's identity Synapse Administrator? see docs/components.md#synapse)" : "";
      throw new Error(`${method} ${url.pathname} answered ${response.status}${hint}: ${text}`);
    }
    return { body: text ? JSON.parse(text) : undefined, continuation: response.headers.get("x-ms-continuation") };
  };
}

async function reconcile(env, log = console.log) {
  const input = readInput(env);
  const call = client(input.endpoint, await token(input.identity));

  const definitions = (await call("GET", "/roleDefinitions")).body ?? [];
  const roleIds = new Map(definitions.map((d) => [d.name, String(d.id).toLowerCase()]));
  const unknown = [...new Set(input.desired.map((d) => d.role).filter((r) => !roleIds.has(r)))];
  if (unknown.length) throw new InputError(`unknown Synapse roles: ${unknown.join(", ")} (the workspace has: ${[...roleIds.keys()].join(", ")})`);

  const existing = [];
  let continuation;
  do {
    const page = await call("GET", "/roleAssignments", { scope: input.scope }, undefined, continuation ? { "x-ms-continuation": continuation } : {});
    existing.push(...(page.body?.value ?? []));
    continuation = page.continuation;
  } while (continuation);
  const atScope = existing.filter((a) => String(a.scope).toLowerCase() === input.scope.toLowerCase());
  const key = (principalId, roleId) => `${principalId.toLowerCase()}|${roleId.toLowerCase()}`;
  const present = new Set(atScope.map((a) => key(String(a.principalId), String(a.roleDefinitionId))));

  const summary = { desiredStateSha256: input.hash, created: [], kept: [], deleted: [], foreign: 0 };
  const wanted = new Set();
  for (const d of input.desired) {
    const roleId = roleIds.get(d.role);
    const k = key(d.principalId, roleId);
    if (wanted.has(k)) continue;
    wanted.add(k);
    const label = `${d.role} -> ${d.principalType} ${d.principalId}`;
    if (present.has(k)) {
      summary.kept.push(label);
      continue;
    }
    const id = ownedAssignmentId(input.scope, d.principalId, roleId);
    await call("PUT", `/roleAssignments/${id}`, {}, { roleId, principalId: d.principalId, scope: input.scope, principalType: d.principalType });
    summary.created.push(label);
  }
  for (const a of atScope) {
    const principalId = String(a.principalId).toLowerCase();
    const roleId = String(a.roleDefinitionId).toLowerCase();
    const ours = String(a.id).toLowerCase() === ownedAssignmentId(input.scope, principalId, roleId);
    if (!ours) {
      if (!wanted.has(key(principalId, roleId))) summary.foreign += 1;
      continue;
    }
    if (wanted.has(key(principalId, roleId))) continue;
    await call("DELETE", `/roleAssignments/${a.id}`, { scope: input.scope });
    summary.deleted.push(`${roleId} -> ${principalId}`);
  }
  log(JSON.stringify(summary));
  return summary;
}

// The container (and the test) run this text with `node --input-type=module -e`: run at once.
reconcile(process.env).catch((e) => {
  console.error(`synapse-rbac: ${e instanceof InputError ? "bad input: " : ""}${e.message}`);
  process.exit(e instanceof InputError ? 2 : 1);
});
