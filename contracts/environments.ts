/** The environments a stack (and the policy pack's config) can be: one stack each, named after it. */
export const ENVIRONMENTS = ["dev", "test", "prod"] as const;

export type Environment = (typeof ENVIRONMENTS)[number];
