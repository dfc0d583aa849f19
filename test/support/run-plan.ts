import { spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../tools/graph";

export interface PlanRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command with stdout and stderr on pipes (never a terminal), the way `plan … | jq` does. The reader holds
 * off `readDelayMs` before consuming anything, so the pipe's 64 KiB buffer fills and the writer has to wait for it.
 */
export function runPiped(command: string, args: string[], readDelayMs = 1000): Promise<PlanRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), readDelayMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }));
  });
}

/** `tsx tools/plan.ts <args>`, piped. */
export function runPlan(args: string[]): Promise<PlanRun> {
  return runPiped(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "tools", "plan.ts"), ...args]);
}

/**
 * `scripts/npm run --silent plan -- <args>`, piped: the documented `npm run --silent plan -- <stack> --json | jq`,
 * gateway build step included, through scripts/npm as every npm command in this project (a supported Node).
 * Without --silent, npm's "> dataplatform@… plan" banner would precede the JSON on stdout.
 */
export function runNpmPlan(args: string[]): Promise<PlanRun> {
  return runPiped(join(PROJECT_ROOT, "scripts", "npm"), ["run", "--silent", "plan", "--", ...args]);
}
