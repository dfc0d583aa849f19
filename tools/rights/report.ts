import { DEPLOY_RIGHTS_AS_OF } from "../../contracts/deploy-rights/operations";
import { RUNNERS } from "../../contracts/deploy-rights/identities";
import { identityName, type Verdict } from "./evaluate";
import type { IdentityRights } from "./index";

/** One line per missing right: who, which operation on what, what it needs, why it is missing. */
export function missingLine(who: string, v: Verdict): string {
  const r = v.requirement;
  return `- MISSING ${who} ${r.operation} ${r.type} ${r.subject}: ${v.need} — ${v.reason}`;
}

/** The plan's compact "Deploy rights" section: per identity, counts and every missing line. */
export function rightsSection(rights: readonly IdentityRights[]): string[] {
  const out = [`## Deploy rights (model as of ${DEPLOY_RIGHTS_AS_OF}; CI runs on a ${RUNNERS.deploy.where}, outside the VNet)`, ""];
  for (const { identity, run, verdicts } of rights) {
    const who = identityName(identity);
    const missing = verdicts.filter((v) => !v.granted);
    out.push(`${who} — ${run}: ${verdicts.length} operations, ${verdicts.length - missing.length} granted, ${missing.length} missing`);
    out.push(...missing.map((v) => missingLine(who, v)));
    out.push("");
  }
  return out;
}

/** The JSON form for `plan --json`-style consumers. */
export function rightsJson(rights: readonly IdentityRights[]) {
  return rights.map(({ identity, run, verdicts }) => ({
    identity: identityName(identity),
    run,
    granted: verdicts.filter((v) => v.granted).length,
    missing: verdicts.filter((v) => !v.granted).map((v) => ({ operation: v.requirement.operation, type: v.requirement.type, subject: v.requirement.subject, need: v.need, reason: v.reason })),
  }));
}
