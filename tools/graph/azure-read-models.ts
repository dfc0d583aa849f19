import { addDays, unixSeconds } from "../../lib/dates";
import { mockUuid } from "./mock-state";
import type { AzureReadModel, Props } from "./round-trip";
import type { GraphResource } from "./types";

/**
 * What Azure answers to a GET where that differs from what the program wrote: documented service behaviour only
 * (round-trip.ts says what a missing model means). Each model starts from the outputs at the last write.
 */
export const AZURE_READ_MODELS: Readonly<Record<string, AzureReadModel>> = {
  // Keys_Get "Gets the current version of the specified key" and Key Vault's rotation policy creates new versions
  // (https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation): after a rotation the GET
  // answers the new version's attributes. The rotation policy and the key type, size and operations stay as first
  // written: Keys_CreateIfNotExist never updates an existing key (keyvault stable/2024-11-01 keys.json).
  "azure-native:keyvault:Key": (r) => rotatedKey(r),
  // The managed VNet's properties are all read-only and filled in by the service (vNetId, alias: datafactory
  // stable/2018-06-01 entityTypes/ManagedVirtualNetwork.json); the generic resource's `properties` is untyped.
  "azure-native:resources:Resource": (r) =>
    r.inputs["resourceType"] === "managedVirtualNetworks"
      ? { ...r.outputs, properties: { ...(r.outputs["properties"] as Props), vNetId: mockUuid(`${r.urn}#vnet`), alias: `${String(r.inputs["resourceName"])}-${mockUuid(r.urn).slice(0, 8)}` } }
      : r.outputs,
};

function rotatedKey(r: GraphResource): Props {
  const properties = (r.outputs["properties"] ?? {}) as Props;
  const attributes = (properties["attributes"] ?? {}) as Props;
  const policy = properties["rotationPolicy"] as { attributes?: { expiryTime?: string } } | undefined;
  const lifetime = Number(/^P(\d+)D$/.exec(policy?.attributes?.expiryTime ?? "")?.[1] ?? 90);
  const created = "2026-03-01T00:00:00Z";
  const next = { ...attributes, expires: unixSeconds(addDays(created, lifetime)), created: unixSeconds(created), updated: unixSeconds(created) };
  return { ...r.outputs, attributes: next, properties: { ...properties, attributes: next } };
}
