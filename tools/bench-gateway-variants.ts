/**
 * Where the gateway's time goes: bundles of the gateway with one cost removed each, measured beside it by
 * `npm run bench:gateway -- --where`. Each removal is an exact text replacement in gateway/src, applied while bundling
 * (the sources are not touched); a replacement that no longer matches fails the build, and a test builds them all.
 * These bundles drop required behaviour (the audit line, the timeout, header stripping …): never deployed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { WORKER_BUILD_OPTIONS } from "../gateway/build";

interface Removal {
  /** What the variant lacks, as printed. */
  readonly name: string;
  /** File in gateway/src, the exact text, and what replaces it. */
  readonly edits: readonly (readonly [file: string, text: string, replacement: string])[];
}

const AUDIT_WRITE = "if (ctx) ctx.waitUntil(new Promise<void>((resolve) => setTimeout(() => resolve(audit()), 0)));\n    else audit();";

export const REMOVALS: readonly Removal[] = [
  { name: "no-audit-line", edits: [["index.ts", AUDIT_WRITE, "void audit;"]] },
  { name: "audit-before-response", edits: [["index.ts", AUDIT_WRITE, "audit();"]] },
  { name: "no-request-id", edits: [["index.ts", "crypto.randomUUID()", '"00000000-0000-4000-8000-000000000000"']] },
  { name: "no-upstream-timeout", edits: [["proxy.ts", "const timer = setTimeout(", "const timer = 0; void ("], ["proxy.ts", "    clearTimeout(timer);\n", ""]] },
  {
    name: "no-request-shaping",
    edits: [["index.ts", "const headers = upstreamHeaders(request.headers, requestId, identity, trace.groupsUsed, config, authorization);", "const headers: Record<string, string> = { authorization };"]],
  },
  { name: "no-response-shaping", edits: [["index.ts", "headers: responseHeaders(upstream.headers, requestId)", "headers: upstream.headers"]] },
  { name: "no-token-cache", edits: [["token.ts", "const known = recall(config, token, Date.now());", "const known = undefined as ReturnType<typeof recall>;"]] },
];

const SOURCES = join(__dirname, "..", "gateway", "src");
/** workerd loads a script path only from inside the project. */
const OUT = join(__dirname, "..", "gateway", "dist", "variants");

function applying(removal: Removal, applied: Set<string>): Plugin {
  return {
    name: `remove-${removal.name}`,
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(SOURCES)) return undefined;
        let text = readFileSync(args.path, "utf8");
        for (const [file, from, to] of removal.edits) {
          if (args.path !== join(SOURCES, file)) continue;
          if (!text.includes(from)) throw new Error(`variant ${removal.name}: gateway/src/${file} no longer contains ${JSON.stringify(from)}`);
          text = text.replace(from, to);
          applied.add(from);
        }
        return { contents: text, loader: "ts" };
      });
    },
  };
}

/** The gateway bundled with one removal applied (none: as it is, with the same options). */
export async function bundleWith(removal: Removal = { name: "none", edits: [] }): Promise<string> {
  const applied = new Set<string>();
  const result = await build({ entryPoints: [join(SOURCES, "index.ts")], ...WORKER_BUILD_OPTIONS, plugins: [applying(removal, applied)] });
  const missed = removal.edits.filter(([, from]) => !applied.has(from));
  if (missed.length) throw new Error(`variant ${removal.name}: ${missed.map(([file]) => `gateway/src/${file}`).join(", ")} not part of the bundle`);
  return result.outputFiles[0]!.text;
}

/** Builds every variant into gateway/dist/variants/<name>.js; returns name and path of each. */
export async function buildVariants(): Promise<{ name: string; path: string }[]> {
  mkdirSync(OUT, { recursive: true });
  const built: { name: string; path: string }[] = [];
  for (const removal of REMOVALS) {
    const path = join(OUT, `${removal.name}.js`);
    writeFileSync(path, await bundleWith(removal));
    built.push({ name: removal.name, path });
  }
  return built;
}
