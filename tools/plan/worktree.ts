import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../graph";

/**
 * Checks `ref` out into a temporary detached git worktree (sharing this checkout's node_modules through a symlink,
 * and building the gateway bundle if that revision has one to build), runs `fn` on its root and always removes it.
 */
export async function withWorktree<T>(ref: string, fn: (root: string) => Promise<T>): Promise<T> {
  const git = (...args: string[]) => execFileSync("git", ["-C", PROJECT_ROOT, ...args], { stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
  const commit = git("rev-parse", "--verify", `${ref}^{commit}`);
  const root = mkdtempSync(join(tmpdir(), "dataplatform-base-"));
  rmSync(root, { recursive: true, force: true });
  git("worktree", "add", "--detach", root, commit);
  try {
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(root, "node_modules"), "dir");
    if (existsSync(join(root, "gateway", "build.ts")) && !existsSync(join(root, "gateway", "dist", "worker.js"))) {
      execFileSync(process.execPath, ["--import", "tsx", "gateway/build.ts"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    }
    return await fn(root);
  } finally {
    try {
      git("worktree", "remove", "--force", root);
    } catch {
      rmSync(root, { recursive: true, force: true });
      git("worktree", "prune");
    }
  }
}

export function describeRef(ref: string): string {
  try {
    const sha = execFileSync("git", ["-C", PROJECT_ROOT, "rev-parse", "--short", `${ref}^{commit}`]).toString().trim();
    return `\`${ref}\` (${sha})`;
  } catch {
    return `\`${ref}\``;
  }
}
