/**
 * The Synapse RBAC job's interface (components/synapse/rbac-job.ts): the environment variables its container reads,
 * shared with the plan's access table, which lists the job's desired state as Synapse RBAC grants.
 */
export const SYNAPSE_RBAC_JOB_ENV = {
  /** `https://<workspace>.dev.azuresynapse.net` (reached through the `Dev` private endpoint). */
  endpoint: "SYNAPSE_ENDPOINT",
  /** The workspace name; the assignments' scope is `workspaces/<name>`. */
  workspace: "SYNAPSE_WORKSPACE",
  /** Canonical JSON array of `{ principalId, principalType, role }`. */
  desiredState: "DESIRED_STATE",
  /** SHA-256 (hex) of `DESIRED_STATE`'s exact text: the job refuses to act when they disagree. */
  desiredStateSha256: "DESIRED_STATE_SHA256",
  /** Client ID of the job's user-assigned identity (the identity endpoint needs it to pick that identity). */
  clientId: "AZURE_CLIENT_ID",
} as const;
