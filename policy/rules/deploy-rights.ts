import type { PolicyResource } from "@pulumi/policy";
import { DEPLOY_CONDITION_INTENT } from "../../contracts/deploy-rights/identities";
import { ARM_RESOURCES, NO_API_PREFIXES, OTHER_RESOURCES } from "../../contracts/deploy-rights/operations";
import type { DataPlaneCall } from "../../contracts/deploy-rights/types";
import { T } from "../../contracts/resource-types";
import { tryParseResourceId } from "../../lib/resource-id";
import { stackRule } from "../rule";

const NAME_INPUTS = ["workspaceName", "vaultName", "accountName", "serverName", "factoryName", "name"];

function dataPlaneCalls(type: string): DataPlaneCall[] {
  const ops = OTHER_RESOURCES[type]?.operations;
  return ops ? Object.values(ops).flat().filter((c): c is DataPlaneCall => c.plane === "data-plane") : [];
}

function publicAccess(r: PolicyResource): unknown {
  return r.props["publicNetworkAccess"] ?? (r.props["properties"] as Record<string, unknown> | undefined)?.["publicNetworkAccess"];
}

const allowed = new Set(DEPLOY_CONDITION_INTENT.allowedRoleIds.map((id) => id.toLowerCase()));
const types = new Set(DEPLOY_CONDITION_INTENT.principalTypes.map((t) => t.toLowerCase()));

/**
 * What the deploy-rights model (contracts/deploy-rights, evaluated in full by tools/rights and `npm run plan`) can
 * check from the resource graph alone at preview time. Mandatory: since bootstrap owns CI's own grants (issue 9, D1)
 * and Synapse RBAC moved into the VNet, every stack passes it.
 */
export const deployRightsPreview = stackRule({
  name: "deploy-rights-preview",
  description:
    "Every resource can be refreshed and deployed by CI: no operation calls a data plane whose resource has publicNetworkAccess Disabled (GitHub-hosted runners are outside the VNet), every role assignment is one the deploy identity's RBAC-administrator condition allows (catalogue roles minus the privileged ones, to service principals and groups), and every resource type has an entry in the deploy-rights table.",
  severity: "high",
  enforcementLevel: "mandatory",
  benchmarks: { mcsb: ["PA-7", "NS-2"] },
  remediationSteps: "Move data-plane work inside the VNet (a Container Apps job), assign only non-privileged catalogue roles to service principals or groups, and add new types to contracts/deploy-rights/operations.ts.",
  check(resources, _ctx, report) {
    for (const r of resources) {
      if (NO_API_PREFIXES.some((p) => r.type.startsWith(p))) continue;
      if (!ARM_RESOURCES[r.type] && !OTHER_RESOURCES[r.type]) {
        report(`${r.type} ${r.name} has no entry in contracts/deploy-rights/operations.ts: its rights cannot be checked`, r.urn);
        continue;
      }
      for (const call of dataPlaneCalls(r.type).slice(0, 1)) {
        const target = tryParseResourceId(String(r.props[call.target.input] ?? ""));
        const host = resources.find((t) => t.type === call.target.resourceType && NAME_INPUTS.some((k) => target && String(t.props[k] ?? "").toLowerCase() === target.name.toLowerCase()));
        if (host && publicAccess(host) === "Disabled") {
          report(`${r.type} ${r.name} calls ${call.host} on every refresh, but ${host.name} has publicNetworkAccess Disabled: unreachable from CI outside the VNet`, r.urn);
        }
      }
      if (r.type === T.roleAssignment) {
        const guid = tryParseResourceId(String(r.props["roleDefinitionId"] ?? ""))?.name.toLowerCase() ?? "";
        const principalType = String(r.props["principalType"] ?? "");
        if (!allowed.has(guid) || !types.has(principalType.toLowerCase())) {
          report(`role assignment ${r.name} (role ${guid || "?"}, principal type ${principalType || "unset"}) is outside what the deploy identity's condition lets it assign`, r.urn);
        }
      }
    }
  },
});
