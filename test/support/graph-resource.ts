import type { GraphResource } from "../../tools/graph";

/** A custom resource as the graph harness captures it, with no options set; `over` fills in what a test cares about. */
export function graphResource(over: Partial<GraphResource> & Pick<GraphResource, "urn" | "type" | "name">): GraphResource {
  return {
    custom: true,
    dependsOn: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    additionalSecretOutputs: [],
    inputs: {},
    secretPaths: [],
    outputs: {},
    ...over,
  };
}
