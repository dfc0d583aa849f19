import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { parse } from "yaml";
import { CI_PROTECTED_PREVIEW, CI_STATE_CONTAINERS } from "../../contracts/ci-access";
import { ENVIRONMENTS, type Environment } from "../../contracts/environments";
import { PROJECT_ROOT, listStacks } from "../../tools/graph";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  name?: string;
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix?: { stack?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const DIR = join(PROJECT_ROOT, ".github", "workflows");
const text = (file: string) => readFileSync(join(DIR, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;
/** Stacks in promotion order: the environment order, restricted to the Pulumi.<stack>.yaml files that exist. */
const STACKS_IN_ORDER = ENVIRONMENTS.filter((e) => listStacks().includes(e));
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));

describe("workflow files", () => {
  it("every Pulumi.<stack>.yaml is an environment (so the workflows' stack lists can be complete)", () => {
    assert.deepEqual([...STACKS_IN_ORDER].sort(), listStacks());
  });

  it("actions are pinned to a major tag or a full commit SHA", () => {
    for (const file of readdirSync(DIR)) {
      for (const [, ref] of text(file).matchAll(/uses:\s*(\S+)/g)) {
        assert.match(ref!, /^(\.\/.+|[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40}))$/, `${file}: ${ref}`);
      }
    }
  });

  it("no long-lived cloud secret but the two with no federation: scoped Cloudflare tokens and Okta private keys; ARM/Azure values come from variables", () => {
    // Neither Cloudflare's API nor Okta's management API accepts GitHub's OIDC token (docs/gateway.md).
    const allowed = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_TOKEN_READONLY", "OKTA_API_PRIVATE_KEY", "OKTA_API_PRIVATE_KEY_READONLY"];
    for (const file of readdirSync(DIR)) {
      const used = [...text(file).matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
      for (const name of used) assert.ok(allowed.includes(name!), `${file} uses secrets.${name}`);
      for (const job of Object.values(load(file).jobs)) {
        for (const [key, value] of Object.entries(job.env ?? {})) {
          if (/^(ARM_|AZURE_)/.test(key)) assert.doesNotMatch(String(value), /secrets\./, `${file}: ${key}`);
          // The preview jobs hold the read-only Okta key only, the deploy jobs the managing one.
          if (key === "OKTA_API_PRIVATE_KEY") assert.equal(String(value).includes("READONLY"), file === "pull-request.yml", `${file}: ${key}`);
        }
      }
    }
  });

  it("Node comes from package.json engines in every setup-node step", () => {
    const engines = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { engines?: { node?: string } }).engines;
    assert.ok(engines?.node, "package.json declares engines.node");
    for (const file of readdirSync(DIR)) {
      for (const job of Object.values(load(file).jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
          assert.equal(step.with?.["node-version-file"], "package.json", file);
          assert.equal(step.with?.["node-version"], undefined, file);
        }
      }
    }
  });
});

