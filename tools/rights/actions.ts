import type { RoleDefinitionData } from "../../contracts/deploy-rights/types";

/**
 * Azure RBAC action matching: `*` matches any run of characters (also across `/`), comparison ignores case
 * (https://learn.microsoft.com/azure/role-based-access-control/role-definitions#actions).
 */
export function actionMatches(pattern: string, action: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i").test(action);
}

export interface ActionVerdict {
  granted: boolean;
  /** The pattern that grants it, or the NotActions pattern that removes it. */
  by?: string;
  excludedBy?: string;
}

/** Effective permission of one role for one action: matches Actions (or DataActions) and no NotActions (NotDataActions). */
export function roleAllows(role: RoleDefinitionData, action: string, data: boolean): ActionVerdict {
  const allow = (data ? role.dataActions : role.actions).find((p) => actionMatches(p, action));
  if (!allow) return { granted: false };
  const deny = (data ? role.notDataActions : role.notActions).find((p) => actionMatches(p, action));
  return deny ? { granted: false, by: allow, excludedBy: deny } : { granted: true, by: allow };
}
