import * as pulumi from "@pulumi/pulumi";
import * as azure from "@pulumi/azure-native";
const rg = new azure.resources.ResourceGroup("rg", { resourceGroupName: "rg-x", location: "westeurope" });
const sub = azure.authorization.getClientConfigOutput();
const unknown = pulumi.output(pulumi.runtime.invoke("dataplatform:test:getUnmocked", { name: "x" }));
new azure.resources.ResourceGroup("rg2", { resourceGroupName: unknown.apply((v: any) => String(v.name)), location: "westeurope" });
export const s = sub.subscriptionId;