describe("pull-request.yml", () => {
  const wf = load("pull-request.yml");

  it("runs on pull requests with read-only default permissions", () => {
    assert.ok("pull_request" in wf.on);
    assert.deepEqual(wf.permissions, { contents: "read" });
  });

  it("runs what .ci/run runs: npm ci, then npm test (which type-checks and builds the Worker first)", () => {
    const runs = wf.jobs["test"]!.steps.map((s) => s.run).filter(Boolean);
    assert.deepEqual(runs, ["npm ci", "npm test"]);
    const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts["test"] ?? "", /^npm run typecheck && npm run build:gateway && vitest run && npm run test:flows$/);
    assert.equal(scripts["test:flows"], "scripts/test-flows");
    assert.match(readFileSync(join(PROJECT_ROOT, ".ci", "run"), "utf8"), /\nscripts\/npm ci && scripts\/npm test\n/);
  });

  it("the test job sets up the flows' Python (the workers' image Python, as flows/pyproject.toml requires) before npm test", () => {
    const steps = wf.jobs["test"]!.steps;
    const python = steps.findIndex((s) => s.uses?.startsWith("actions/setup-python@"));
    assert.ok(python >= 0 && python < steps.findIndex((s) => s.run === "npm test"), "setup-python runs before npm test");
    assert.equal(steps[python]!.with?.["python-version-file"], "flows/.python-version");
    const version = readFileSync(join(PROJECT_ROOT, "flows", ".python-version"), "utf8").trim();
    assert.match(readFileSync(join(PROJECT_ROOT, "flows", "pyproject.toml"), "utf8"), new RegExp(`requires-python = "==${version.replace(".", "\\.")}\\.\\*"`));
  });

  it("offline plan + diff covers every stack in order, against the base branch, and is posted as a comment", () => {
    const job = wf.jobs["offline-plan"]!;
    assert.deepEqual(job.env!["STACKS"]!.split(/\s+/), STACKS_IN_ORDER);
    const script = job.steps.map((s) => s.run ?? "").join("\n");
    assert.match(script, /npm run --silent plan -- "\$stack" --base "origin\/\$\{BASE_REF\}"/);
    assert.equal(job.permissions, undefined, "fork-safe: no extra permissions");
    const comment = wf.jobs["offline-plan-comment"]!;
    assert.equal(comment.permissions?.["pull-requests"], "write");
    assert.match(comment.if!, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    const forks = load("pr-comment.yml");
    assert.deepEqual((forks.on["workflow_run"] as { workflows: string[] }).workflows, ["pull-request"]);
    assert.ok(!text("pr-comment.yml").includes("actions/checkout"), "fork comments never check out fork code");
  });

  it("real preview per stack only for same-repo PRs, via OIDC with the plan identity, with the policy pack", () => {
    const job = wf.jobs["preview"]!;
    assert.equal(job.if, "github.event.pull_request.head.repo.full_name == github.repository");
    assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    assert.equal(job.environment, undefined, "the plan identity's federated subject is repo:<org>/<repo>:pull_request");
    assert.deepEqual(job.strategy?.matrix?.stack, STACKS_IN_ORDER.filter((s) => !CI_PROTECTED_PREVIEW[s as Environment]));
    assert.equal(job.env!["ARM_USE_OIDC"], "true");
    for (const key of ["ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"]) assert.match(job.env![key]!, /vars[.[]/, key);
    const [step] = pulumiSteps(job);
    assert.equal(step?.uses, "pulumi/actions@v7");
    assert.equal(step?.with?.["command"], "preview");
    assert.equal(step?.with?.["comment-on-pr"], true);
    assert.equal(step?.with?.["diff"], true);
    assert.equal(step?.with?.["policyPacks"], "policy");
    assert.equal(step?.with?.["policyPackConfigs"], "policy/config/${{ matrix.stack }}.json");
    assert.equal(step?.with?.["cloud-url"], "azblob://pulumi-state-${{ matrix.stack }}", "each environment's own state container");
  });

  it("previews prod only behind its protected GitHub environment (plan-prod's federated subject names it)", () => {
    const protectedPreviews = Object.entries(CI_PROTECTED_PREVIEW);
    assert.deepEqual(protectedPreviews, [["prod", "preview-prod"]]);
    for (const [stack, environment] of protectedPreviews) {
      const jobs = Object.values(wf.jobs).filter((j) => pulumiSteps(j).some((s) => s.with?.["stack-name"] === stack));
      assert.equal(jobs.length, 1, `${stack}: one preview job`);
      const job = jobs[0]!;
      assert.equal(job.environment, environment, `${stack} preview waits for the ${environment} environment's reviewers`);
      assert.equal(job.if, "github.event.pull_request.head.repo.full_name == github.repository");
      assert.equal(job.permissions?.["id-token"], "write");
      assert.match(job.env!["ARM_CLIENT_ID"]!, new RegExp(`^\\$\\{\\{ vars\\.PLAN_ARM_CLIENT_ID_${stack} \\}\\}$`));
      const step = pulumiSteps(job)[0]!;
      assert.equal(step.with?.["command"], "preview");
      assert.equal(step.with?.["cloud-url"], `azblob://${CI_STATE_CONTAINERS[stack as Environment]}`);
      assert.equal(step.with?.["policyPackConfigs"], `policy/config/${stack}.json`);
    }
    const previewed = Object.values(wf.jobs).flatMap((j) =>
      pulumiSteps(j).flatMap((s) => (s.with?.["stack-name"] === "${{ matrix.stack }}" ? (j.strategy?.matrix?.stack ?? []) : [String(s.with?.["stack-name"])])),
    );
    assert.deepEqual([...previewed].sort(), [...STACKS_IN_ORDER].sort(), "every stack previewed exactly once");
  });

  it("never sets PULUMI_CONFIG_PASSPHRASE: the stack files carry their Key Vault secrets provider", () => {
    for (const file of readdirSync(DIR)) assert.doesNotMatch(text(file), /PULUMI_CONFIG_PASSPHRASE/, file);
  });
});

describe("deploy.yml", () => {
  const wf = load("deploy.yml");
  const deployJobs = Object.entries(wf.jobs).filter(([, job]) => pulumiSteps(job).length > 0);

  it("runs on push to main", () => {
    assert.deepEqual((wf.on["push"] as { branches: string[] }).branches, ["main"]);
    assert.deepEqual(wf.permissions, { contents: "read" });
  });

  it("runs pulumi up for every stack in order dev -> test -> prod, each after the previous one", () => {
    assert.deepEqual(deployJobs.map(([, job]) => pulumiSteps(job)[0]!.with!["stack-name"]), STACKS_IN_ORDER);
    let previous = "test";
    for (const [name, job] of deployJobs) {
      assert.deepEqual([job.needs].flat(), [previous], `${name} waits for ${previous}`);
      previous = name;
    }
  });

  it("each stack deploys in its own GitHub environment (prod requires approval there), via OIDC, with the policy pack", () => {
    for (const [name, job] of deployJobs) {
      const step = pulumiSteps(job)[0]!;
      const stack = String(step.with!["stack-name"]);
      assert.equal(job.environment, stack, name);
      assert.equal(job.permissions?.["id-token"], "write");
      assert.equal(job.env!["ARM_USE_OIDC"], "true");
      for (const key of ["ARM_CLIENT_ID", "ARM_TENANT_ID", "ARM_SUBSCRIPTION_ID"]) assert.match(job.env![key]!, /^\$\{\{ vars\./, key);
      assert.equal(step.uses, "pulumi/actions@v7");
      assert.equal(step.with!["command"], "up");
      assert.equal(step.with!["policyPacks"], "policy");
      assert.equal(step.with!["policyPackConfigs"], `policy/config/${stack}.json`);
      assert.ok(job.steps.some((s) => s.run === `npm run plan -- ${stack}`), "offline plan gate before up");
      assert.equal(step.with!["cloud-url"], `azblob://${CI_STATE_CONTAINERS[stack as Environment]}`, `${stack}: its own state container`);
    }
    assert.equal(wf.jobs["deploy-prod"]!.environment, "prod");
  });
});
