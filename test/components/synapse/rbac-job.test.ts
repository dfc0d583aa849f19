import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, it } from "vitest";
import { RBAC_JOB_COMMAND, RBAC_JOB_ENV } from "../../../components/synapse/rbac-job";
import { SYNAPSE_ROLES } from "../../../components/synapse/roles";

/**
 * The RBAC job's script, run exactly as the container runs it (`node --input-type=module -e <script>`), against a
 * loopback stand-in of the two APIs it calls:
 * - the Container Apps identity endpoint: GET $IDENTITY_ENDPOINT?resource&api-version=2019-08-01&client_id with header
 *   X-IDENTITY-HEADER; answer { access_token, expires_on, resource, token_type, client_id }
 *   (https://learn.microsoft.com/azure/container-apps/managed-identity, "REST endpoint reference" and "HTTP GET");
 * - the Synapse data plane, api-version 2020-12-01, shapes from Azure/azure-rest-api-specs
 *   specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01/: roleDefinitions.json +
 *   examples/RoleDefinitions_ListRoleDefinitions.json (a bare array), roleAssignments.json +
 *   examples/RoleAssignments_ListRoleAssignments.json ({ count, value }, x-ms-continuation),
 *   examples/RoleAssignments_CreateRoleAssignment.json (PUT { roleId, principalId, scope, principalType } → 200
 *   RoleAssignmentDetails), examples/RoleAssignments_DeleteRoleAssignmentById.json (200/204).
 */

const WORKSPACE = "synw-test";
const SCOPE = `workspaces/${WORKSPACE}`;
const CLIENT_ID = "11111111-1111-4111-8111-111111111111";
const IDENTITY_HEADER = "5b7f86bf-fcdb-43b6-b69c-f13fe106a481";
const TOKEN = "stand-in-access-token";
/** Role definition IDs as the stand-in workspace numbers them (the job must look them up, not assume them). */
const ROLE_IDS = Object.fromEntries(SYNAPSE_ROLES.map((name, i) => [name, `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`]));
const ADMINS = "aaaaaaaa-0000-4000-8000-000000000001";
const ORCHESTRATOR = "bbbbbbbb-0000-4000-8000-000000000002";
const GATEWAY = "cccccccc-0000-4000-8000-000000000003";
const SOMEONE = "dddddddd-0000-4000-8000-000000000004";

interface Assignment {
  id: string;
  roleDefinitionId: string;
  principalId: string;
  scope: string;
  principalType: string;
}
interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  body?: unknown;
}

class StandIn {
  readonly assignments: Assignment[] = [];
  readonly requests: Recorded[] = [];
  private server?: Server;
  /** Page size of the list operation: small, so the job must follow x-ms-continuation. */
  pageSize = 2;
  /** Answer Synapse calls as for a caller without Synapse RBAC (the service's 403 message). */
  forbidden = false;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const body = raw ? (JSON.parse(raw) as unknown) : undefined;
        this.requests.push({ method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body });
        const [status, payload, headers] = this.answer(req, url, body);
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(payload === undefined ? "" : JSON.stringify(payload));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  writes(): Recorded[] {
    return this.requests.filter((r) => r.method === "PUT" || r.method === "DELETE");
  }

