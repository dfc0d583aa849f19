import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../../../components/naming";
import { Synapse } from "../../../components/synapse";

/** Only a Synapse component given role assignments but no environment for the job that applies them. */
const lake = "/subscriptions/00000000-0000-4000-8000-00000000c0de/resourceGroups/rg-dp-dev/providers/Microsoft.Storage/storageAccounts/stdpdev";
new Synapse("syn", {
  resourceGroupName: "rg-dp-dev",
  location: "westeurope",
  naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" }),
  tenantId: "11111111-2222-4333-8444-555555555555",
  entraAdminGroup: { objectId: "22222222-2222-4333-8444-555555555555", displayName: "admins" },
  dataLake: {
    id: pulumi.output(lake),
    name: pulumi.output("stdpdev"),
    resourceGroupName: pulumi.output("rg-dp-dev"),
    dfsEndpoint: pulumi.output("https://stdpdev.dfs.core.windows.net/"),
    filesystemId: (fs: string) => pulumi.output(`${lake}/blobServices/default/containers/${fs}`),
  },
  defaultFilesystem: "synapse",
  synapseRoleAssignments: [{ principalId: "33333333-2222-4333-8444-555555555555", principalType: "Group", role: "Synapse Administrator" }],
});
