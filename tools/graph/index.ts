import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { type Dirent, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT, readProjectName, readStackConfig } from "./stack-config";
import type { EvaluationResult, Graph } from "./types";
import type { EvaluateOptions } from "./evaluate";

export * from "./types";
export { azureState, refreshDiffs, type AzureReadModel, type ResourceDiff } from "./round-trip";
export { listStacks, readStackConfig, PROJECT_ROOT } from "./stack-config";

const run = promisify(execFile);
const CACHE_DIR = join(PROJECT_ROOT, ".tmp", "graph-cache");
/** What the graph depends on: a change to any of these files invalidates cached graphs. */
// flows/src and flows/requirements.lock: components/orchestrator/images.ts reads them when the program runs.
const SOURCE_DIRS = ["components", "contracts", "lib", "stacks", "tools/graph", "gateway/src", "flows/src"];
/** Never sources: dependencies, git's store, this cache itself (other test workers write to it) and build output. */
const IGNORED_DIRS = new Set(["node_modules", ".git", ".tmp", "dist", "__pycache__"]);

export interface StackEvaluation {
  /** Config to evaluate instead of the stack file's (tests use this for bad-config and mutation cases). */
  config?: Record<string, string>;
  /** Skip the content-addressed cache and evaluate afresh. */
  fresh?: boolean;
  /** Evaluate another checkout of this project (the offline PR diff). */
  root?: string;
  /** Evaluate another Pulumi project in this checkout (e.g. `bootstrap/`): its directory and main file, relative to root. */
  project?: { dir: string; main: string };
  /** The state the mocks answer for custom resources (the refresh round trip, round-trip.ts). Default: none. */
  state?: EvaluateOptions["state"];
}

/**
 * Evaluates a stack's program in a child process (each evaluation needs a fresh Pulumi runtime) and returns the
 * result. Graphs of unmodified stack files are cached under .tmp/, keyed by a hash of every source they depend on.
 */
export async function evaluateStack(stack: string, options: StackEvaluation = {}): Promise<EvaluationResult> {
  const root = options.root ?? PROJECT_ROOT;
  const projectRoot = options.project ? join(root, options.project.dir) : root;
  const config = options.config ?? readStackConfig(stack, projectRoot);
  const project = readProjectName(projectRoot);
  const programPath = options.project ? join(projectRoot, options.project.main) : join(root, "stacks", "index.ts");
  const request = { project, stack, config, programPath, ...(options.state ? { state: options.state } : {}) };
  const key = createHash("sha256")
    .update(JSON.stringify(request))
    .update(sourceFingerprint(root, options.project))
    .digest("hex")
    .slice(0, 24);
  const cached = join(CACHE_DIR, `${stack}-${key}.json`);
  if (!options.fresh) {
    try {
      return JSON.parse(readFileSync(cached, "utf8")) as EvaluationResult;
    } catch {
      // not cached yet
    }
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const out = join(tmpdir(), `dataplatform-graph-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  try {
    // A failed program leaves Pulumi's leaked-promise check to fail the child's exit code after the result is
    // written; the result file, not the exit code, says what happened.
    // The request goes through a file: with a refresh state it outgrows one argument (Linux MAX_ARG_STRLEN, 128 KiB:
    // spawn E2BIG once the prod stack's state passed that size).
    writeFileSync(`${out}.request`, JSON.stringify(request));
    const crash = await run(process.execPath, ["--import", "tsx", join(__dirname, "child.ts"), `@${out}.request`, out], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, PULUMI_CONFIG: undefined },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    let text: string;
    try {
      text = readFileSync(out, "utf8");
    } catch {
      throw crash ?? new Error("the evaluation wrote no result");
    }
    const result = JSON.parse(text) as EvaluationResult;
    writeFileSync(`${cached}.${process.pid}`, text);
    renameSync(`${cached}.${process.pid}`, cached);
    return result;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(`evaluating stack ${stack} crashed: ${stderr || String(error)}`);
  } finally {
    rmSync(out, { force: true });
    rmSync(`${out}.request`, { force: true });
  }
}

/** Evaluates a stack that must succeed; throws with the program's error otherwise. */
export async function stackGraph(stack: string, options: StackEvaluation = {}): Promise<Graph> {
  const result = await evaluateStack(stack, options);
  if (!result.ok) throw new Error(`stack ${stack} failed to evaluate:\n${result.failure.error}`);
  return result.graph;
}

/**
 * The files a graph depends on, relative to `root`: the program's source folders, the project and lock files, the
 * built Worker, and for another project its own folder, or, when that "project" is the repository root with a fixture
 * as its main file, just that file (its imports from the source folders are covered by them). Dependency, git, cache
 * and build folders are never walked, and a file deleted while walking (another test worker's cache rename) is skipped.
 */
export function sourceFiles(root: string, project?: { dir: string; main: string }): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDirectory = statSync(join(root, path)).isDirectory();
        } catch {
          continue;
        }
      }
      if (!isDirectory) files.push(path);
      else if (!IGNORED_DIRS.has(entry.name)) walk(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  if (project) {
    const dir = normalize(project.dir);
    if (dir !== "." && dir !== "./") walk(dir);
    files.push(normalize(join(dir, project.main)));
  }
  files.push("Pulumi.yaml", "package-lock.json", join("gateway", "dist", "worker.js"), join("flows", "requirements.lock"));
  return [...new Set(files)].sort();
}

/** A hash of the names and contents of {@link sourceFiles}; a file missing by the time it is read hashes as missing. */
export function sourceFingerprint(root: string, project?: { dir: string; main: string }): string {
  const hash = createHash("sha256");
  for (const file of sourceFiles(root, project)) {
    hash.update(file).update("\0");
    try {
      hash.update(readFileSync(join(root, file)));
    } catch {
      hash.update("<missing>");
    }
    hash.update("\0");
  }
  return hash.digest("hex");
}
