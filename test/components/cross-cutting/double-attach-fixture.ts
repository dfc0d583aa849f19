import * as pulumi from "@pulumi/pulumi";
import { attachCrossCutting } from "../../../components/cross-cutting";
import { Naming } from "../../../components/naming";

/** A component that (wrongly) passes its roleAssignments to two targets: attachCrossCutting must refuse the second. */
const placement = {
  resourceGroupName: "rg-dp-dev",
  location: "westeurope",
  naming: new Naming({ workload: "dataplatform", workloadShort: "dp", environment: "dev", location: "westeurope", locationCode: "weu" }),
};
const component = new pulumi.ComponentResource("fixture:index:Component", "comp");
const sub = "/subscriptions/00000000-0000-4000-8000-00000000c0de/resourceGroups/rg-dp-dev/providers";
const roleAssignments = [
  { key: "probe", principalId: "00000000-0000-4000-8000-0000000000f1", principalType: "Group" as const, role: "Reader" as const, description: "probe" },
];
attachCrossCutting(component, "comp", placement, { purpose: "main", id: `${sub}/Microsoft.KeyVault/vaults/kv1` }, { roleAssignments });
attachCrossCutting(component, "comp", placement, { purpose: "sub", id: `${sub}/Microsoft.KeyVault/vaults/kv2` }, { roleAssignments });
