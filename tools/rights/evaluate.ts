import { CI_ACCESS, type CiAccess, type CiScope } from "../../contracts/ci-access";
import { ADMIN_ACCESS, RUNNERS } from "../../contracts/deploy-rights/identities";
import { ARM_RESOURCES } from "../../contracts/deploy-rights/operations";
import { ROLE_DEFINITIONS } from "../../contracts/deploy-rights/role-definitions";
import type { ApiCall, RoleDefinitionData } from "../../contracts/deploy-rights/types";
import { tryParseResourceId } from "../../lib/resource-id";
import type { Graph, GraphResource } from "../graph/types";
import { roleAllows } from "./actions";
import type { AssignmentCondition } from "./condition";
import { type Requirement, type Role, type Scope, requirementsOf } from "./requirements";

export interface Identity {
  role: Role;
  /** The environment a CI identity belongs to; undefined for the admin. */
  env?: string;
}

export const identityName = (i: Identity): string => (i.env ? `${i.role}-${i.env}` : i.role);

export interface RightsInput {
  identity: Identity;
  /** The graph the identity's run manages: the environment's for plan/deploy, bootstrap's for the admin. */
  graph: Graph;
  /** The environment's resource group name (where CI's resource-group grants land). */
  environmentResourceGroup?: string;
  /** Whose Pulumi state the run opens. Default: the identity's own environment. */
  stateEnv?: string;
  /** What CI holds. Default: contracts/ci-access.ts CI_ACCESS. */
  access?: Readonly<Record<"plan" | "deploy", CiAccess>>;
  roles?: Readonly<Record<string, RoleDefinitionData>>;
  /** The deploy identity's RBAC-administrator condition, read from the grant (see findDeployCondition). */
  condition?: AssignmentCondition;
  /** Default: contracts/deploy-rights/identities.ts RUNNERS (all outside the VNet). */
  insideVnet?: boolean;
  /** Bootstrap's graph: the state account and key vault whose networks decide whether CI reaches its state. */
  bootstrap?: Graph;
}

export interface Verdict {
  requirement: Requirement;
  granted: boolean;
  /** What the operation needs, in the provider's terms. */
  need: string;
  reason: string;
}

interface Grant {
  roleName: string;
  role: RoleDefinitionData | undefined;
  scope: Scope;
  condition?: boolean;
}

function scopeText(s: Scope): string {
  switch (s.kind) {
    case "subscription": return "subscription";
    case "resourceGroup": return `resource group ${s.name}`;
    case "state": return `${s.what === "environmentSecretsKey" ? "secrets key" : "state container"} of ${s.env}`;
    case "unknown": return `unknown scope (${s.why})`;
    default: return s.kind;
  }
}

function covers(grant: Scope, need: Scope): boolean {
  if (need.kind === "tenant" || need.kind === "cloudflare" || need.kind === "okta" || need.kind === "unknown") return false;
  if (grant.kind === "subscription") return true;
  if (grant.kind === "resourceGroup") return need.kind === "resourceGroup" && need.name.toLowerCase() === grant.name.toLowerCase();
  if (grant.kind === "state") return need.kind === "state" && need.what === grant.what && need.env === grant.env;
  return false;
}

function grantsOf(input: RightsInput): Grant[] {
  const roles = input.roles ?? ROLE_DEFINITIONS;
  const { role, env } = input.identity;
  if (role === "admin") return ADMIN_ACCESS.arm.map((g) => ({ roleName: g.role, role: roles[g.role], scope: { kind: "subscription" } }));
  const resolve = (s: CiScope): Scope =>
    s === "environmentResourceGroup"
      ? input.environmentResourceGroup ? { kind: "resourceGroup", name: input.environmentResourceGroup } : { kind: "unknown", why: "environment resource group not known" }
      : { kind: "state", what: s, env: env ?? "?" };
  return (input.access ?? CI_ACCESS)[role].arm.map((g) => ({ roleName: g.role, role: roles[g.role], scope: resolve(g.scope), ...(g.condition ? { condition: true } : {}) }));
}

