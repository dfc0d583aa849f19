import { REQUIRED_TAG_KEYS } from "../../contracts/tags";
import { resourceRule } from "../rule";

/**
 * Every tracked Azure resource (one with a `location`: those are the ones ARM lets carry tags) or any azure-native
 * resource that sets `tags` carries the platform's required tags, and its environment tag matches the stack's.
 */
export const requiredTags = resourceRule({
  name: "required-tags",
  description: `Tracked azure-native resources carry the required tags (${REQUIRED_TAG_KEYS.join(", ")}) with non-empty values, and the environment tag equals the policy environment.`,
  severity: "low",
  benchmarks: { psrule: ["Azure.Resource.UseTags"] },
  remediationSteps: "Tags come from registerPlatformTags (components/tags.ts); pass `tags: args.tags` through instead of overriding them.",
  types: "*",
  config: { requiredTags: { type: "array", items: { type: "string" }, default: [...REQUIRED_TAG_KEYS] } },
  check(props, ctx, report) {
    if (!ctx.args.type.startsWith("azure-native:")) return;
    if (!("location" in props) && !("tags" in props)) return;
    const tags = (props["tags"] ?? {}) as Record<string, unknown>;
    const missing = (ctx.config["requiredTags"] as string[]).filter((k) => typeof tags[k] !== "string" || tags[k] === "");
    if (missing.length) report(`missing required tags: ${missing.join(", ")}`);
    if (typeof tags["environment"] === "string" && tags["environment"] !== ctx.env) {
      report(`environment tag is "${tags["environment"]}" but the policy environment is "${ctx.env}"`);
    }
  },
});
