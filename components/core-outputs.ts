import * as pulumi from "@pulumi/pulumi";

/**
 * What every platform component returns about its main resource, like Azure Verified Modules' `resourceId`, `name`
 * and `location` outputs. Consumers take the component itself (or a `Pick` of it), not a bag of its fields.
 */
export interface CoreOutputs {
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly location: pulumi.Output<string>;
}

/** A main resource's location: some azure-native types declare it optional, though every platform resource sets it. */
export function locationOf(resource: { location: pulumi.Output<string | undefined> }, requested: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.all([resource.location, requested]).apply(([actual, fallback]) => actual ?? fallback);
}