/** Why an action is or is not granted at a scope, naming the role and the NotActions entry that removes it. */
function checkAction(grants: Grant[], scope: Scope, action: string, data: boolean): { granted: boolean; by?: Grant; reason: string } {
  const covering = grants.filter((g) => covers(g.scope, scope));
  const notes: string[] = [];
  for (const g of covering) {
    if (!g.role) {
      notes.push(`${g.roleName} has no definition in contracts/deploy-rights/role-definitions.ts`);
      continue;
    }
    const v = roleAllows(g.role, action, data);
    if (v.granted) return { granted: true, by: g, reason: `${g.roleName} (${v.by}) at ${scopeText(g.scope)}` };
    if (v.excludedBy) notes.push(`${g.roleName} ${data ? "NotDataActions" : "NotActions"} ${v.excludedBy} excludes ${action}`);
  }
  const elsewhere = grants.filter((g) => !covers(g.scope, scope) && g.role && roleAllows(g.role, action, data).granted);
  if (elsewhere.length) notes.push(`granted only at ${elsewhere.map((g) => `${scopeText(g.scope)} (${g.roleName})`).join(", ")}, not at ${scopeText(scope)}`);
  if (!notes.length) notes.push(covering.length ? `no role held at ${scopeText(scope)} (${covering.map((g) => g.roleName).join(", ")}) includes ${action}` : `nothing is granted at ${scopeText(scope)}`);
  return { granted: false, reason: notes.join("; ") };
}

function guidOf(roleDefinitionId: unknown): string {
  const id = tryParseResourceId(String(roleDefinitionId ?? ""));
  return (id?.name ?? String(roleDefinitionId ?? "")).toLowerCase();
}

/** The RBAC-administrator condition check for a role assignment the identity writes through a conditioned grant. */
function conditionVerdict(resource: GraphResource, condition: AssignmentCondition | undefined): string | undefined {
  if (!condition) return "the RBAC Administrator grant is conditioned but no condition text was found to check it against";
  const guid = guidOf(resource.inputs["roleDefinitionId"]);
  if (!condition.allowedRoleIds.includes(guid)) return `condition (${condition.source}) does not allow role ${guid}`;
  const type = String(resource.inputs["principalType"] ?? "");
  if (condition.principalTypes && !condition.principalTypes.some((t) => t.toLowerCase() === type.toLowerCase())) {
    return `condition (${condition.source}) allows principal types ${condition.principalTypes.join("|")}, not ${type || "(unset)"}`;
  }
  return undefined;
}

function targetOf(graph: Graph, resource: GraphResource, input: string): GraphResource | undefined {
  const urn = resource.propertyDependencies[input]?.[0];
  const value = resource.inputs[input];
  return graph.resources.find((r) => (urn && r.urn === urn) || (r.id !== undefined && r.id === value));
}

export function publicNetworkAccess(r: GraphResource): string | undefined {
  const v = r.inputs["publicNetworkAccess"] ?? (r.inputs["properties"] as Record<string, unknown> | undefined)?.["publicNetworkAccess"];
  return typeof v === "string" ? v : undefined;
}

/** Whether a runner outside the VNet reaches the state account / key vault bootstrap created. */
function stateReach(bootstrap: Graph | undefined, what: CiScope): string | undefined {
  if (!bootstrap) return undefined;
  const type = what === "environmentSecretsKey" ? "azure-native:keyvault:Vault" : "azure-native:storage:StorageAccount";
  for (const r of bootstrap.resources.filter((x) => x.type === type)) {
    if (publicNetworkAccess(r) === "Disabled") return `${r.name} has publicNetworkAccess Disabled`;
    const acl = (r.inputs["networkRuleSet"] ?? (r.inputs["properties"] as Record<string, unknown> | undefined)?.["networkAcls"]) as { defaultAction?: string } | undefined;
    if (acl?.defaultAction === "Deny") return `${r.name} denies by default (IP rules) and GitHub-hosted runners have no fixed addresses`;
  }
  return undefined;
}

function describeNeed(call: ApiCall): string {
  switch (call.plane) {
    case "arm": return `ARM ${call.method} ${call.resourceType}@${call.apiVersion}: ${call.actions.join(", ")}`;
    case "data-plane": return `data plane ${call.method} ${call.host}${call.path}: ${[...(call.dataActions ?? []), ...(call.serviceRoles ? [`one of ${call.serviceRoles.join("|")}`] : [])].join(", ")}`;
    case "graph": return `Graph ${call.method} ${call.path}: ${call.applicationPermissions.map((s) => s.join("+")).join(" | ")}`;
    case "cloudflare": return `Cloudflare ${call.method} ${call.path}: ${call.permissionGroups.join(" | ") || "no permission"}`;
    case "okta": return `Okta ${call.method} ${call.path}: ${call.scopes.join(" | ")}`;
    case "none": return `no API (${call.why})`;
  }
}

