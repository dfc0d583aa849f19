/**
 * Azure Resource Manager IDs, parsed in one place:
 *
 *   /subscriptions/<sub>
 *   /subscriptions/<sub>/resourceGroups/<rg>
 *   [/subscriptions/<sub>[/resourceGroups/<rg>]]/providers/<Namespace>/<type>/<name>[/<childType>/<childName>]…
 *   <any of the above>/providers/<Namespace>/<type>/<name>…   (an extension resource, e.g. a role assignment)
 *
 * ARM is case-insensitive in the fixed segments (it answers `resourcegroups`, `Providers` at times); names and
 * types keep the case they were given.
 */
export interface ResourceId {
  subscriptionId: string | undefined;
  resourceGroupName: string | undefined;
  /** Resource provider namespace: `Microsoft.KeyVault`; `Microsoft.Resources` for a subscription or resource group. */
  provider: string;
  /** Resource types from the provider's top-level type down: `["vaults", "secrets"]`. */
  types: string[];
  /** The names that go with `types`, position for position: `["kv-dp-dev", "db-password"]`. */
  names: string[];
  /** The full resource type: `Microsoft.KeyVault/vaults/secrets`. */
  type: string;
  /** The resource's own name: the last of `names`. */
  name: string;
  /**
   * The ID this resource lives in: the resource group, the subscription, nothing (tenant level), or for an extension
   * resource the resource it extends.
   */
  scope: string | undefined;
}

export class ResourceIdError extends Error {
  constructor(id: string, problem: string) {
    super(`"${id}" is not an Azure resource ID: ${problem}`);
    this.name = "ResourceIdError";
  }
}

const RESOURCES_PROVIDER = "Microsoft.Resources";

/** Parses an ARM ID; throws a ResourceIdError saying what is wrong. With `expectedType`, also checks the type. */
export function parseResourceId(id: string, expectedType?: string): ResourceId {
  if (!id.startsWith("/")) throw new ResourceIdError(id, "it must start with /");
  const segments = id.slice(1).split("/");
  if (segments.some((s) => s === "")) throw new ResourceIdError(id, "it has an empty segment");

  let subscriptionId: string | undefined;
  let resourceGroupName: string | undefined;
  let at = 0;
  if (is(segments[at], "subscriptions")) {
    subscriptionId = nameAfter(id, segments, at);
    at += 2;
    if (is(segments[at], "resourceGroups")) {
      resourceGroupName = nameAfter(id, segments, at);
      at += 2;
    }
  }

  let parsed: ResourceId | undefined;
  if (subscriptionId !== undefined) {
    parsed = resourceGroupName === undefined
      ? resource(subscriptionId, undefined, RESOURCES_PROVIDER, ["subscriptions"], [subscriptionId], undefined)
      : resource(subscriptionId, resourceGroupName, RESOURCES_PROVIDER, ["resourceGroups"], [resourceGroupName], subscriptionScopeId(subscriptionId));
  }
  // Each `providers/<Namespace>/<type>/<name>…` run names a resource; a later run is an extension of the earlier one.
  while (at < segments.length) {
    if (!is(segments[at], "providers")) throw new ResourceIdError(id, `expected "providers" where "${segments[at]}" is`);
    const provider = segments[at + 1];
    if (provider === undefined) throw new ResourceIdError(id, "providers has no namespace");
    const end = nextProviders(segments, at + 2);
    const pairs = segments.slice(at + 2, end);
    if (pairs.length === 0) throw new ResourceIdError(id, `${provider} names no resource type`);
    if (pairs.length % 2 !== 0) throw new ResourceIdError(id, `resource type "${pairs[pairs.length - 1]}" has no name`);
    const scope = at === 0 ? undefined : `/${segments.slice(0, at).join("/")}`;
    parsed = resource(subscriptionId, resourceGroupName, provider, pairs.filter((_, i) => i % 2 === 0), pairs.filter((_, i) => i % 2 === 1), scope);
    at = end;
  }
  if (!parsed) throw new ResourceIdError(id, "it names neither a subscription nor a provider resource");
  if (expectedType !== undefined && !isResourceType(parsed, expectedType)) {
    throw new ResourceIdError(id, `expected a ${expectedType}, found a ${parsed.type}`);
  }
  return parsed;
}

/** Like parseResourceId, but undefined instead of an error: for checks that report rather than throw. */
export function tryParseResourceId(id: unknown): ResourceId | undefined {
  if (typeof id !== "string") return undefined;
  try {
    return parseResourceId(id);
  } catch (err) {
    if (err instanceof ResourceIdError) return undefined;
    throw err;
  }
}

/** Case-insensitive, as ARM compares types: `isResourceType(id, "Microsoft.KeyVault/vaults")`. */
export function isResourceType(id: ResourceId, type: string): boolean {
  return id.type.toLowerCase() === type.toLowerCase();
}

/** The ID of a subscription, `/subscriptions/<sub>`: the scope of subscription-level resources such as role definitions. */
export function subscriptionScopeId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

/** The ID of a resource group. */
export function resourceGroupId(subscriptionId: string, resourceGroupName: string): string {
  return `${subscriptionScopeId(subscriptionId)}/resourceGroups/${resourceGroupName}`;
}

/** The ID of a provider resource inside `scope` (a subscription, a resource group or, for an extension, a resource). */
export function providerResourceId(scope: string, provider: string, typesAndNames: readonly (readonly [type: string, name: string])[]): string {
  const path = typesAndNames.map(([type, name]) => `${type}/${name}`).join("/");
  return `${scope.replace(/\/+$/, "")}/providers/${provider}/${path}`;
}

function resource(
  subscriptionId: string | undefined,
  resourceGroupName: string | undefined,
  provider: string,
  types: string[],
  names: string[],
  scope: string | undefined,
): ResourceId {
  return {
    subscriptionId,
    resourceGroupName,
    provider,
    types,
    names,
    type: [provider, ...types].join("/"),
    name: names[names.length - 1]!,
    scope,
  };
}

function nameAfter(id: string, segments: string[], at: number): string {
  const name = segments[at + 1];
  if (name === undefined) throw new ResourceIdError(id, `${segments[at]} has no name`);
  return name;
}

function nextProviders(segments: string[], from: number): number {
  // Types and names alternate, so a "providers" segment only starts a new run where a type would stand.
  for (let i = from; i < segments.length; i += 2) if (is(segments[i], "providers")) return i;
  return segments.length;
}

function is(segment: string | undefined, keyword: string): boolean {
  return segment?.toLowerCase() === keyword.toLowerCase();
}
