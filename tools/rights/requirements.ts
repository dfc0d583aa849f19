import { INVOKES, ARM_RESOURCES, NO_API_PREFIXES, OTHER_RESOURCES, type ArmResourceRights } from "../../contracts/deploy-rights/operations";
import { STATE_OPERATIONS } from "../../contracts/deploy-rights/identities";
import { OPERATIONS, type ApiCall, type ArmCall, type Operation } from "../../contracts/deploy-rights/types";
import type { CiScope } from "../../contracts/ci-access";
import { tryParseResourceId } from "../../lib/resource-id";
import type { Graph, GraphResource } from "../graph/types";

/** Where a permission is checked. */
export type Scope =
  | { kind: "subscription" }
  | { kind: "resourceGroup"; name: string }
  | { kind: "state"; what: CiScope; env: string }
  | { kind: "tenant" }
  | { kind: "cloudflare" }
  | { kind: "okta" }
  | { kind: "unknown"; why: string };

export interface Requirement {
  /** Resource name, invoke token or "state". */
  subject: string;
  type: string;
  operation: Operation | "invoke" | "state";
  call: ApiCall | { plane: "missing-model"; why: string };
  scope: Scope;
  resource?: GraphResource;
}

/** Which operations an identity performs on every resource of the graph it runs. */
export type Role = "plan" | "deploy" | "admin";
const OPS_BY_ROLE: Record<Role, readonly Operation[]> = { plan: ["read"], deploy: OPERATIONS, admin: OPERATIONS };

export function isApiLess(type: string): boolean {
  return NO_API_PREFIXES.some((p) => type.startsWith(p));
}

/** Expands an ARM entry by ARM's REST convention (create/update = PUT → write, read = GET, delete = DELETE). */
export function armCall(entry: ArmResourceRights, operation: Operation, resource?: GraphResource): ArmCall {
  const resourceType = entry.typeFromInputs && resource ? genericType(resource) : entry.arm;
  const verb = operation === "read" ? "read" : operation === "delete" ? "delete" : "write";
  const method = operation === "read" ? "GET" : operation === "delete" ? "DELETE" : "PUT";
  const apiVersion = entry.typeFromInputs && resource ? String(resource.inputs["apiVersion"] ?? entry.apiVersion) : entry.apiVersion;
  return {
    plane: "arm",
    method,
    resourceType,
    apiVersion,
    actions: [`${resourceType}/${verb}`, ...(entry.extraActions?.[operation] ?? [])],
    ...(entry.createAtSubscription && operation === "create" ? { scope: "subscription" as const } : {}),
  };
}

function genericType(r: GraphResource): string {
  const ns = String(r.inputs["resourceProviderNamespace"] ?? "");
  const parentTypes = String(r.inputs["parentResourcePath"] ?? "").split("/").filter((_, i) => i % 2 === 0);
  return [ns, ...parentTypes, String(r.inputs["resourceType"] ?? "")].filter(Boolean).join("/");
}

/** The ARM scope a resource's operations are checked at: its resource group, or what its `scope` input names. */
export function armScope(resource: GraphResource, call: ArmCall): Scope {
  if (call.scope === "subscription") return { kind: "subscription" };
  const rg = resource.inputs["resourceGroupName"];
  if (typeof rg === "string" && rg) return { kind: "resourceGroup", name: rg };
  const scoped = resource.inputs["scope"] ?? resource.inputs["resourceUri"];
  if (typeof scoped === "string") {
    const id = tryParseResourceId(scoped.replace(/\/+$/, ""));
    if (id?.resourceGroupName) return { kind: "resourceGroup", name: id.resourceGroupName };
    if (id?.subscriptionId) return { kind: "subscription" };
  }
  return { kind: "unknown", why: `${resource.name} names no resourceGroupName, scope or resourceUri` };
}

function scopeOf(call: ApiCall, resource: GraphResource | undefined, invokeInputs?: Record<string, unknown>): Scope {
  if (call.plane === "graph") return { kind: "tenant" };
  if (call.plane === "cloudflare") return { kind: "cloudflare" };
  if (call.plane === "okta") return { kind: "okta" };
  if (call.plane === "arm") {
    if (resource) return armScope(resource, call);
    const rg = invokeInputs?.["resourceGroupName"];
    return typeof rg === "string" ? { kind: "resourceGroup", name: rg } : { kind: "subscription" };
  }
  if (call.plane === "data-plane" && resource) {
    const target = String(resource.inputs[call.target.input] ?? "");
    // The target input is a resource ID (Synapse) or a name beside the resource's own resourceGroupName (Key Vault).
    const own = resource.inputs["resourceGroupName"];
    const rg = tryParseResourceId(target)?.resourceGroupName ?? (typeof own === "string" && own ? own : undefined);
    return rg ? { kind: "resourceGroup", name: rg } : { kind: "unknown", why: `${resource.name}.${call.target.input} is no resource ID` };
  }
  return { kind: "tenant" };
}

/** Every (resource, operation) and invoke the identity's run performs on `graph`, plus state access for CI. */
export function requirementsOf(graph: Graph, role: Role, stateEnv?: string): Requirement[] {
  const out: Requirement[] = [];
  for (const resource of graph.resources) {
    if (!resource.custom || isApiLess(resource.type)) continue;
    const arm = ARM_RESOURCES[resource.type];
    const other = OTHER_RESOURCES[resource.type];
    for (const operation of OPS_BY_ROLE[role]) {
      if (!arm && !other) {
        out.push({ subject: resource.name, type: resource.type, operation, call: { plane: "missing-model", why: `no entry for ${resource.type} in contracts/deploy-rights/operations.ts` }, scope: { kind: "unknown", why: "no model" }, resource });
        continue;
      }
      // retainOnDelete: Pulumi drops the resource from state and never calls the provider's Delete.
      if (operation === "delete" && resource.retainOnDelete) continue;
      const calls = arm ? [operation === "delete" && arm.deleteVia ? arm.deleteVia : armCall(arm, operation, resource)] : other!.operations[operation];
      for (const call of calls) out.push({ subject: resource.name, type: resource.type, operation, call, scope: scopeOf(call, resource), resource });
    }
  }
  const seen = new Set<string>();
  for (const invoke of graph.invokes) {
    const key = `${invoke.token} ${JSON.stringify(invoke.inputs)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = INVOKES[invoke.token];
    if (!entry) {
      out.push({ subject: invoke.token, type: invoke.token, operation: "invoke", call: { plane: "missing-model", why: `no entry for invoke ${invoke.token} in contracts/deploy-rights/operations.ts` }, scope: { kind: "unknown", why: "no model" } });
      continue;
    }
    for (const call of entry.calls) out.push({ subject: invoke.token, type: invoke.token, operation: "invoke", call, scope: scopeOf(call, undefined, invoke.inputs) });
  }
  if (role !== "admin" && stateEnv) {
    for (const op of STATE_OPERATIONS[role]) {
      out.push({
        subject: `state: ${op.what}`,
        type: "pulumi state",
        operation: "state",
        call: { plane: "data-plane", method: "GET", host: op.scope === "environmentSecretsKey" ? "{vault}.vault.azure.net" : "{account}.blob.core.windows.net", path: op.what, target: { input: "", resourceType: "" }, dataActions: [op.dataAction] },
        scope: { kind: "state", what: op.scope, env: stateEnv },
      });
    }
  }
  return out;
}
