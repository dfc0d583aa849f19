import * as pulumi from "@pulumi/pulumi";

/** Where a component's children lived before the component existed: their old parent and the old name prefix. */
export interface MovedFrom {
  readonly parent: pulumi.Input<string>;
  readonly name: string;
}

/**
 * Component options whose transformation gives each child `${name}<suffix>` the alias `${movedFrom.name}<suffix>` under
 * the old parent, so resources that moved into a new component keep their state instead of being replaced (Pulumi
 * aliases: https://www.pulumi.com/docs/iac/concepts/options/aliases/). An alias that matches nothing in the state is
 * ignored, so children new with the component are unaffected.
 */
export function withMovedChildren(
  name: string,
  movedFrom: MovedFrom | undefined,
  opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.ComponentResourceOptions | undefined {
  if (!movedFrom) return opts;
  const alias: pulumi.ResourceTransformation = (child) => {
    if (!child.name.startsWith(`${name}-`)) return undefined;
    const old: pulumi.Alias = { name: `${movedFrom.name}${child.name.slice(name.length)}`, parent: movedFrom.parent };
    return { props: child.props, opts: pulumi.mergeOptions(child.opts, { aliases: [old] }) };
  };
  return { ...opts, transformations: [...(opts?.transformations ?? []), alias] };
}
