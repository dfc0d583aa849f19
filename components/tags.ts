import * as pulumi from "@pulumi/pulumi";

/**
 * Applies the platform's tags to every azure-native resource whose type accepts `tags`.
 *
 * It is a stack transformation rather than a `transforms` hook because transformations run inside the SDK (so they
 * hold under `pulumi.runtime.setMocks` and are proven by the graph tests), while `transforms` run in the engine.
 * azure-native constructors always set a `tags` key on taggable resources (undefined when not given), so the key's
 * presence is the exact test of "accepts tags". The platform's tags (the required keys and the config's extra tags)
 * are merged last, so they win over a tag of the same key that the resource sets itself; its other tags are kept.
 */
export function registerPlatformTags(tags: Record<string, string>): void {
  pulumi.runtime.registerStackTransformation((args) => {
    if (!args.type.startsWith("azure-native:") || !("tags" in args.props)) return undefined;
    const own = args.props["tags"] as pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
    const merged = pulumi.output(own ?? {}).apply((resourceTags) => ({ ...resourceTags, ...tags }));
    return { props: { ...args.props, tags: merged }, opts: args.opts };
  });
}
