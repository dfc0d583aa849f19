import { createHash } from "node:crypto";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { ROLE_CATALOGUE, type RoleName } from "../../contracts/roles";
import { providerResourceId, subscriptionScopeId, tryParseResourceId } from "../../lib/resource-id";

export type PrincipalType = "ServicePrincipal" | "Group" | "User";

/** One role for one principal: what `assignRole` assigns on the scope it is given. */
export interface RoleGrant {
  readonly principalId: pulumi.Input<string>;
  readonly principalType: PrincipalType;
  readonly role: RoleName;
  /** Why this principal needs this role; shows in the portal and in the plan's access table. */
  readonly description: string;
  /** ABAC condition (version 2.0), e.g. limiting which roles an RBAC administrator may assign. Default: none (unconditioned). */
  readonly condition?: pulumi.Input<string>;
}

/** A caller's role assignment on a component's main resource (`CrossCuttingArgs.roleAssignments`). */
export interface RoleAssignmentSpec extends RoleGrant {
  /**
   * A stable label for the principal, e.g. `engineers` or `orchestrator` (lowercase letters, digits, hyphens). The
   * child is named `<component>-<purpose>-<key>-<role-slug>`, so reordering the list renames and replaces nothing.
   * Required: a principal ID is usually an unresolved output, so it cannot name anything.
   */
  readonly key: string;
}

const KEY = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** `Storage Blob Data Contributor` → `storage-blob-data-contributor`. */
export function roleSlug(role: RoleName): string {
  return role.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * The Pulumi names of the role-assignment children for `specs` on one target: `${prefix}-${key}-${roleSlug}`.
 * Throws (naming both) when two specs share key and role, or when a key is not a label, before anything is created.
 */
export function roleAssignmentChildNames(prefix: string, specs: readonly RoleAssignmentSpec[]): string[] {
  const seen = new Map<string, number>();
  return specs.map((spec, i) => {
    if (typeof spec.key !== "string" || !KEY.test(spec.key)) {
      throw new Error(
        `${prefix}: roleAssignments[${i}] (${spec.role}): key "${String(spec.key)}" must be a stable label of lowercase letters, digits and hyphens (e.g. "engineers", "orchestrator")`,
      );
    }
    const name = `${prefix}-${spec.key}-${roleSlug(spec.role)}`;
    const first = seen.get(name);
    if (first !== undefined) {
      throw new Error(`${prefix}: roleAssignments[${first}] and [${i}] both assign ${spec.role} to key "${spec.key}": give each principal its own key, and each role once`);
    }
    seen.set(name, i);
    return name;
  });
}

/** ARM/Bicep `guid()`'s namespace: a name-based (version 5, SHA-1) UUID over the arguments joined with '-'. */
const ARM_GUID_NAMESPACE = "11fb06fb-712d-4ddd-98c7-e71bbd588830";

/** RFC 4122 §4.3 name-based UUID, version 5 (SHA-1), of `name` (UTF-8) in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (ns.length !== 16) throw new Error(`uuidV5: "${namespace}" is not a UUID`);
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The role assignment's ARM name: deterministic from what makes an assignment unique to ARM (scope, principal, role
 * definition), like Azure Verified Modules' `guid(scope, principalId, roleDefinitionId)` (e.g. Azure/bicep-registry-modules
 * avm/res/key-vault/vault/main.bicep), with the same construction as ARM's `guid()`. The same assignment always gets
 * the same name, from any program, list order or state.
 */
export function roleAssignmentGuid(scope: string, principalId: string, roleDefinitionId: string): string {
  return uuidV5(ARM_GUID_NAMESPACE, [scope, principalId, roleDefinitionId].join("-"));
}

/** The role definition's full ID in the subscription the scope lives in (ARM normalises to this form; anything else diffs forever). */
function roleDefinitionId(role: RoleName, scope: pulumi.Input<string>, owner: pulumi.Resource | undefined): pulumi.Output<string> {
  return pulumi.output(scope).apply((s) => {
    const subscription = tryParseResourceId(s)?.subscriptionId;
    if (!subscription) throw new pulumi.ResourceError(`role "${role}": scope "${s}" is not inside a subscription`, owner);
    return providerResourceId(subscriptionScopeId(subscription), "Microsoft.Authorization", [["roleDefinitions", ROLE_CATALOGUE[role]]]);
  });
}

/**
 * The one way this codebase assigns a role: catalogue role, explicit principal type, narrowest scope given by the caller.
 *
 * - `roleAssignmentName` is `roleAssignmentGuid(scope, principalId, roleDefinitionId)`. Without it azure-native
 *   auto-names the assignment with a random UUID (pulumi/pulumi-azure-native#582), so a new Pulumi resource for the
 *   same assignment (a rename, a reorder) collides with the old one: ARM allows one assignment per (scope, principal,
 *   role) and refuses a second name with 409 RoleAssignmentExists (the resource provider's rule, Azure/bicep#19690).
 * - `deleteBeforeReplace`: the name is a path parameter, so changing it replaces the resource
 *   (pulumi/pulumi-azure-native#77), and a replacement that keeps (scope, principal, role) — e.g. the one-time move
 *   from random to deterministic names — must delete the old assignment first, or the create hits RoleAssignmentExists.
 *   The principal lacks the role for the seconds between delete and create.
 */
export function assignRole(
  name: string,
  scope: pulumi.Input<string>,
  grant: RoleGrant,
  opts: pulumi.CustomResourceOptions,
): azure.authorization.RoleAssignment {
  const definition = roleDefinitionId(grant.role, scope, opts.parent);
  const assignmentName = pulumi
    .all([scope, grant.principalId, definition])
    .apply(([s, principal, def]) => roleAssignmentGuid(s, principal, def));
  return new azure.authorization.RoleAssignment(
    name,
    {
      roleAssignmentName: assignmentName,
      scope,
      principalId: grant.principalId,
      principalType: grant.principalType,
      roleDefinitionId: definition,
      description: grant.description,
      ...(grant.condition ? { condition: grant.condition, conditionVersion: "2.0" } : {}),
    },
    { deleteBeforeReplace: true, ...opts },
  );
}
