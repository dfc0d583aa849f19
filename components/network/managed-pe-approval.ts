import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { tryParseResourceId } from "../../lib/resource-id";
import { APPROVAL_RETRY, awaitConnection, type Connection, findConnection, realSleep, type RetryPolicy, type Sleep } from "./pick-connection";

/**
 * Approving a managed private endpoint (Data Factory / Synapse managed VNet) on the target side, in code.
 *
 * A managed private endpoint lives in a Microsoft-managed subscription; once it has provisioned, a *Pending* private
 * endpoint connection appears on the target whose name Azure chooses (`<target>.<guid>`) — asynchronously, after the
 * managed endpoint's PUT has returned. So the approval reads the target's connections after the managed endpoint
 * exists, retrying with exponential backoff until the connection from `<factory or workspace>.<managed endpoint name>`
 * is there (pick-connection.ts: APPROVAL_RETRY, the evidence and the give-up message), and PUTs that connection with
 * status Approved through the target type's azure-native `PrivateEndpointConnection`. One `up` converges. The deployer
 * needs the target's `privateEndpointConnectionsApproval/action` (Contributor on the resource group has it).
 *
 * Preview: while the managed endpoint does not exist yet, the connection's name is unknown (Azure picks it) and the
 * plan shows the approval being created plus an info line "will approve the connection from <endpoint> on <target>";
 * on an existing stack it reads the target once (no waiting) and says "will approve <connection> on <target>" only
 * when that connection is not Approved.
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

/** How the lookup waits: tests inject a fake sleeper and a short policy. Default: APPROVAL_RETRY with real timers. */
export interface ApprovalWait {
  readonly retry?: RetryPolicy;
  readonly sleep?: Sleep;
}

const APPROVED = (description: string) => ({ status: "Approved", description });

const KIND_LABEL: Record<ApprovalTarget["kind"], string> = { storage: "storage account", keyvault: "key vault", synapse: "Synapse workspace" };

export function approveManagedPrivateEndpoint(
  name: string,
  target: ApprovalTarget,
  request: ManagedEndpointRequest,
  opts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
  wait: ApprovalWait = {},
): pulumi.CustomResource {
  const owner = opts.parent;
  const targetName = targetResourceName(target);
  const label = pulumi.interpolate`${KIND_LABEL[target.kind]} ${targetName}`;
  // Known in preview (names only): the plan line for a fresh deployment, where the endpoint does not exist yet.
  if (pulumi.runtime.isDryRun()) {
    pulumi.all([request.privateEndpointName, label]).apply(([endpoint, where]) =>
      pulumi.log.info(`will approve the private endpoint connection from ${endpoint} on ${where} once Azure creates it (skipped if already Approved)`, owner),
    );
  }
  // Waits for the managed endpoint (its ID is unknown until it exists): the lookup runs only after its PUT returned.
  const ready = pulumi.all(opts.dependsOn.map((r) => (pulumi.CustomResource.isInstance(r) ? r.id : pulumi.output(r.urn))));
  const targetRef = pulumi.all([target.resourceGroupName, targetName]);
  const connectionName = pulumi.all([request.privateEndpointName, label, targetRef, ready]).apply(async ([endpoint, where, [group, resource]]) => {
    const read = () => readConnections(target.kind, group, resource, owner);
    if (pulumi.runtime.isDryRun()) {
      const found = findConnection(await read(), endpoint);
      if (found?.status !== "Approved") pulumi.log.info(`will approve ${found?.name ?? `the connection from ${endpoint}`} on ${where}`, owner);
      return found ? found.name : (pulumi.unknown as unknown as string);
    }
    try {
      const { connection, reads } = await awaitConnection(read, endpoint, where, wait.retry ?? APPROVAL_RETRY, wait.sleep ?? realSleep);
      pulumi.log.info(`approving ${connection.name} on ${where} (found after ${reads} read${reads === 1 ? "" : "s"})`, owner);
      return connection.name;
    } catch (e) {
      throw new pulumi.ResourceError(`approval ${name}: ${(e as Error).message}`, owner);
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

function targetResourceName(target: ApprovalTarget): pulumi.Input<string> {
  switch (target.kind) {
    case "storage":
      return target.accountName;
    case "keyvault":
      return target.vaultName;
    case "synapse":
      return target.workspaceName;
  }
}

/** One read of the target's connections through the azure-native getter (an ARM GET of the target resource). */
async function readConnections(
  kind: ApprovalTarget["kind"],
  resourceGroupName: string,
  resourceName: string,
  parent: pulumi.Resource | undefined,
): Promise<Connection[]> {
  const opts: pulumi.InvokeOptions = { parent };
  const nameOf = (id: string | undefined) => tryParseResourceId(id)?.name ?? "";
  switch (kind) {
    case "storage": {
      const a = await azure.storage.getStorageAccount({ resourceGroupName, accountName: resourceName }, opts);
      return (a.privateEndpointConnections ?? []).map((c) => ({ name: c.name, privateEndpointId: c.privateEndpoint?.id, status: c.privateLinkServiceConnectionState?.status }));
    }
    case "keyvault": {
      const v = await azure.keyvault.getVault({ resourceGroupName, vaultName: resourceName }, opts);
      return (v.properties.privateEndpointConnections ?? []).map((c) => ({
        name: nameOf(c.id),
        privateEndpointId: c.privateEndpoint?.id,
        status: c.privateLinkServiceConnectionState?.status,
      }));
    }
    case "synapse": {
      const w = await azure.synapse.getWorkspace({ resourceGroupName, workspaceName: resourceName }, opts);
      return (w.privateEndpointConnections ?? []).map((c) => ({ name: c.name, privateEndpointId: c.privateEndpoint?.id, status: c.privateLinkServiceConnectionState?.status }));
    }
  }
}
