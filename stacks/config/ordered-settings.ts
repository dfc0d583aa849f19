import { defaultSettings } from "./defaults";
import type { Environment } from "../../contracts/environments";
import { CONFIG_NAMESPACE, type ConfigProblem } from "./errors";
import { configSchema } from "./schema";

type Section = "containerApps" | "keyVault";
/** A numeric setting as `[section, field]`, e.g. `["containerApps", "maxReplicas"]`. */
type Setting = readonly [Section, string];

/** Two settings where `lower + gap <= upper` must hold once defaults are applied. */
interface OrderedPair {
  lower: Setting;
  upper: Setting;
  gap: number;
  why: string;
}

/** Every min/max (and before/after) pair in the schema; each bound alone is checked by the schema. */
export const ORDERED_PAIRS: readonly OrderedPair[] = [
  // containerApps.serverMinReplicas is exactly 1 (schema) and the server's maximum is fixed at 1: maxReplicas bounds
  // only the worker.
  {
    lower: ["containerApps", "workerMinReplicas"],
    upper: ["containerApps", "maxReplicas"],
    gap: 0,
    why: "Azure Container Apps refuses a minimum replica count above the maximum",
  },
  {
    lower: ["keyVault", "keyRotateBeforeExpiryDays"],
    upper: ["keyVault", "keyExpiryDays"],
    gap: 7,
    why: "Key Vault rotates a key version at least 7 days after creating it",
  },
  {
    lower: ["keyVault", "keyNotifyBeforeExpiryDays"],
    upper: ["keyVault", "keyRotateBeforeExpiryDays"],
    gap: 1,
    why: "the near-expiry notice is the alarm for a rotation that did not happen, so it must come below rotateBeforeExpiryDays",
  },
];

/**
 * Pairs out of order in the effective settings (stack file over the environment's defaults), from the raw decoded
 * stack config. Runs even when other keys are bad, so that every problem is reported at once; a section the schema
 * rejects is skipped (the schema reports it). The problem names the key the stack file set (the lower one when it set
 * both); a value taken from the defaults says so.
 */
export function orderedSettingProblems(raw: Record<string, unknown>, environment: Environment): ConfigProblem[] {
  const defaults = defaultSettings(environment);
  const effective: Partial<Record<Section, Record<string, number>>> = {};
  const userSet: Partial<Record<Section, Record<string, unknown>>> = {};
  for (const section of new Set(ORDERED_PAIRS.flatMap((p) => [p.lower[0], p.upper[0]]))) {
    const parsed = configSchema.shape[section].safeParse(raw[section]);
    if (!parsed.success) continue;
    userSet[section] = parsed.data ?? {};
    effective[section] = { ...defaults[section], ...parsed.data } as unknown as Record<string, number>;
  }
  const value = ([section, field]: Setting) => effective[section]![field]!;
  const isSet = ([section, field]: Setting) => userSet[section]?.[field] !== undefined;
  const key = ([section, field]: Setting) => `${CONFIG_NAMESPACE}:${section}.${field}`;
  const other = (setting: Setting, offset: string) =>
    `${key(setting)} ${value(setting)}${offset}${isSet(setting) ? "" : `; ${value(setting)} is the ${environment} default`}`;

  const problems: ConfigProblem[] = [];
  for (const { lower, upper, gap, why } of ORDERED_PAIRS) {
    if (!effective[lower[0]] || !effective[upper[0]]) continue;
    if (value(lower) + gap <= value(upper)) continue;
    const offset = (sign: string) => (gap ? ` ${sign} ${gap}` : "");
    problems.push(
      isSet(lower) || !isSet(upper)
        ? { key: key(lower), message: `must be at most ${value(upper) - gap} (${other(upper, offset("minus"))}), got ${value(lower)}: ${why}` }
        : { key: key(upper), message: `must be at least ${value(lower) + gap} (${other(lower, offset("plus"))}), got ${value(upper)}: ${why}` },
    );
  }
  return problems;
}
