// Loads the program the way `pulumi up` does for this CommonJS TypeScript project, then evaluates it under mocks.
// @pulumi/pulumi's cmd/run/run.js (non-ESM branch): it resolves `typescript` and `ts-node` from the project's
// node_modules (tsutils.typeScriptRequireStrings, else vendored TS 3.8), merges tsconfig.json's compilerOptions over
// { target: ES2020, module/moduleResolution: nodenext } and calls ts-node's register(), which type-checks.
// Usage: node pulumi-ts-loader.cjs <project root> <stack> <out.json>
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");

const [root, stack, out] = process.argv.slice(2);
process.chdir(root);
const tsutils = require(require.resolve("@pulumi/pulumi/tsutils", { paths: [root] }));
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const ts = require(require.resolve(typescriptRequire, { paths: [root] }));
require(require.resolve(tsnodeRequire, { paths: [root] })).register({
  compiler: typescriptRequire,
  transpileOnly: undefined,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

const { evaluateProgram } = require(join(root, "tools", "graph", "evaluate.ts"));
const { readStackConfig } = require(join(root, "tools", "graph", "stack-config.ts"));
evaluateProgram({ project: "dataplatform", stack, config: readStackConfig(stack, root) }).then(
  (result) => {
    writeFileSync(out, JSON.stringify({ typescript: ts.version, typescriptRequire, tsnodeRequire, result }));
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
