import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { deflateSync } from "node:zlib";

/**
 * Everything the orchestrator's containers run, pinned: each image by digest (a tag can be moved; a digest cannot) and
 * every Python package by exact version AND sha256, taken from the lock the flow tests run (flows/requirements.lock).
 *
 * Decision (issue 11 point 1, session 3 S1): the Prefect containers run the official Python 3.11 image (the Python of
 * the flows and their tests) by digest, and at start install the hashed lock's runtime group — plus, for the server,
 * its server group (prefect-azure) — with `pip install --require-hashes --no-deps --only-binary=:all:`, then exec the
 * Prefect command. So the apps run exactly the versions, and the very files (sha256), that pytest ran
 * (scripts/test-flows installs the same lock the same way).
 * - Not `prefecthq/prefect:<v>-python3.11`: no digest of a 3.9.1-python3.11 tag can be read here (no registry access)
 *   and none is published in the code index; and its entrypoint installs `EXTRA_PIP_PACKAGES` as bare requirement
 *   words, without hashes (PrefectHQ/prefect scripts/entrypoint.sh: `pip install $EXTRA_PIP_PACKAGES`; newer images
 *   use uv), i.e. the earlier design's weak point.
 * - Not a derived image in a private registry: it would make starts independent of PyPI but needs a Premium ACR (private
 *   endpoint), an AcrPull identity per app and a CI build before the first `up`. Revisit when start time or PyPI's
 *   availability ever costs a start.
 * - Hash-checking mode: "Hashes are required for all requirements"; with --only-binary no build code runs
 *   (pip docs, https://pip.pypa.io/en/stable/topics/secure-installs/). --no-deps: the lock is the complete closure
 *   (flows/lock.py), so pip resolves nothing at start.
 * Cost, stated plainly: every start of a Prefect container downloads its wheels from PyPI through the environment's NAT
 * gateway (components/network) and fails if PyPI is unreachable — server: runtime + server groups, worker and
 * configure: the runtime group (sizes and measured install time in docs/components.md, "Prefect runtime").
 */

const ROOT = join(__dirname, "..", "..");
const LOCK_FILE = join(ROOT, "flows", "requirements.lock");
const FLOWS_PACKAGE_DIR = join(ROOT, "flows", "src", "dataplatform_flows");
const VARIABLES_CONTRACT = join(ROOT, "contracts", "prefect-variables.json");

/**
 * `python:3.11-slim-bookworm` (Python 3.11.16, Debian 12 like the CI machine, glibc 2.36 — the lock's platform) by its
 * OCI index digest, as recorded by Docker Official Images in docker-library/repo-info
 * repos/python/remote/3.11-slim-bookworm.md (commit 33a22f41ac7bf613bc03380b0317536a9a7fb5e8; amd64 manifest
 * sha256:2fc9207f…, 47.8 MB compressed); the same digest is pinned in other public repositories' Dockerfiles. Re-check
 * with `docker buildx imagetools inspect docker.io/library/python:3.11-slim-bookworm` when bumping.
 */
export const PYTHON_IMAGE =
  "docker.io/library/python:3.11-slim-bookworm@sha256:0bee7276f83efd4a1ee05bbbf4281d95ed28e079220a9457f25a93e3f1e3c31b";
/** The image every Prefect container (server, worker, configure) runs. */
export const PREFECT_IMAGE = PYTHON_IMAGE;
/** The Python minor of PYTHON_IMAGE: flows/pyproject.toml `requires-python` and scripts/test-flows use the same. */
export const PYTHON_MINOR = "3.11";

/**
 * `cloudflare/cloudflared:2025.8.1` by digest (the same digest is pinned in several public repositories; re-check with
 * `docker buildx imagetools inspect` when bumping — Workers VPC may require a newer connector, see the gateway).
 */
export const CLOUDFLARED_IMAGE =
  "docker.io/cloudflare/cloudflared:2025.8.1@sha256:b77d84e8704db38db22c22661cf7e56468c526e3a6a5fe9c8b7c151452fa1472";

