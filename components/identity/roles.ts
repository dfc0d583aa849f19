import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { ROLE_CATALOGUE, type RoleName } from "../../contracts/roles";
import { providerResourceId, subscriptionScopeId, tryParseResourceId } from "../../lib/resource-id";

export type PrincipalType = "ServicePrincipal" | "Group" | "User";

export interface RoleAssignmentSpec {
  readonly principalId: pulumi.Input<string>;
  readonly principalType: PrincipalType;
  readonly role: RoleName;
  /** Why this principal needs this role; shows in the portal and in the plan's access table. */
  readonly description: string;
  /** ABAC condition (version 2.0), e.g. limiting which roles an RBAC administrator may assign. Default: none (unconditioned). */
  readonly condition?: pulumi.Input<string>;
}

/** The role definition's full ID in the subscription the scope lives in (ARM normalises to this form; anything else diffs forever). */
function roleDefinitionId(role: RoleName, scope: pulumi.Input<string>, owner: pulumi.Resource | undefined): pulumi.Output<string> {
  return pulumi.output(scope).apply((s) => {
    const subscription = tryParseResourceId(s)?.subscriptionId;
    if (!subscription) throw new pulumi.ResourceError(`role "${role}": scope "${s}" is not inside a subscription`, owner);
    return providerResourceId(subscriptionScopeId(subscription), "Microsoft.Authorization", [["roleDefinitions", ROLE_CATALOGUE[role]]]);
  });
}

/** The one way this codebase assigns a role: catalogue role, explicit principal type, narrowest scope given by the caller. */
export function assignRole(
  name: string,
  scope: pulumi.Input<string>,
  spec: RoleAssignmentSpec,
  opts: pulumi.CustomResourceOptions,
): azure.authorization.RoleAssignment {
  return new azure.authorization.RoleAssignment(
    name,
    {
      scope,
      principalId: spec.principalId,
      principalType: spec.principalType,
      roleDefinitionId: roleDefinitionId(spec.role, scope, opts.parent),
      description: spec.description,
      ...(spec.condition ? { condition: spec.condition, conditionVersion: "2.0" } : {}),
    },
    opts,
  );
}
