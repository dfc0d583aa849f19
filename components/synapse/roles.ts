// Deep imports: the @pulumi/azure package root loads every module (~200 ms); these two load in ~2 ms.
import { Provider } from "@pulumi/azure/provider";
import * as synapseClassic from "@pulumi/azure/synapse";
import * as pulumi from "@pulumi/pulumi";
import { tryParseResourceId } from "../../lib/resource-id";
import type { PrincipalType } from "../identity/roles";

/**
 * Synapse RBAC (data-plane) roles, https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-synapse-rbac-roles.
 * These are not Azure RBAC roles: ARM (and so azure-native) cannot assign them.
 */
export const SYNAPSE_ROLES = [
  "Synapse Administrator",
  "Synapse SQL Administrator",
  "Apache Spark Administrator",
  "Synapse Contributor",
  "Synapse Artifact Publisher",
  "Synapse Artifact User",
  "Synapse Compute Operator",
  "Synapse Monitoring Operator",
  "Synapse Credential User",
  "Synapse Linked Data Manager",
  "Synapse User",
] as const;
export type SynapseRole = (typeof SYNAPSE_ROLES)[number];

export interface SynapseRoleAssignmentSpec {
  readonly principalId: pulumi.Input<string>;
  readonly principalType: PrincipalType;
  readonly role: SynapseRole;
}

/**
 * Assigns Synapse RBAC roles at workspace scope through the classic provider's `azure:synapse:RoleAssignment`, which
 * calls the workspace's data-plane endpoint (`https://<workspace>.dev.azuresynapse.net`). With public network access
 * disabled, that endpoint resolves only through the `Dev` private endpoint: the deployer must run inside (or peered
 * to) the platform VNet, and must itself be a Synapse Administrator (the workspace creator is one).
 */
export function assignSynapseRoles(
  name: string,
  workspaceId: pulumi.Input<string>,
  specs: readonly SynapseRoleAssignmentSpec[],
  opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] },
): synapseClassic.RoleAssignment[] {
  if (specs.length === 0) return [];
  const provider = classicProvider(`${name}-provider`, workspaceId, opts.parent);
  return specs.map(
    (spec, i) =>
      new synapseClassic.RoleAssignment(
        `${name}-${i}`,
        { synapseWorkspaceId: workspaceId, roleName: spec.role, principalId: spec.principalId, principalType: spec.principalType },
        { parent: opts.parent, dependsOn: opts.dependsOn, provider },
      ),
  );
}

/**
 * An explicit classic-provider instance pinned to the workspace's subscription. `resourceProviderRegistrations: none`
 * because the deploy identity's rights end at the resource group: it cannot register providers on the subscription.
 */
function classicProvider(name: string, workspaceId: pulumi.Input<string>, parent: pulumi.Resource): pulumi.ProviderResource {
  const subscriptionId = pulumi.output(workspaceId).apply((id) => {
    const subscription = tryParseResourceId(id)?.subscriptionId;
    if (!subscription) throw new pulumi.ResourceError(`Synapse workspace ID "${id}" names no subscription`, parent);
    return subscription;
  });
  return new Provider(name, { subscriptionId, resourceProviderRegistrations: "none", features: {} }, { parent });
}