  private answer(req: IncomingMessage, url: URL, body: unknown): [number, unknown, Record<string, string>?] {
    const error = (status: number, code: string, message: string): [number, unknown] => [status, { error: { code, message } }];
    if (url.pathname === "/msi/token") {
      if (req.headers["x-identity-header"] !== IDENTITY_HEADER) return error(401, "Unauthorized", "missing X-IDENTITY-HEADER");
      if (url.searchParams.get("api-version") !== "2019-08-01") return error(400, "BadRequest", "api-version");
      if (url.searchParams.get("client_id") !== CLIENT_ID) return error(400, "BadRequest", "unknown identity");
      const resource = url.searchParams.get("resource");
      return [200, { access_token: TOKEN, expires_on: "1586984735", resource, token_type: "Bearer", client_id: CLIENT_ID }];
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return error(401, "Unauthorized", "no token");
    if (url.searchParams.get("api-version") !== "2020-12-01") return error(400, "BadRequest", "api-version");
    if (this.forbidden) {
      return error(403, "Unauthorized", `The principal '${CLIENT_ID}' does not have the required Synapse RBAC permission to perform this action. Required permission: Action: Microsoft.Synapse/workspaces/read, Scope: ${SCOPE}/*.`);
    }
    if (req.method === "GET" && url.pathname === "/roleDefinitions") {
      return [200, SYNAPSE_ROLES.map((name) => ({ id: ROLE_IDS[name], name, isBuiltIn: true, description: name, permissions: [], scopes: [SCOPE], availabilityStatus: "Available" }))];
    }
    if (req.method === "GET" && url.pathname === "/roleAssignments") {
      const scope = url.searchParams.get("scope");
      const all = this.assignments.filter((a) => !scope || a.scope === scope);
      const start = Number(req.headers["x-ms-continuation"] ?? 0);
      const page = all.slice(start, start + this.pageSize);
      const next = start + this.pageSize < all.length ? { "x-ms-continuation": String(start + this.pageSize) } : undefined;
      return [200, { count: page.length, value: page }, next];
    }
    const match = /^\/roleAssignments\/([^/]+)$/.exec(url.pathname);
    if (match && req.method === "PUT") {
      const request = body as Record<string, unknown>;
      for (const field of ["roleId", "principalId", "scope"]) if (typeof request[field] !== "string") return error(400, "BadRequest", `${field} is required`);
      const duplicate = this.assignments.find((a) => a.principalId === request["principalId"] && a.roleDefinitionId === request["roleId"] && a.scope === request["scope"]);
      if (duplicate) return error(409, "Conflict", "role assignment already exists");
      const created = { id: match[1]!, roleDefinitionId: String(request["roleId"]), principalId: String(request["principalId"]), scope: String(request["scope"]), principalType: String(request["principalType"]) };
      this.assignments.push(created);
      return [200, created];
    }
    if (match && req.method === "DELETE") {
      const i = this.assignments.findIndex((a) => a.id === match[1]);
      if (i < 0) return [204, undefined];
      this.assignments.splice(i, 1);
      return [200, undefined];
    }
    return error(404, "NotFound", `${req.method} ${url.pathname}`);
  }
}

type Desired = { principalId: string; principalType: string; role: string }[];

function jobEnv(base: string, desired: Desired | string, overrides: Record<string, string> = {}): Record<string, string> {
  const json = typeof desired === "string" ? desired : JSON.stringify(desired);
  return {
    PATH: process.env["PATH"] ?? "",
    IDENTITY_ENDPOINT: `${base}/msi/token`,
    IDENTITY_HEADER,
    [RBAC_JOB_ENV.clientId]: CLIENT_ID,
    [RBAC_JOB_ENV.endpoint]: base,
    [RBAC_JOB_ENV.workspace]: WORKSPACE,
    [RBAC_JOB_ENV.desiredState]: json,
    [RBAC_JOB_ENV.desiredStateSha256]: createHash("sha256").update(json, "utf8").digest("hex"),
    ...overrides,
  };
}

/** Runs the job's container command with this Node (the image's `node` is the same major line). */
function runJob(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const [node, ...args] = RBAC_JOB_COMMAND;
  assert.equal(node, "node");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const PLATFORM: Desired = [
  { principalId: ADMINS, principalType: "Group", role: "Synapse Administrator" },
  { principalId: ORCHESTRATOR, principalType: "ServicePrincipal", role: "Synapse Compute Operator" },
  { principalId: ORCHESTRATOR, principalType: "ServicePrincipal", role: "Synapse Credential User" },
  { principalId: GATEWAY, principalType: "ServicePrincipal", role: "Synapse User" },
];

let standIn: StandIn;
let base: string;
beforeEach(async () => {
  standIn = new StandIn();
  base = await standIn.start();
});
afterEach(async () => {
  await standIn.stop();
});

describe("Synapse RBAC job script (offline, loopback stand-in)", () => {
  it("creates what is missing, keeps what exists, and leaves assignments it did not create alone", async () => {
    // Already there: the admins group's assignment (made by someone else, random ID) and someone's foreign one.
    const adminsByHand = { id: randomUUID(), roleDefinitionId: ROLE_IDS["Synapse Administrator"]!, principalId: ADMINS, scope: SCOPE, principalType: "Group" };
    const foreign = { id: randomUUID(), roleDefinitionId: ROLE_IDS["Synapse Contributor"]!, principalId: SOMEONE, scope: SCOPE, principalType: "User" };
    const otherScope = { id: randomUUID(), roleDefinitionId: ROLE_IDS["Synapse User"]!, principalId: SOMEONE, scope: `${SCOPE}/bigDataPools/pool1`, principalType: "User" };
    standIn.assignments.push(adminsByHand, foreign, otherScope);
    standIn.pageSize = 1;

    const run = await runJob(jobEnv(base, PLATFORM));
    assert.equal(run.code, 0, run.stderr);

    const token = standIn.requests.find((r) => r.path === "/msi/token")!;
    assert.equal(token.headers["x-identity-header"], IDENTITY_HEADER);
    assert.deepEqual(token.query, { resource: "https://dev.azuresynapse.net", "api-version": "2019-08-01", client_id: CLIENT_ID });

    const puts = standIn.writes().filter((r) => r.method === "PUT");
    assert.deepEqual(
      puts.map((p) => p.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        { roleId: ROLE_IDS["Synapse Compute Operator"], principalId: ORCHESTRATOR, scope: SCOPE, principalType: "ServicePrincipal" },
        { roleId: ROLE_IDS["Synapse Credential User"], principalId: ORCHESTRATOR, scope: SCOPE, principalType: "ServicePrincipal" },
        { roleId: ROLE_IDS["Synapse User"], principalId: GATEWAY, scope: SCOPE, principalType: "ServicePrincipal" },
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      "one PUT per missing assignment, none for the admins group's existing one",
    );
    assert.equal(standIn.writes().filter((r) => r.method === "DELETE").length, 0);
    for (const p of puts) assert.match(p.path, /^\/roleAssignments\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(standIn.assignments.includes(adminsByHand) && standIn.assignments.includes(foreign) && standIn.assignments.includes(otherScope));
    assert.ok(standIn.requests.filter((r) => r.path !== "/msi/token").every((r) => r.query["api-version"] === "2020-12-01"));
    assert.equal(standIn.requests.filter((r) => r.path === "/roleAssignments").length, 2, "followed x-ms-continuation");

    const summary = JSON.parse(run.stdout.trim().split("\n").pop()!) as { created: string[]; kept: string[]; deleted: string[]; foreign: number; desiredStateSha256: string };
    assert.equal(summary.created.length, 3);
    assert.deepEqual(summary.kept, [`Synapse Administrator -> Group ${ADMINS}`]);
    assert.equal(summary.foreign, 1);
    assert.equal(summary.desiredStateSha256, jobEnv(base, PLATFORM)[RBAC_JOB_ENV.desiredStateSha256]);
  });

  it("is a no-op the second time: same desired state, no write", async () => {
    assert.equal((await runJob(jobEnv(base, PLATFORM))).code, 0);
    const before = standIn.writes().length;
    const after = JSON.stringify(standIn.assignments);
    const second = await runJob(jobEnv(base, PLATFORM));
    assert.equal(second.code, 0, second.stderr);
    assert.equal(standIn.writes().length, before, "no PUT or DELETE on the second run");
    assert.equal(JSON.stringify(standIn.assignments), after);
  });

  it("removes only its own assignments that left the desired state, never a foreign one with the same role", async () => {
    assert.equal((await runJob(jobEnv(base, PLATFORM))).code, 0);
    const foreignGatewayUser = { id: randomUUID(), roleDefinitionId: ROLE_IDS["Synapse Monitoring Operator"]!, principalId: GATEWAY, scope: SCOPE, principalType: "ServicePrincipal" };
    standIn.assignments.push(foreignGatewayUser);
    const gatewayOwn = standIn.assignments.find((a) => a.principalId === GATEWAY && a.roleDefinitionId === ROLE_IDS["Synapse User"])!;

    const withoutGateway = PLATFORM.filter((d) => d.principalId !== GATEWAY);
    const run = await runJob(jobEnv(base, withoutGateway));
    assert.equal(run.code, 0, run.stderr);
    const deletes = standIn.requests.filter((r) => r.method === "DELETE");
    assert.deepEqual(deletes.map((d) => [d.path, d.query["scope"]]), [[`/roleAssignments/${gatewayOwn.id}`, SCOPE]]);
    assert.ok(standIn.assignments.includes(foreignGatewayUser), "the foreign assignment stays");
  });

  it("refuses inconsistent or invalid input before it calls anything, with exit code 2 and the reason", async () => {
    const tampered = jobEnv(base, PLATFORM, { [RBAC_JOB_ENV.desiredStateSha256]: "0".repeat(64) });
    const r1 = await runJob(tampered);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /does not hash to DESIRED_STATE_SHA256/);

    const r2 = await runJob(jobEnv(base, [{ principalId: "admins", principalType: "Team", role: "Synapse Administrator" }]));
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /\[0\]\.principalId is not an object ID; \[0\]\.principalType must be User, Group or ServicePrincipal/);

    const r3 = await runJob(jobEnv("http://synapse.example", PLATFORM, { [RBAC_JOB_ENV.endpoint]: "http://synapse.example" }));
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /must be https/);
    assert.deepEqual(standIn.requests, [], "nothing was called");
  });

  it("reads but never writes when a role name is unknown to the workspace", async () => {
    const run = await runJob(jobEnv(base, [...PLATFORM, { principalId: SOMEONE, principalType: "User", role: "Synapse Wizard" }]));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown Synapse roles: Synapse Wizard/);
    assert.deepEqual(standIn.writes(), []);
  });

  it("stops at the first refusal, writes nothing, and says what to check", async () => {
    const badHeader = await runJob(jobEnv(base, PLATFORM, { IDENTITY_HEADER: "wrong" }));
    assert.equal(badHeader.code, 1);
    assert.match(badHeader.stderr, /identity endpoint answered 401/);

    standIn.forbidden = true;
    const notAdmin = await runJob(jobEnv(base, PLATFORM));
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /GET \/roleDefinitions answered 403 \(is the job's identity Synapse Administrator\?/);
    assert.deepEqual(standIn.writes(), []);
  });
});
