import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { PrincipalType } from "../identity/roles";

/**
 * Synapse RBAC (data-plane) roles, https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-synapse-rbac-roles.
 * These are not Azure RBAC roles: ARM (and so azure-native) cannot assign them; the RBAC job does
 * (components/synapse/rbac-job.ts), resolving each name to the workspace's role definition ID at run time.
 */
export const SYNAPSE_ROLES = [
  "Synapse Administrator",
  "Synapse SQL Administrator",
  "Apache Spark Administrator",
  "Synapse Contributor",
  "Synapse Artifact Publisher",
  "Synapse Artifact User",
  "Synapse Compute Operator",
  "Synapse Monitoring Operator",
  "Synapse Credential User",
  "Synapse Linked Data Manager",
  "Synapse User",
] as const;
export type SynapseRole = (typeof SYNAPSE_ROLES)[number];

export interface SynapseRoleAssignmentSpec {
  /** Entra object ID of the user, group or service principal (a managed identity's principal ID). */
  readonly principalId: pulumi.Input<string>;
  readonly principalType: PrincipalType;
  readonly role: SynapseRole;
}

/** One entry of the RBAC job's desired state, with the principal ID resolved. */
export interface DesiredSynapseAssignment {
  readonly principalId: string;
  readonly principalType: PrincipalType;
  readonly role: SynapseRole;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The desired state as the job reads it: canonical JSON (sorted, lower-case IDs), so the same assignments always render
 * the same text and hash. Throws naming the problem on a principal ID that is not an object ID or a repeated entry.
 */
export function renderDesiredState(entries: readonly DesiredSynapseAssignment[]): { json: string; sha256: string } {
  const problems: string[] = [];
  const seen = new Set<string>();
  const normalized = entries.map((e) => ({ principalId: e.principalId.toLowerCase(), principalType: e.principalType, role: e.role }));
  for (const e of normalized) {
    if (!UUID.test(e.principalId)) problems.push(`principal "${e.principalId}" (${e.role}) is not an Entra object ID`);
    const key = `${e.principalId}|${e.role}`;
    if (seen.has(key)) problems.push(`${e.role} is assigned to ${e.principalId} twice`);
    seen.add(key);
  }
  if (problems.length > 0) throw new Error(`Synapse role assignments: ${problems.join("; ")}`);
  normalized.sort((a, b) => a.role.localeCompare(b.role) || a.principalId.localeCompare(b.principalId));
  const json = JSON.stringify(normalized);
  return { json, sha256: createHash("sha256").update(json, "utf8").digest("hex") };
}
