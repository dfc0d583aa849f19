/**
 * Where `npm run build:gateway` (gateway/build.ts) writes the Worker, relative to the project root; the Gateway
 * component deploys that file. Relative so this module stays free of Node globals.
 */
export const GATEWAY_BUNDLE_PATH = "gateway/dist/worker.js";

/** The bundle's module name on Cloudflare (`mainModule` of the Workers script). */
export const GATEWAY_MAIN_MODULE = "worker.js";