function evaluateOne(input: RightsInput, grants: Grant[], req: Requirement): Verdict {
  const { call } = req;
  const role = input.identity.role;
  const insideVnet = input.insideVnet ?? RUNNERS[role].insideVnet;
  if (call.plane === "missing-model") return { requirement: req, granted: false, need: "unknown", reason: call.why };
  const need = describeNeed(call);
  const ok = (reason: string): Verdict => ({ requirement: req, granted: true, need, reason });
  const no = (reason: string): Verdict => ({ requirement: req, granted: false, need, reason });
  switch (call.plane) {
    case "none":
      return ok("no remote call");
    case "arm": {
      for (const action of call.actions) {
        const v = checkAction(grants, req.scope, action, false);
        if (!v.granted) return no(v.reason);
        const conditioned = req.resource && ARM_RESOURCES[req.type]?.conditionedAssignment && v.by?.condition && /roleAssignments\/(write|delete)$/i.test(action);
        if (conditioned) {
          const unconditioned = grants.some((g) => !g.condition && covers(g.scope, req.scope) && g.role && roleAllows(g.role, action, false).granted);
          const failure = unconditioned ? undefined : conditionVerdict(req.resource!, input.condition);
          if (failure) return no(failure);
        }
      }
      return ok(`granted: ${call.actions.map((a) => checkAction(grants, req.scope, a, false).reason).join("; ")}`);
    }
    case "data-plane": {
      if (req.operation === "state") {
        const unreachable = req.scope.kind === "state" ? stateReach(input.bootstrap, req.scope.what) : undefined;
        if (unreachable && !insideVnet) return no(`unreachable from ${RUNNERS[role].where}: ${unreachable}`);
      } else if (req.resource) {
        const target = targetOf(input.graph, req.resource, call.target.input);
        if (!target) return no(`cannot tell which ${call.target.resourceType} ${call.host} belongs to (${call.target.input} names no resource in the graph)`);
        if (publicNetworkAccess(target) === "Disabled" && !insideVnet) {
          return no(`unreachable: ${call.host} of ${target.name} has publicNetworkAccess Disabled and ${identityName(input.identity)} runs on ${RUNNERS[role].where}, outside the VNet`);
        }
      }
      for (const action of call.dataActions ?? []) {
        const v = checkAction(grants, req.scope, action, true);
        if (!v.granted) return no(v.reason);
      }
      if (call.serviceRoles) return no(`the service authorises with its own RBAC (${call.serviceRoles.join("|")}), which ${identityName(input.identity)} is not granted anywhere in the model`);
      return ok("granted");
    }
    case "graph": {
      if (role === "admin") {
        if (call.directoryRoles.length === 0) return ok("any signed-in user");
        const held = call.directoryRoles.find((r) => (ADMIN_ACCESS.directoryRoles as readonly string[]).includes(r));
        return held ? ok(`directory role ${held}`) : no(`needs directory role ${call.directoryRoles.join(" | ")}; the admin is expected to hold ${ADMIN_ACCESS.directoryRoles.join(", ")}`);
      }
      const held = (input.access ?? CI_ACCESS)[role].graph.map((g) => g.name);
      const set = call.applicationPermissions.find((s) => s.every((p) => held.includes(p) && (p !== "Application.ReadWrite.OwnedBy" || call.ownedBySuffices)));
      return set ? ok(`${set.join("+")}${set.includes("Application.ReadWrite.OwnedBy") ? " (the identity creates and so owns the object)" : ""}`) : no(`${identityName(input.identity)} holds ${held.join(", ") || "no Graph application permission"}`);
    }
    case "cloudflare": {
      if (call.permissionGroups.length === 0) return ok("public endpoint");
      const held: readonly string[] = role === "admin" ? ADMIN_ACCESS.cloudflare : (input.access ?? CI_ACCESS)[role].cloudflare;
      const group = call.permissionGroups.find((g) => held.includes(g));
      return group ? ok(`token permission group ${group}`) : no(`the Cloudflare token has ${held.length ? held.join(", ") : "no permission group"}`);
    }
    case "okta": {
      // The admin runs bootstrap only, which manages nothing in Okta: no Okta grant is modelled for it.
      const held: readonly string[] = role === "admin" ? [] : (input.access ?? CI_ACCESS)[role].okta;
      const scope = call.scopes.find((s) => held.includes(s));
      return scope ? ok(`Okta OAuth scope ${scope}`) : no(`the Okta service app of ${identityName(input.identity)} is granted ${held.length ? held.join(", ") : "no Okta scope"}`);
    }
  }
}

/** Every operation the identity's run performs on its graph, each with a granted/missing verdict and the reason. */
export function evaluateRights(input: RightsInput): Verdict[] {
  const grants = grantsOf(input);
  const stateEnv = input.identity.role === "admin" ? undefined : (input.stateEnv ?? input.identity.env);
  return requirementsOf(input.graph, input.identity.role, stateEnv).map((req) => evaluateOne(input, grants, req));
}
