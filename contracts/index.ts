/**
 * Data shared by the program, the policy pack, the tools and the gateway Worker: constants and types only, no SDKs,
 * no side effects. Each file is one contract; import the file you need where bundle size matters (the Worker).
 */
export * from "./environments";
export * from "./gateway";
export * from "./gateway-bundle";
export * from "./microsoft-graph";
export * from "./naming-rules";
export * from "./resource-types";
export * from "./roles";
export * from "./tags";
