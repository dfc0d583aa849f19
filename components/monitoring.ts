import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { CoreOutputs } from "./core-outputs";
import { attachCrossCutting, type CrossCuttingArgs, type PlacementArgs } from "./cross-cutting";

export interface MonitoringArgs extends PlacementArgs, Omit<CrossCuttingArgs, "diagnostics"> {
  readonly retentionInDays: pulumi.Input<number>;
  /** Daily ingestion cap in GB; -1 for none. */
  readonly dailyQuotaGb: pulumi.Input<number>;
}

/**
 * The environment's Log Analytics workspace: local (shared-key) auth off so only Entra identities read or write it,
 * retention per environment, and its own audit logs sent to itself. Other components receive `diagnostics` from here.
 */
export class Monitoring extends pulumi.ComponentResource implements CoreOutputs {
  readonly workspace: azure.operationalinsights.Workspace;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
  /** Pass as the `diagnostics` input of every other component. */
  readonly diagnostics: { workspaceId: pulumi.Output<string> };

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:monitoring:Monitoring", name, {}, opts);

    this.workspace = new azure.operationalinsights.Workspace(
      `${name}-law`,
      {
        workspaceName: args.naming.name("logAnalyticsWorkspace"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "PerGB2018" },
        retentionInDays: args.retentionInDays,
        workspaceCapping: { dailyQuotaGb: args.dailyQuotaGb },
        features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
        // Ingestion and query stay on public endpoints on purpose: diagnostic settings use the Azure backbone, and
        // a private link scope (AMPLS) would capture DNS for every workspace in the VNet. Access is Entra-only.
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
        tags: args.tags,
      },
      { parent: this, protect: args.protect },
    );
    this.id = this.workspace.id;
    this.name = this.workspace.name;
    this.location = this.workspace.location;
    this.diagnostics = { workspaceId: this.workspace.id };

    attachCrossCutting(this, name, args, {
      purpose: "law",
      id: this.workspace.id,
      diagnostics: { logs: "audit", metrics: true },
    }, { ...args, diagnostics: this.diagnostics });

    this.registerOutputs({ id: this.id, name: this.name, location: this.location });
  }
}
