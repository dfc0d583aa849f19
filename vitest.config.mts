import { defineConfig } from "vitest/config";

// Pulumi's mock runtime is process-global, and workerd tests bind loopback ports: every test file runs in its own
// forked process (isolation), at most two at a time (CI has two cores). Stack graphs are evaluated in child processes
// by tools/graph and cached under .tmp/, so the first file that needs a stack pays for its evaluation.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    isolate: true,
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ["default"],
  },
});