/** `<registry>/<repository>:<tag>@sha256:<64 hex>`: what every container image must look like. */
export const PINNED_IMAGE = /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+:[\w.-]+@sha256:[0-9a-f]{64}$/;
/** An exact `name==version` requirement (nothing else: no ranges, no URLs, no extras that could pull more). */
export const PINNED_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.+-]*$/;
/** One line of the lock: an exact requirement and the sha256 of its one wheel. */
export const HASHED_REQUIREMENT = /^([A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.+-]*) --hash=sha256:[0-9a-f]{64}$/;

/**
 * Linux refuses to exec a process when one argument or one `NAME=value` environment string is longer than
 * MAX_ARG_STRLEN = 32 pages = 128 KiB (torvalds/linux include/uapi/linux/binfmts.h `#define MAX_ARG_STRLEN
 * (PAGE_SIZE * 32)`): every string this module puts into a container must stay below it (asserted below and in
 * test/components/orchestrator/server-start.test.ts on every stack's graph).
 */
export const MAX_ARG_STRLEN = 128 * 1024;

export type LockGroup = "runtime" | "server" | "dev";
const GROUPS: readonly LockGroup[] = ["runtime", "server", "dev"];

/** The lock's lines by group (`# [runtime]`, `# [server]`, `# [dev]`, written by flows/lock.py); bad lines are errors. */
export function parseLock(text: string, source = "flows/requirements.lock"): Record<LockGroup, string[]> {
  const groups: Record<LockGroup, string[]> = { runtime: [], server: [], dev: [] };
  let current: LockGroup | undefined;
  const problems: string[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    const header = /^# \[(\w+)\]$/.exec(line);
    if (header) {
      if (!GROUPS.includes(header[1] as LockGroup)) problems.push(`line ${index + 1}: unknown group [${header[1]}]`);
      else current = header[1] as LockGroup;
      return;
    }
    if (line === "" || line.startsWith("#")) return;
    if (!HASHED_REQUIREMENT.test(line)) problems.push(`line ${index + 1}: not "name==version --hash=sha256:<hex>": ${line}`);
    else if (!current) problems.push(`line ${index + 1}: requirement before any "# [group]" header: ${line}`);
    else groups[current].push(line);
  });
  if (groups.runtime.length === 0) problems.push("no [runtime] group");
  if (problems.length > 0) throw new Error(`orchestrator: ${source} is not a lock flows/lock.py wrote:\n  ${problems.join("\n  ")}`);
  return groups;
}

/** The lock, read when the program runs: the one source of every Python version the apps and the tests run. */
export const LOCK = parseLock(readFileSync(LOCK_FILE, "utf8"));

/** `name==version` → version, for a package in the given lines (canonical-name match, PEP 503). */
export function lockedVersion(lines: readonly string[], name: string): string | undefined {
  const canonical = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");
  for (const line of lines) {
    const [requirement] = line.split(" ");
    const [n, v] = requirement!.split("==");
    if (canonical(n!) === canonical(name)) return v;
  }
  return undefined;
}

/** The Prefect version every container runs: the lock's (the one the flow tests start). */
export const PREFECT_VERSION: string =
  lockedVersion(LOCK.runtime, "prefect") ?? (() => { throw new Error("orchestrator: flows/requirements.lock has no prefect in [runtime]"); })();

/** The requirement file each role installs at start (pip's format, hashes included). */
export function roleRequirements(role: PrefectRole): string[] {
  return role === "server" ? [...LOCK.runtime, ...LOCK.server] : [...LOCK.runtime];
}

/**
 * The flows package (flows/src/dataplatform_flows plus the variable-name contract the wheel force-includes) as one
 * deterministic string: zlib(JSON of path → text, paths sorted) in base64. Any change to flow code changes it, so the
 * worker's template changes and Container Apps makes a new revision (the flows reach the worker without a registry or
 * a package index). Unpacked at start into DATAPLATFORM_FLOWS_DIR, which is on PYTHONPATH (the process worker's flow
 * runs inherit the environment).
 */
export function flowsPackage(): string {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "__pycache__") walk(path);
      } else if (!entry.name.endsWith(".pyc")) {
        files[["dataplatform_flows", ...relative(FLOWS_PACKAGE_DIR, path).split(sep)].join("/")] = readFileSync(path, "utf8");
      }
    }
  };
  walk(FLOWS_PACKAGE_DIR);
  files["dataplatform_flows/prefect-variables.json"] = readFileSync(VARIABLES_CONTRACT, "utf8");
  const sorted = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]!]));
  return deflateSync(Buffer.from(JSON.stringify(sorted), "utf8"), { level: 9 }).toString("base64");
}

