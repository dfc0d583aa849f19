import { PolicyPack } from "@pulumi/policy";
import { platformPolicies } from "./policies";

// The CrossGuard entry point: `pulumi preview --policy-pack policy --policy-pack-config policy/config/<env>.json`.
// Never import this file from tests or tools: constructing a PolicyPack starts the analyzer's gRPC server.
new PolicyPack("dataplatform", { policies: platformPolicies });
