import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { PROJECT_ROOT } from "../../tools/graph";

interface Manifest {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
interface Lock {
  packages: Record<string, { version?: string; peerDependencies?: Record<string, string> }>;
}

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as Manifest;
const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, "package-lock.json"), "utf8")) as Lock;
const installed = (name: string) =>
  Object.entries(lock.packages).filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`));

describe("package.json and its lock", () => {
  it("pins every dependency to an exact version", () => {
    const loose = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    assert.deepEqual(loose, []);
  });

  it("supports the Node LTS lines 22 and 24 and nothing older", () => {
    assert.equal(manifest.engines.node, "^22.12.0 || ^24.0.0");
  });

  it("has no classic @pulumi/azure: its synapse.RoleAssignment called the workspace's private dev endpoint from the deployer on every refresh (Synapse RBAC is the RBAC job's, components/synapse/rbac-job.ts)", () => {
    assert.equal(manifest.dependencies["@pulumi/azure"], undefined);
    assert.deepEqual(installed("@pulumi/azure").map(([path]) => path), []);
  });

  it("resolves one @pulumi/pulumi for the program and every provider (two copies split the resource registry)", () => {
    const copies = installed("@pulumi/pulumi");
    assert.deepEqual(copies.map(([path]) => path), ["node_modules/@pulumi/pulumi"]);
  });

  it("gives pulumi up a TypeScript and ts-node inside @pulumi/pulumi's peer ranges (else it falls back to its vendored TypeScript 3.8)", () => {
    const peers = lock.packages["node_modules/@pulumi/pulumi"]?.peerDependencies ?? {};
    assert.equal(peers["typescript"], ">= 3.8.3 < 7");
    assert.equal(peers["ts-node"], ">= 7.0.1 < 12");
    assert.match(manifest.dependencies["typescript"] ?? "", /^6\./);
    assert.match(manifest.dependencies["ts-node"] ?? "", /^(7|8|9|10|11)\./);
  });
});
