import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { SYNAPSE_RBAC_JOB_ENV } from "../../contracts/synapse-rbac";
import type { PlacementArgs } from "../cross-cutting";
import { WORKLOAD_PROFILE } from "../orchestrator/environment";
import { renderDesiredState, type SynapseRoleAssignmentSpec } from "./roles";

/**
 * Synapse RBAC without the CI runners: a Container Apps Job in the orchestrator's internal, VNet-integrated environment
 * reconciles the workspace's Synapse role assignments through the `Dev` private endpoint, as its own user-assigned
 * identity. Nothing on the GitHub runners touches `<workspace>.dev.azuresynapse.net`: `pulumi preview`/`up` only
 * write the job definition (ARM), and its desired state.
 *
 * Why a job and not the classic provider's `synapse.RoleAssignment`: that resource calls the dev endpoint on create,
 * read and delete (hashicorp/terraform-provider-azurerm internal/services/synapse/synapse_role_assignment_resource.go:
 * `RoleAssignmentsClient(workspaceName, synapseDomainSuffix)` in Create/Read/Delete, built on
 * `https://<workspace>.<dev.azuresynapse.net>` by internal/services/synapse/client/client.go `buildEndpoint`), so with
 * `refresh: always` every preview and up from a hosted runner called a workspace whose public access is Disabled.
 *
 * Trigger: a schedule. Pulumi has no ARM resource that starts a job execution (`Microsoft.App/jobs/start` is an
 * action); a manual trigger would need CI to call it after every up (a step outside the plan), an event trigger needs a
 * queue for nothing. Every 15 minutes costs a few seconds of 0.25 vCPU, applies a config change within 15 minutes and
 * puts back an assignment someone removed by hand. Run it at once with `az containerapp job start` (ARM) if needed.
 */

/**
 * node:24-alpine (Node 24.19.0), pinned by its multi-platform index digest (docker-library/repo-info
 * repos/node/remote/24-alpine.md): a moving tag would change the running code without a diff in this program. Node
 * because the script uses only Node built-ins (fetch, crypto) and runs in the tests under the project's own Node 24:
 * no package install at start, no second runtime for CI. Renovate/Dependabot-style bumps change the digest here.
 */
export const RBAC_JOB_IMAGE = "docker.io/library/node:24-alpine@sha256:d32cdf619f63fe0471182d08996dd516c6275bb5fd31ae06e55a570bd9e1ad43";
/** The reconciler, run as `node --input-type=module -e <text>` (no image of our own to build, scan and host). */
export const RBAC_JOB_SCRIPT = readFileSync(join(__dirname, "rbac-job", "reconcile.mjs"), "utf8");
export const RBAC_JOB_COMMAND = ["node", "--input-type=module", "-e", RBAC_JOB_SCRIPT] as const;
/** Every 15 minutes (UTC); see the trigger note above. */
export const RBAC_JOB_SCHEDULE = "*/15 * * * *";
/** Environment variable names the script reads (besides IDENTITY_ENDPOINT/IDENTITY_HEADER, set by Container Apps). */
export const RBAC_JOB_ENV = SYNAPSE_RBAC_JOB_ENV;

export interface SynapseRbacJobArgs {
  readonly placement: PlacementArgs;
  /** The internal Container Apps environment the job runs in (it must resolve the workspace's private endpoints). */
  readonly environmentId: pulumi.Input<string>;
  /** The job's identity (from {@link synapseRbacIdentity}), Synapse Administrator of the workspace. */
  readonly identity: azure.managedidentity.UserAssignedIdentity;
  readonly workspaceName: pulumi.Input<string>;
  /** `https://<workspace>.dev.azuresynapse.net`, the workspace's `connectivityEndpoints.dev`. */
  readonly devEndpoint: pulumi.Input<string>;
  readonly assignments: readonly SynapseRoleAssignmentSpec[];
  /** What the job must wait for (the workspace, its Entra admin). */
  readonly dependsOn: readonly pulumi.Resource[];
}

/**
 * The job's user-assigned identity. It holds no Azure role: its only right is Synapse Administrator on the workspace,
 * which it gets at the workspace's creation through `cspWorkspaceAdminProperties.initialWorkspaceAdminObjectId` (see
 * the Synapse component). Created before the workspace, so its principal ID exists when the workspace is created.
 */
export function synapseRbacIdentity(parent: pulumi.Resource, name: string, placement: PlacementArgs): azure.managedidentity.UserAssignedIdentity {
  return new azure.managedidentity.UserAssignedIdentity(
    `${name}-rbac-job-identity`,
    {
      resourceName: placement.naming.name("userAssignedIdentity", "synapse-rbac"),
      resourceGroupName: placement.resourceGroupName,
      location: placement.location,
    },
    { parent },
  );
}

/** The desired state the job enforces, rendered from the specs (principal IDs resolved). */
export function desiredState(assignments: readonly SynapseRoleAssignmentSpec[]): pulumi.Output<{ json: string; sha256: string }> {
  return pulumi
    .all(assignments.map((a) => pulumi.output(a.principalId)))
    .apply((ids) => renderDesiredState(assignments.map((a, i) => ({ principalId: ids[i]!, principalType: a.principalType, role: a.role }))));
}

export function synapseRbacJob(parent: pulumi.Resource, name: string, args: SynapseRbacJobArgs): azure.app.Job {
  const state = desiredState(args.assignments);
  return new azure.app.Job(
    `${name}-rbac-job`,
    {
      jobName: args.placement.naming.name("containerAppJob", "rbac"),
      resourceGroupName: args.placement.resourceGroupName,
      location: args.placement.location,
      environmentId: args.environmentId,
      workloadProfileName: WORKLOAD_PROFILE,
      identity: { type: "UserAssigned", userAssignedIdentities: [args.identity.id] },
      configuration: {
        triggerType: "Schedule",
        scheduleTriggerConfig: { cronExpression: RBAC_JOB_SCHEDULE, parallelism: 1, replicaCompletionCount: 1 },
        // A run is a handful of HTTP calls; a stuck one ends long before the next tick (no overlapping runs).
        replicaTimeout: 300,
        replicaRetryLimit: 1,
      },
      template: {
        containers: [
          {
            name: "synapse-rbac",
            image: RBAC_JOB_IMAGE,
            command: [...RBAC_JOB_COMMAND],
            resources: { cpu: 0.25, memory: "0.5Gi" },
            env: [
              { name: RBAC_JOB_ENV.endpoint, value: args.devEndpoint },
              { name: RBAC_JOB_ENV.workspace, value: args.workspaceName },
              // Keyed by its hash: a change of desired state is a visible change of this job in the plan diff.
              { name: RBAC_JOB_ENV.desiredState, value: state.json },
              { name: RBAC_JOB_ENV.desiredStateSha256, value: state.sha256 },
              { name: RBAC_JOB_ENV.clientId, value: args.identity.clientId },
            ],
          },
        ],
      },
    },
    // Console and system logs reach Log Analytics through the environment's diagnostic setting (environment.ts).
    { parent, dependsOn: [...args.dependsOn] },
  );
}
