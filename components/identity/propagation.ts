import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";

/**
 * How long a reader waits after a role assignment before it uses the role. "When you assign roles or remove role
 * assignments, it can take up to 10 minutes for changes to take effect."
 * (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting, "Role assignment changes are not being
 * detected"; MicrosoftDocs/azure-docs articles/role-based-access-control/troubleshooting.md). The documented bound,
 * not a guess below it: a Container App whose Key Vault read is refused, or a backup instance whose vault lacks its
 * roles, fails its create.
 */
export const RBAC_PROPAGATION = "10m";

/**
 * A `time.Sleep` of RBAC_PROPAGATION after `grants` (none without grants). Its trigger is the set of the grants' IDs,
 * so a replaced grant replaces the Sleep and whatever waits on it waits again; an unchanged grant (or the same grants
 * in another order) never waits twice.
 */
export function afterRbacPropagation(parent: pulumi.Resource, name: string, grants: readonly pulumi.Input<pulumi.Resource>[]): time.Sleep | undefined {
  if (grants.length === 0) return undefined;
  const ids = pulumi.all(grants.map((g) => pulumi.output(g).apply((r) => (pulumi.CustomResource.isInstance(r) ? r.id : r.urn))));
  const triggers = ids.apply((list) => ({ grants: [...list].sort().join(",") }));
  return new time.Sleep(name, { createDuration: RBAC_PROPAGATION, triggers }, { parent, dependsOn: [...grants] });
}
