import { createHash } from "node:crypto";
import { namingViolation } from "./rules";
import { NAMING_RULES, type NamingRule, type ResourceKind } from "../../contracts/naming-rules";

export interface NamingContext {
  /** Long workload name, e.g. the Pulumi project `dataplatform`. */
  readonly workload: string;
  /** 2-6 character workload code used where Azure names are short (storage, key vault). */
  readonly workloadShort: string;
  readonly environment: string;
  readonly location: string;
  readonly locationCode: string;
}

/**
 * Azure names per resource kind, `<abbreviation>-<workload>-<purpose>-<env>-<region>[-<suffix>]`, within each kind's
 * length and charset rules. Globally unique kinds get a suffix hashed from workload, environment and region:
 * deterministic, so a second `pulumi up` names everything the same.
 */
export class Naming {
  readonly suffix: string;

  constructor(private readonly context: NamingContext) {
    const digest = createHash("sha256").update(`${context.workload}/${context.environment}/${context.location}`).digest();
    this.suffix = digest.readUInt32BE(0).toString(36).padStart(7, "0").slice(0, 5);
  }

  /** The Azure name for a resource of `kind`, optionally qualified by its purpose (`orchestrator`, `lake`). */
  name(kind: ResourceKind, purpose?: string): string {
    const rule: NamingRule = NAMING_RULES[kind];
    const short = rule.maxLength <= 24 || Boolean(rule.compact);
    const parts = [
      rule.abbreviation,
      short ? this.context.workloadShort : this.context.workload,
      purpose,
      this.context.environment,
      this.context.locationCode,
    ].filter((p): p is string => Boolean(p));
    if (rule.globallyUnique) parts.push(this.suffix);
    const name = rule.compact ? parts.join("").toLowerCase().replace(/[^a-z0-9]/g, "") : parts.join("-").toLowerCase();
    const problem = namingViolation(kind, name);
    if (problem) throw new Error(`naming: ${problem} (shorten the purpose "${purpose ?? ""}")`);
    return name;
  }
}
