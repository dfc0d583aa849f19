// jose ships only as an ES module and this package is CommonJS: Node ≥ 20.19 loads it through require().
export type Jose = typeof import("jose", { with: { "resolution-mode": "import" } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const jose: Jose = require("jose");
export type PrivateKey = Awaited<ReturnType<Jose["generateKeyPair"]>>["privateKey"];
export type { JWK, JWTPayload } from "jose" with { "resolution-mode": "import" };
