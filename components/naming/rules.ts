import { NAMING_RULES, type NamingRule, type ResourceKind } from "../../contracts/naming-rules";


/** Checks one name against its kind's rule; returns what is wrong, or undefined. */
export function namingViolation(kind: ResourceKind, name: string): string | undefined {
  const rule: NamingRule = NAMING_RULES[kind];
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    return `${kind} name "${name}" is ${name.length} characters; Azure allows ${rule.minLength}-${rule.maxLength}`;
  }
  if (!rule.pattern.test(name)) return `${kind} name "${name}" does not match ${rule.pattern}`;
  if (rule.forbidden?.test(name)) return `${kind} name "${name}" contains the forbidden form ${rule.forbidden}`;
  return undefined;
}
