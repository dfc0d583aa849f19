import { GRAPH_APP_ROLE_NAMES } from "../../contracts/microsoft-graph";
import { NAMING_RULES, type NamingRule } from "../../contracts/naming-rules";
import { ROLE_CATALOGUE } from "../../contracts/roles";
import { SYNAPSE_RBAC_JOB_ENV } from "../../contracts/synapse-rbac";
import { tryParseResourceId } from "../../lib/resource-id";
import type { Graph, GraphResource } from "../graph/types";

const ROLE_NAMES: Record<string, string> = Object.fromEntries(Object.entries(ROLE_CATALOGUE).map(([name, guid]) => [guid, name]));

interface AccessRow {
  principal: string;
  role: string;
  scope: string;
  why: string;
}

/**
 * "Who can do what" for one stack, from the captured graph: every Azure RBAC assignment, Synapse RBAC assignment and
 * Microsoft Graph app-role grant, with the principal and the scope resolved back to the resources the program wired
 * them from (property dependencies), so reviewers read names rather than GUIDs.
 */
export function accessTable(graph: Graph): string {
  const rows: AccessRow[] = [];
  for (const r of graph.resources) {
    if (r.type === "azure-native:authorization:RoleAssignment") {
      const roleDefinitionId = String(r.inputs["roleDefinitionId"]);
      const guid = tryParseResourceId(roleDefinitionId)?.name ?? roleDefinitionId;
      const condition = r.inputs["condition"] ? " (conditioned)" : "";
      rows.push({
        principal: principal(graph, r, "principalId"),
        role: `${ROLE_NAMES[guid] ?? guid}${condition}`,
        scope: scope(graph, r, "scope"),
        why: String(r.inputs["description"] ?? ""),
      });
    } else if (r.type === "azure-native:synapse:Workspace" && initialAdmin(r)) {
      rows.push({
        principal: principalById(graph, initialAdmin(r)!, "ServicePrincipal"),
        role: "Synapse Administrator (Synapse RBAC)",
        scope: `${shortType(r.type)} ${azureName(r)}`,
        why: "initial workspace admin, set when the workspace is created (ARM)",
      });
    } else if (r.type === "azure-native:app:Job" && jobEnv(r)[SYNAPSE_RBAC_JOB_ENV.desiredState] !== undefined) {
      rows.push(...synapseRbacRows(graph, r));
    } else if (r.type === "azuread:index/appRoleAssignment:AppRoleAssignment") {
      const id = String(r.inputs["appRoleId"]);
      rows.push({ principal: principal(graph, r, "principalObjectId"), role: GRAPH_APP_ROLE_NAMES[id] ?? `app role ${id}`, scope: "Entra tenant", why: "" });
    }
  }
  rows.sort((a, b) => a.principal.localeCompare(b.principal) || a.scope.localeCompare(b.scope) || a.role.localeCompare(b.role));
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  return [
    "| principal | role | scope | why |",
    "|---|---|---|---|",
    ...rows.map((row) => `| ${escape(row.principal)} | ${escape(row.role)} | ${escape(row.scope)} | ${escape(row.why)} |`),
  ].join("\n");
}

function initialAdmin(workspace: GraphResource): string | undefined {
  const id = (workspace.inputs["cspWorkspaceAdminProperties"] as { initialWorkspaceAdminObjectId?: unknown } | undefined)?.initialWorkspaceAdminObjectId;
  return typeof id === "string" ? id : undefined;
}

function jobEnv(job: GraphResource): Record<string, string> {
  const containers = (job.inputs["template"] as { containers?: { env?: { name: string; value?: unknown }[] }[] } | undefined)?.containers ?? [];
  return Object.fromEntries((containers[0]?.env ?? []).map((e) => [e.name, String(e.value)]));
}

