import type { GraphResource } from "../../tools/graph";
import { graphResource } from "../support/graph-resource";

const SUB = "/subscriptions/00000000-0000-4000-8000-00000000c0de";
export const RG = "rg-dataplatform-dev-weu";
export const RG_ID = `${SUB}/resourceGroups/${RG}`;
export const TAGS = { environment: "dev", project: "dataplatform", owner: "o@contoso.com", "cost-center": "CC-1", "managed-by": "pulumi" };

/** A hand-made graph resource: what the capture would record for a custom resource with these inputs. */
export function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<GraphResource> = {}): GraphResource {
  const [, module, kind] = type.split(":") as [string, string, string];
  return graphResource({
    urn: `urn:pulumi:dev::dataplatform::${type}::${name}`,
    type,
    name,
    inputs,
    id: `${RG_ID}/providers/Microsoft.${module}/${kind}/${name}`,
    ...extra,
  });
}

export const tracked = { resourceGroupName: RG, location: "westeurope", tags: TAGS };

export function resourceGroup(protect = true): GraphResource {
  return res("azure-native:resources:ResourceGroup", "rg", { resourceGroupName: RG, location: "westeurope", tags: TAGS }, { protect, id: RG_ID });
}

/** A diagnostic setting pointing at `target` (through the property dependency and the resolved ID). */
export function diagnosticsFor(target: GraphResource): GraphResource {
  return res(
    "azure-native:monitor:DiagnosticSetting",
    `${target.name}-diag`,
    { resourceUri: target.id, workspaceId: `${RG_ID}/providers/Microsoft.OperationalInsights/workspaces/log` },
    { propertyDependencies: { resourceUri: [target.urn] } },
  );
}

export function lockFor(target: GraphResource, level = "CanNotDelete"): GraphResource {
  return res(
    "azure-native:authorization:ManagementLockByScope",
    `${target.name}-lock`,
    { scope: target.id, level },
    { propertyDependencies: { scope: [target.urn] } },
  );
}

/** Deep copy with one path set (dot path; creates objects on the way). */
export function mutate(resource: GraphResource, path: string, value: unknown): GraphResource {
  const copy = structuredClone(resource);
  const keys = path.split(".");
  let node = copy.inputs as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[keys[keys.length - 1]!];
  else node[keys[keys.length - 1]!] = value;
  return copy;
}
