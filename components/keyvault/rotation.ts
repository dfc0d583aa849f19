/** When a key's versions expire and what Key Vault does before that (ISO 8601 periods are built from these). */
export interface KeyRotationSettings {
  /** Lifetime of each key version. */
  readonly expiryDays: number;
  /** Key Vault creates a new version this long before the current one expires. */
  readonly rotateBeforeExpiryDays: number;
  /** Event Grid `KeyNearExpiry` this long before expiry: fires only if the rotation above did not happen. */
  readonly notifyBeforeExpiryDays: number;
}

/** Azure's limits for a key rotation policy (https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation). */
export function rotationProblems(r: KeyRotationSettings): string[] {
  const problems: string[] = [];
  if (r.expiryDays < 28) problems.push(`expiryDays ${r.expiryDays}: a rotation policy's expiry time is at least 28 days`);
  if (r.rotateBeforeExpiryDays < 7) problems.push("rotateBeforeExpiryDays must be at least 7");
  if (r.expiryDays - r.rotateBeforeExpiryDays < 7) problems.push("rotation must come at least 7 days after a version is created");
  if (r.notifyBeforeExpiryDays < 7) problems.push("notifyBeforeExpiryDays must be at least 7");
  if (r.notifyBeforeExpiryDays >= r.rotateBeforeExpiryDays) {
    problems.push("notifyBeforeExpiryDays must be below rotateBeforeExpiryDays: the notice is the alarm for a rotation that did not happen");
  }
  return problems;
}
