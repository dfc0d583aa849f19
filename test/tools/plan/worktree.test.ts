import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { PROJECT_ROOT } from "../../../tools/graph";
import { withWorktree } from "../../../tools/plan/worktree";

/** Registered worktrees. Other test workers add and remove their own: only the one this test saw is checked. */
function worktrees(): string[] {
  return execFileSync("git", ["-C", PROJECT_ROOT, "worktree", "list", "--porcelain"]).toString().split("\n")
    .filter((l) => l.startsWith("worktree ")).map((l) => l.slice("worktree ".length));
}

describe("the base revision's temporary worktree", () => {
  const commit = execFileSync("git", ["-C", PROJECT_ROOT, "rev-parse", "HEAD"]).toString().trim();

  it("is checked out with this checkout's node_modules, and removed and unregistered afterwards", async () => {
    let seen = "";
    await withWorktree(commit, async (root) => {
      seen = root;
      assert.ok(existsSync(join(root, "Pulumi.yaml")));
      assert.ok(existsSync(join(root, "node_modules", "@pulumi", "pulumi")));
      assert.ok(worktrees().includes(root));
    });
    assert.ok(seen);
    assert.equal(existsSync(seen), false, `${seen} left behind`);
    assert.ok(!worktrees().includes(seen), `${seen} still registered`);
  });

  it("is removed when the work in it fails", async () => {
    let seen = "";
    await assert.rejects(
      withWorktree(commit, async (root) => {
        seen = root;
        throw new Error("evaluation failed");
      }),
      /evaluation failed/,
    );
    assert.equal(existsSync(seen), false, `${seen} left behind`);
    assert.ok(!worktrees().includes(seen), `${seen} still registered`);
  });
});