/** The Synapse RBAC job's desired state (contracts/synapse-rbac.ts): one row per assignment it enforces. */
function synapseRbacRows(graph: Graph, job: GraphResource): AccessRow[] {
  const env = jobEnv(job);
  const entries = JSON.parse(env[SYNAPSE_RBAC_JOB_ENV.desiredState]!) as { principalId: string; principalType: string; role: string }[];
  const workspace = graph.resources.find((x) => x.type === "azure-native:synapse:Workspace" && x.inputs["workspaceName"] === env[SYNAPSE_RBAC_JOB_ENV.workspace]);
  const scopeName = workspace ? `${shortType(workspace.type)} ${azureName(workspace)}` : `\`${env[SYNAPSE_RBAC_JOB_ENV.workspace]}\``;
  return entries.map((e) => ({
    principal: principalById(graph, e.principalId, e.principalType),
    role: `${e.role} (Synapse RBAC)`,
    scope: scopeName,
    why: `kept by job ${azureName(job)}`,
  }));
}

/** A principal named by its object ID alone (the job's desired state carries resolved IDs, not wiring). */
function principalById(graph: Graph, id: string, principalType: string): string {
  const same = (v: unknown) => typeof v === "string" && v.toLowerCase() === id.toLowerCase();
  const identity = graph.resources.find((x) => x.type === "azure-native:managedidentity:UserAssignedIdentity" && same(x.outputs["principalId"]));
  if (identity) return `managed identity ${String(identity.inputs["resourceName"])}`;
  const sp = graph.resources.find((x) => x.type === "azuread:index/servicePrincipal:ServicePrincipal" && (same(x.outputs["objectId"]) || same(x.id)));
  if (sp) {
    const app = source(graph, sp, "clientId");
    return `app ${String(app?.inputs["displayName"] ?? sp.name)}`;
  }
  return `${principalType === "Group" ? "group" : "principal"} \`${id}\``;
}

function source(graph: Graph, r: GraphResource, input: string): GraphResource | undefined {
  const urns = r.propertyDependencies[input] ?? [];
  const found = urns.map((u) => graph.resources.find((x) => x.urn === u)).filter((x): x is GraphResource => Boolean(x?.custom));
  return found.length === 1 ? found[0] : undefined;
}

function principal(graph: Graph, r: GraphResource, input: string): string {
  const from = source(graph, r, input);
  if (!from) {
    const type = r.inputs["principalType"] === "Group" ? "group" : "principal";
    return `${type} \`${String(r.inputs[input])}\``;
  }
  switch (from.type) {
    case "azuread:index/servicePrincipal:ServicePrincipal": {
      const app = source(graph, from, "clientId");
      return `app ${String(app?.inputs["displayName"] ?? from.name)}`;
    }
    case "azure-native:managedidentity:UserAssignedIdentity":
      return `managed identity ${String(from.inputs["resourceName"])}`;
    default:
      return `${shortType(from.type)} ${azureName(from)} (system identity)`;
  }
}

function scope(graph: Graph, r: GraphResource, input: string): string {
  // The scope may be computed from several resources (a secret's ID and its vault): it names the one whose ID it is.
  const target = (r.propertyDependencies[input] ?? [])
    .map((u) => graph.resources.find((x) => x.urn === u))
    .find((x) => x?.custom && x.id === r.inputs[input]);
  if (!target) {
    // The environment's resource group is bootstrap's: the stack reads it, so its ID comes from an invoke, not a resource.
    const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(String(r.inputs[input]));
    return group ? `resources/ResourceGroup ${group[1]} (read)` : `\`${String(r.inputs[input])}\``;
  }
  return `${shortType(target.type)} ${azureName(target)}`;
}

function shortType(type: string): string {
  const [, module, kind] = type.split(":");
  return module && kind ? `${module}/${kind}` : type;
}

const NAME_INPUTS = new Map<string, string>(
  (Object.values(NAMING_RULES) as NamingRule[]).flatMap((rule) => rule.types.map((type): [string, string] => [type, rule.nameInput])),
);

function azureName(r: GraphResource): string {
  const input = NAME_INPUTS.get(r.type);
  if (input && typeof r.inputs[input] === "string") return String(r.inputs[input]);
  const name = Object.entries(r.inputs).find(([k, v]) => k.endsWith("Name") && k !== "resourceGroupName" && typeof v === "string");
  return String(name?.[1] ?? r.name);
}