const FLOWS_PACKAGE = flowsPackage();

/** Where the worker and configure containers unpack the flows package (writable in the image; on PYTHONPATH). */
export const FLOWS_DIR = "/tmp/dataplatform-flows";

/**
 * The container's start, before the Prefect command (`args`): write the role's hashed requirements to a file, install
 * them (hash-checking mode, wheels only, no resolution), unpack the flows package if the role has one, then exec
 * `args` (so the Prefect process is PID 1's successor and gets the platform's signals). Python, not sh: no quoting.
 */
export const BOOTSTRAP = [
  "import base64, json, os, subprocess, sys, tempfile, zlib",
  "from pathlib import Path",
  "env = os.environ",
  "with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:",
  "    f.write(env['DATAPLATFORM_REQUIREMENTS'])",
  "pip = [sys.executable, '-m', 'pip', 'install', '--no-cache-dir', '--disable-pip-version-check', '--no-input',",
  "       '--root-user-action=ignore', '--require-hashes', '--no-deps', '--only-binary=:all:', '-r', f.name]",
  "if subprocess.run(pip).returncode != 0:",
  "    sys.exit('dataplatform: installing the locked requirements failed (see pip above)')",
  "if env.get('DATAPLATFORM_FLOWS_PACKAGE'):",
  "    root = Path(env['DATAPLATFORM_FLOWS_DIR'])",
  "    for name, text in json.loads(zlib.decompress(base64.b64decode(env['DATAPLATFORM_FLOWS_PACKAGE']))).items():",
  "        (root / name).parent.mkdir(parents=True, exist_ok=True)",
  "        (root / name).write_text(text, encoding='utf-8')",
  "if len(sys.argv) < 2:",
  "    sys.exit('dataplatform: no command to run after the install (the container args are empty)')",
  "os.execvp(sys.argv[1], sys.argv[1:])",
].join("\n");

export type PrefectRole = "server" | "worker" | "configure";

/** What a Prefect container runs: its image, the command that prepares it (may be absent) and the env that needs. */
export interface PrefectRuntime {
  readonly image: string;
  /** Container `command`; absent: the image's entrypoint runs and `args` follow it. */
  readonly command?: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
}

/**
 * The one place that decides how each Prefect container starts (server, domain worker, the configuring init container).
 * Callers put their own `prefect …` invocation in `args` (`python -c BOOTSTRAP prefect …` execs it: Container Apps'
 * `command` overrides the image's ENTRYPOINT and `args` are its arguments — "Command Override in Azure Container Apps",
 * https://techcommunity.microsoft.com/blog/appsonazureblog/command-override-in-azure-container-apps-container-app-job/4082514;
 * ARM: Container.command "Container start command", Container.args "Container start command arguments").
 */
export function prefectRuntime(role: PrefectRole): PrefectRuntime {
  const env = [{ name: "DATAPLATFORM_REQUIREMENTS", value: `${roleRequirements(role).join("\n")}\n` }];
  if (role !== "server") {
    env.push(
      { name: "DATAPLATFORM_FLOWS_PACKAGE", value: FLOWS_PACKAGE },
      { name: "DATAPLATFORM_FLOWS_DIR", value: FLOWS_DIR },
      { name: "PYTHONPATH", value: FLOWS_DIR },
    );
  }
  return { image: PREFECT_IMAGE, command: ["python", "-c", BOOTSTRAP], env };
}

for (const image of [PREFECT_IMAGE, CLOUDFLARED_IMAGE]) {
  if (!PINNED_IMAGE.test(image)) throw new Error(`orchestrator: image "${image}" is not pinned by digest`);
}
for (const role of ["server", "worker", "configure"] as const) {
  const runtime = prefectRuntime(role);
  for (const text of [...(runtime.command ?? []), ...runtime.env.map((e) => `${e.name}=${e.value}`)]) {
    if (Buffer.byteLength(text, "utf8") + 1 > MAX_ARG_STRLEN) {
      throw new Error(`orchestrator: a ${role} container string is ${Buffer.byteLength(text)} bytes, over Linux's MAX_ARG_STRLEN (128 KiB): ${text.slice(0, 60)}…`);
    }
  }
}
