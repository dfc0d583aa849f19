import { evaluateStack, type Graph } from "../graph";
import { type IdentityRights, missing, stackRights } from "../rights";
import { rightsJson, rightsSection } from "../rights/report";

/** Bootstrap's project (bootstrap/Pulumi.org.yaml): the admin's first run, and where CI's state lives. */
export const BOOTSTRAP_PROJECT = { dir: "bootstrap", main: "index.ts" } as const;
export const BOOTSTRAP_STACK = "org";

/** Bootstrap's graph (cached by source hash like every graph), or undefined with the reason when it does not evaluate. */
export async function bootstrapGraph(): Promise<{ graph?: Graph; error?: string }> {
  const result = await evaluateStack(BOOTSTRAP_STACK, { project: BOOTSTRAP_PROJECT });
  return result.ok ? { graph: result.graph } : { error: result.failure.error };
}

export interface DeployRightsVerdict {
  rights: IdentityRights[];
  lines: string[];
  missing: number;
  json: ReturnType<typeof rightsJson>;
}

/** The plan's "Deploy rights" verdict for one environment's graph: plan-<env>, deploy-<env> and the admin's bootstrap run. */
export async function deployRightsVerdict(graph: Graph): Promise<DeployRightsVerdict> {
  const boot = await bootstrapGraph();
  const rights = stackRights(graph, boot.graph);
  const lines = rightsSection(rights);
  if (boot.error) lines.push(`- MISSING admin: bootstrap/ did not evaluate, so the admin's run and CI's state network were not checked:\n${boot.error}`, "");
  return { rights, lines, missing: missing(rights).length + (boot.error ? 1 : 0), json: rightsJson(rights) };
}
