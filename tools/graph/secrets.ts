const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** Replaces the SDK's wire forms (secret wrappers, resource references) with plain values, listing secret paths. */
export function unwrap(value: unknown, path = "", secretPaths: string[] = []): { value: unknown; secretPaths: string[] } {
  return { value: walk(value, path, secretPaths), secretPaths };
}

function walk(value: unknown, path: string, secretPaths: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`, secretPaths));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) {
    secretPaths.push(path || "$");
    return walk(record["value"], path, secretPaths);
  }
  if (record[SIG_KEY] === RESOURCE_SIG) return { resourceUrn: record["urn"], id: record["id"] };
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    out[key] = walk(child, path ? `${path}.${key}` : key, secretPaths);
  }
  return out;
}
