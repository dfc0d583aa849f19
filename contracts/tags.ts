/** Tags the platform owns on every tracked resource; config may add others but not override these. */
export const REQUIRED_TAG_KEYS = ["environment", "project", "owner", "cost-center", "managed-by"] as const;

export type RequiredTagKey = (typeof REQUIRED_TAG_KEYS)[number];
