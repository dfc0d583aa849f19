import { z } from "zod";
import { ENVIRONMENTS, type Environment } from "../contracts/environments";
import { type AzureRegion, isAzureRegion } from "../stacks/config/regions";

/**
 * Bootstrap's config (`dataplatform-bootstrap:*`), validated before any resource is registered: a bad value stops
 * the program with one message naming every bad key, so nothing is half-created.
 */
export const BOOTSTRAP_NAMESPACE = "dataplatform-bootstrap";

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a GUID`,
});
const region = z.string().refine(isAzureRegion, { error: (issue) => `${JSON.stringify(issue.input)} is not an Azure region name (e.g. westeurope)` });

const environment = z.strictObject({
  /** The subscription the environment's resource group lives in (subscription vending: one per environment is typical). */
  subscriptionId: guid,
  /** The environment's region: must equal `dataplatform:location` of Pulumi.<env>.yaml (the resource group name carries it). */
  location: region,
});

const schema = z.strictObject({
  location: region,
  tenantId: guid,
  stateRedundancy: z.enum(["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS"]).optional(),
  allowedIpRanges: z.array(z.string()).optional(),
  /** `<org>/<repo>` whose workflows the CI identities federate with. */
  githubRepository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: (issue) => `${JSON.stringify(issue.input)} is not <org>/<repo>` }),
  /** Entra object IDs (users or service principals) that own the CI applications and service principals. */
  owners: z.array(guid).min(1, { error: "name at least one owner (object ID) of the CI applications: an app without owners is managed only by tenant admins" }),
  environments: z
    .record(z.string(), environment)
    .superRefine((value, ctx) => {
      const names = Object.keys(value);
      if (names.length === 0) ctx.addIssue({ code: "custom", message: `list at least one environment (${ENVIRONMENTS.join(", ")})` });
      for (const name of names) {
        if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
          ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not an environment (${ENVIRONMENTS.join(", ")})` });
        }
      }
    }),
});

export interface BootstrapEnvironment {
  readonly name: Environment;
  readonly subscriptionId: string;
  readonly location: AzureRegion;
}

export interface BootstrapConfig {
  readonly location: AzureRegion;
  readonly tenantId: string;
  readonly stateRedundancy: string;
  readonly allowedIpRanges: readonly string[];
  readonly githubRepository: string;
  readonly owners: readonly string[];
  /** In promotion order (ENVIRONMENTS), whatever order the stack file lists them in. */
  readonly environments: readonly BootstrapEnvironment[];
}

/** From the flat `namespace:key` → string map Pulumi holds (objects as JSON). Throws one Error naming every bad key. */
export function resolveBootstrapConfig(entries: Record<string, string>): BootstrapConfig {
  const raw: Record<string, unknown> = {};
  const prefix = `${BOOTSTRAP_NAMESPACE}:`;
  for (const [key, value] of Object.entries(entries)) {
    if (!key.startsWith(prefix)) continue;
    raw[key.slice(prefix.length)] = decode(value);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const [head, ...rest] = issue.path.map(String);
      const key = head ? `${BOOTSTRAP_NAMESPACE}:${head}${rest.map((s) => `.${s}`).join("")}` : BOOTSTRAP_NAMESPACE;
      const detail = issue.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.join(", ")}` : issue.message;
      return `  - ${key}: ${detail}`;
    });
    throw new Error(`invalid bootstrap configuration (${lines.length} problem${lines.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  return {
    location: c.location as AzureRegion,
    tenantId: c.tenantId,
    stateRedundancy: c.stateRedundancy ?? "Standard_GZRS",
    allowedIpRanges: c.allowedIpRanges ?? [],
    githubRepository: c.githubRepository,
    owners: c.owners,
    environments: ENVIRONMENTS.filter((e) => e in c.environments).map((name) => ({
      name,
      subscriptionId: c.environments[name]!.subscriptionId,
      location: c.environments[name]!.location as AzureRegion,
    })),
  };
}

function decode(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
