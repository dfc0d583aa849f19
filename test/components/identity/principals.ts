import { ROLE_CATALOGUE } from "../../../contracts/roles";
import { resourceGroupId } from "../../../lib/resource-id";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/graph/mock-state";
import { resolvePlatformConfig } from "../../../stacks/config";
import { type Graph, type GraphResource, readStackConfig } from "../../../tools/graph";
import { byUrn, ofType, roleGuid } from "../../support/graphs";

const ROLE_NAMES: Record<string, string> = Object.fromEntries(Object.entries(ROLE_CATALOGUE).map(([name, guid]) => [guid, name]));

export function configOf(graph: Graph) {
  return resolvePlatformConfig(graph.project, graph.stack, readStackConfig(graph.stack));
}

export { roleGuid };

export function roleName(assignment: GraphResource): string {
  return ROLE_NAMES[roleGuid(assignment)] ?? `<not in catalogue: ${roleGuid(assignment)}>`;
}

/** The single resource an input was computed from (its property dependency), e.g. the SP behind a principalId. */
export function sourceOf(graph: Graph, r: GraphResource, input: string): GraphResource | undefined {
  const urns = r.propertyDependencies[input] ?? [];
  const custom = urns.map((u) => byUrn(graph, u)).filter((x): x is GraphResource => Boolean(x?.custom));
  return custom.length === 1 ? custom[0] : undefined;
}

/**
 * A label for the principal behind `principalId`: the identity resource it was computed from (through the
 * program's own wiring, i.e. property dependencies) or one of the configured Entra groups.
 */
export function principalLabel(graph: Graph, r: GraphResource, input = "principalId"): string {
  const config = configOf(graph);
  const value = r.inputs[input];
  for (const [group, id] of Object.entries(config.entra.groups)) if (value === id) return `group:${group}`;
  const source = sourceOf(graph, r, input);
  if (!source) return `<unresolved ${String(value)}>`;
  switch (source.type) {
    case "azuread:index/servicePrincipal:ServicePrincipal": {
      const app = sourceOf(graph, source, "clientId");
      const match = new RegExp(`^${config.project}-(\\w+)-${config.environment}$`).exec(String(app?.inputs["displayName"]));
      return match ? match[1]! : `<sp ${source.name}>`;
    }
    case "azure-native:managedidentity:UserAssignedIdentity": {
      const match = /^id-[a-z0-9]+-(.+)-[a-z]+-[a-z]+$/.exec(String(source.inputs["resourceName"]));
      const purpose = match?.[1]?.replace(new RegExp(`-${config.environment}$`), "");
      return purpose ?? `<uami ${source.name}>`;
    }
    case "azure-native:synapse:Workspace":
      return "synapse-mi";
    case "azure-native:datafactory:Factory":
      return "adf-mi";
    case "azure-native:dataprotection:BackupVault":
      return "backup-mi";
    default:
      return `<${source.type}>`;
  }
}

const SCOPE_LABELS: Record<string, (r: GraphResource) => string> = {
  "azure-native:resources:ResourceGroup": () => "rg",
  "azure-native:keyvault:Vault": () => "vault",
  "azure-native:keyvault:Secret": (r) => `secret:${String(r.inputs["secretName"])}`,
  "azure-native:storage:StorageAccount": () => "lake",
  "azure-native:storage:BlobContainer": (r) => `fs:${String(r.inputs["containerName"])}`,
  "azure-native:datafactory:Factory": () => "factory",
  "azure-native:dataprotection:BackupVault": () => "backup-vault",
  "azure-native:dbforpostgresql:Server": () => "postgres",
  "azure-native:synapse:Workspace": () => "workspace",
};

/** The resource a scope names: the one whose ID the scope equals, and which the scope input was computed from. */
export function scopeResource(graph: Graph, r: GraphResource, input = "scope"): GraphResource | undefined {
  // The scope input may be computed from several resources (e.g. a secret's ID and its vault); it names the one whose ID it is.
  return (r.propertyDependencies[input] ?? []).map((u) => byUrn(graph, u)).find((x) => x?.custom && x.id === r.inputs[input]);
}

/**
 * The environment's resource group ID as the stack read it (bootstrap creates the group; the stack looks it up by
 * name, so the group is an invoke, not a resource, in the graph).
 */
export function environmentGroupId(graph: Graph): string | undefined {
  const lookup = graph.invokes.find((i) => i.token === "azure-native:resources:getResourceGroup");
  return lookup ? resourceGroupId(MOCK_SUBSCRIPTION_ID, String(lookup.inputs["resourceGroupName"])) : undefined;
}

export function scopeLabel(graph: Graph, r: GraphResource, input = "scope"): string {
  if (r.inputs[input] !== undefined && r.inputs[input] === environmentGroupId(graph)) return "rg";
  const target = scopeResource(graph, r, input);
  if (!target) return `<unresolved ${String(r.inputs[input])}>`;
  return SCOPE_LABELS[target.type]?.(target) ?? `<${target.type}>`;
}

/** Scope labels that exist in this graph (components other helpers add appear as they land). */
export function presentScopes(graph: Graph): Set<string> {
  const labels = new Set<string>();
  if (environmentGroupId(graph)) labels.add("rg");
  for (const r of graph.resources) {
    const label = SCOPE_LABELS[r.type]?.(r);
    if (label) labels.add(label);
  }
  return labels;
}

export function roleAssignments(graph: Graph): GraphResource[] {
  return ofType(graph, "azure-native:authorization:RoleAssignment");
}
