/**
 * Everything the orchestrator's containers run, pinned: each image by digest (a tag can be moved; a digest cannot) and
 * every Python package installed at start by exact version, so a start never resolves anything new.
 *
 * Decision (issue 11, point 1): the official Prefect image, pinned by digest, plus a closed, exact list of the packages
 * prefect-azure adds — not a derived image in a private registry. A derived image would make starts independent of
 * PyPI, but needs a registry (Premium ACR for a private endpoint), an AcrPull identity per app and a CI build job
 * before the first `up`; the pinned list runs the same versions with none of that. The cost, stated plainly:
 * each server start downloads ~20 wheels from PyPI through the environment's NAT gateway (components/network) and
 * fails if PyPI is unreachable. Revisit (derived image) if that ever costs a start.
 */

/** Prefect server and worker version: the image tag and the `prefect==` pin below must agree. */
export const PREFECT_VERSION = "3.8.1";

/**
 * `prefecthq/prefect:3.8.1-python3.13` by digest (the digest as pinned in a public repository found through the code
 * index; re-check with `docker buildx imagetools inspect docker.io/prefecthq/prefect:3.8.1-python3.13` when bumping).
 * Prefect >= 3.7 reads `PREFECT_PLUGINS_ENABLED` (PrefectHQ/prefect src/prefect/settings/models/plugins.py).
 */
export const PREFECT_IMAGE =
  "docker.io/prefecthq/prefect:3.8.1-python3.13@sha256:4386a7fd80a989ab55ea98ff860f29e469f6c7b99e1a2b94eaaa7df007504ac5";

/**
 * `cloudflare/cloudflared:2025.8.1` by digest (the same digest is pinned in several public repositories; re-check with
 * `docker buildx imagetools inspect` when bumping — Workers VPC may require a newer connector, see the gateway).
 */
export const CLOUDFLARED_IMAGE =
  "docker.io/cloudflare/cloudflared:2025.8.1@sha256:b77d84e8704db38db22c22661cf7e56468c526e3a6a5fe9c8b7c151452fa1472";

/**
 * What the server installs at start through the image's entrypoint (`uv pip install --system $EXTRA_PIP_PACKAGES`,
 * PrefectHQ/prefect scripts/entrypoint.sh): prefect-azure 0.4.12 — the first release with the `azure` plugin entry
 * point whose `set_database_connection_params` hook gives asyncpg an Entra token per connection (prefect_azure/plugins.py)
 * and the last one that accepts Prefect < 3.8.4 (0.4.13 requires prefect>=3.8.4 and would upgrade Prefect) — and the
 * exact closure it adds to the image (`pip install prefect==3.8.1 prefect-azure==0.4.12`, then `pip freeze` diff).
 * `prefect==` is listed so that no resolution can replace the image's Prefect. setuptools: prefect-azure requires
 * `setuptools<81` and the image uninstalls setuptools.
 */
export const PREFECT_SERVER_PACKAGES: readonly string[] = [
  `prefect==${PREFECT_VERSION}`,
  "prefect-azure==0.4.12",
  "prefect-docker==0.7.3",
  "azure-identity==1.27.0",
  "azure-core==1.41.0",
  "azure-common==1.1.28",
  "azure-mgmt-core==1.6.0",
  "azure-mgmt-containerinstance==10.1.0",
  "azure-mgmt-resource==24.0.0",
  "msal==1.39.0",
  "msal-extensions==1.3.1",
  "PyJWT==2.15.1",
  "isodate==0.7.2",
  "aiohttp==3.14.5",
  "aiohappyeyeballs==2.7.1",
  "aiosignal==1.4.0",
  "frozenlist==1.8.0",
  "multidict==7.2.1",
  "propcache==0.5.4",
  "yarl==1.25.1",
  "python-on-whales==0.81.0",
  "setuptools==80.10.2",
];

/** What a Prefect container runs: its image, the command that prepares it (may be absent) and the env that needs. */
export interface PrefectRuntime {
  readonly image: string;
  /** Container `command`; absent: the image's entrypoint runs and `args` follow it. */
  readonly command?: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
}

/**
 * The one place that decides how each Prefect container starts (server, domain worker, the configuring init container).
 * Callers put their own `prefect …` invocation in `args`.
 */
export function prefectRuntime(role: "server" | "worker" | "configure"): PrefectRuntime {
  return role === "server"
    ? { image: PREFECT_IMAGE, env: [{ name: "EXTRA_PIP_PACKAGES", value: PREFECT_SERVER_PACKAGES.join(" ") }] }
    : { image: PREFECT_IMAGE, env: [] };
}

/** `<registry>/<repository>:<tag>@sha256:<64 hex>`: what every container image must look like. */
export const PINNED_IMAGE = /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+:[\w.-]+@sha256:[0-9a-f]{64}$/;
/** An exact `name==version` requirement (nothing else: no ranges, no URLs, no extras that could pull more). */
export const PINNED_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.+-]*$/;

for (const image of [PREFECT_IMAGE, CLOUDFLARED_IMAGE]) {
  if (!PINNED_IMAGE.test(image)) throw new Error(`orchestrator: image "${image}" is not pinned by digest`);
}
for (const requirement of PREFECT_SERVER_PACKAGES) {
  if (!PINNED_PACKAGE.test(requirement)) throw new Error(`orchestrator: package "${requirement}" is not pinned to one version`);
}
if (!PREFECT_IMAGE.includes(`:${PREFECT_VERSION}-`)) throw new Error("orchestrator: the Prefect image tag and PREFECT_VERSION disagree");
