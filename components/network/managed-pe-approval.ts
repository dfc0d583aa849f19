import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { tryParseResourceId } from "../../lib/resource-id";
import { type Connection, pickConnection } from "./pick-connection";

/**
 * Approving a managed private endpoint (Data Factory / Synapse managed VNet) on the target side, in code.
 *
 * A managed private endpoint lives in a Microsoft-managed subscription; creating it leaves a *Pending* private
 * endpoint connection on the target whose name Azure chooses (`<target>.<guid>`). So the approval reads the target's
 * connections after the managed endpoint exists (an invoke that depends on it), picks the one whose private endpoint
 * is named `<factory or workspace>.<managed endpoint name>`, and PUTs that connection with status Approved through
 * the target type's azure-native `PrivateEndpointConnection`. The deployer needs the target's
 * `privateEndpointConnectionsApproval/action` (Contributor on the resource group has it).
 */
export type ApprovalTarget =
  | { readonly kind: "storage"; readonly resourceGroupName: pulumi.Input<string>; readonly accountName: pulumi.Input<string> }
  | { readonly kind: "keyvault"; readonly resourceGroupName: pulumi.Input<string>; readonly vaultName: pulumi.Input<string> }
  | { readonly kind: "synapse"; readonly resourceGroupName: pulumi.Input<string>; readonly workspaceName: pulumi.Input<string> };

export interface ManagedEndpointRequest {
  /** The private endpoint's name as Azure creates it: `<factory or workspace name>.<managed private endpoint name>`. */
  readonly privateEndpointName: pulumi.Input<string>;
  /** Who asked, shown on the target's connection. */
  readonly description: string;
}

const APPROVED = (description: string) => ({ status: "Approved", description });

export function approveManagedPrivateEndpoint(
  name: string,
  target: ApprovalTarget,
  request: ManagedEndpointRequest,
  opts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
): pulumi.CustomResource {
  const readOpts = { parent: opts.parent, dependsOn: opts.dependsOn };
  const connections = targetConnections(target, readOpts);
  const connectionName = pulumi
    .all([connections, request.privateEndpointName])
    .apply(([found, endpoint]) => {
      try {
        return pickConnection(found, endpoint, target.kind);
      } catch (e) {
        throw new pulumi.ResourceError((e as Error).message, opts.parent);
      }
    });
  const state = APPROVED(request.description);
  switch (target.kind) {
    case "storage":
      return new azure.storage.PrivateEndpointConnection(
        name,
        { resourceGroupName: target.resourceGroupName, accountName: target.accountName, privateEndpointConnectionName: connectionName, privateLinkServiceConnectionState: state },
        opts,
      );
    case "keyvault":
      return new azure.keyvault.PrivateEndpointConnection(
        name,
        { resourceGroupName: target.resourceGroupName, vaultName: target.vaultName, privateEndpointConnectionName: connectionName, privateLinkServiceConnectionState: state },
        opts,
      );
    case "synapse":
      return new azure.synapse.PrivateEndpointConnection(
        name,
        { resourceGroupName: target.resourceGroupName, workspaceName: target.workspaceName, privateEndpointConnectionName: connectionName, privateLinkServiceConnectionState: state },
        opts,
      );
  }
}

function targetConnections(target: ApprovalTarget, opts: pulumi.InvokeOutputOptions): pulumi.Output<Connection[]> {
  const nameOf = (id: string | undefined) => tryParseResourceId(id)?.name ?? "";
  switch (target.kind) {
    case "storage":
      return azure.storage
        .getStorageAccountOutput({ resourceGroupName: target.resourceGroupName, accountName: target.accountName }, opts)
        .apply((a) => (a.privateEndpointConnections ?? []).map((c) => ({ name: c.name, privateEndpointId: c.privateEndpoint?.id })));
    case "keyvault":
      return azure.keyvault
        .getVaultOutput({ resourceGroupName: target.resourceGroupName, vaultName: target.vaultName }, opts)
        .apply((v) =>
          (v.properties.privateEndpointConnections ?? []).map((c) => ({ name: nameOf(c.id), privateEndpointId: c.privateEndpoint?.id })),
        );
    case "synapse":
      return azure.synapse
        .getWorkspaceOutput({ resourceGroupName: target.resourceGroupName, workspaceName: target.workspaceName }, opts)
        .apply((w) => (w.privateEndpointConnections ?? []).map((c) => ({ name: c.name, privateEndpointId: c.privateEndpoint?.id })));
  }
}
