import { readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { LineCounter, parse, parseDocument } from "yaml";

export const PROJECT_ROOT = join(__dirname, "..", "..");

/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: a flat `namespace:key` map in which
 * object and array values are JSON text and scalars are strings. Secure (encrypted) values cannot be read offline.
 */
export function readStackConfig(stack: string, root = PROJECT_ROOT): Record<string, string> {
  return readStackConfigFile(join(root, `Pulumi.${stack}.yaml`), root);
}

/** A stack file that cannot be read as config: the message names the file (and line and column where known). */
export class StackFileError extends Error {
  override name = "StackFileError";
}

export function readStackConfigFile(file: string, root = PROJECT_ROOT): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`no stack file ${file}: stacks are ${listStacks(root).join(", ")}`);
  }
  const shown = displayPath(file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    // Compiler style, one line per error, so editors and CI annotations can jump to it.
    const lines = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${shown}:${line}:${col}: ${error.message}`;
    });
    throw new StackFileError(lines.join("\n"));
  }
  const contents: unknown = document.toJS() ?? {};
  const config = isMapping(contents) ? (contents["config"] ?? {}) : undefined;
  if (!isMapping(config)) throw new StackFileError(`${shown}: expected a mapping with a "config:" mapping of keys to values`);
  return flattenConfig(config, shown);
}

export function flattenConfig(config: Record<string, unknown>, file: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value && typeof value === "object" && "secure" in value) {
      throw new StackFileError(`${file}: ${key} is encrypted; the offline plan cannot decrypt it`);
    }
    entries[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return entries;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Relative to the working directory when inside it: what a person typed, and what editors resolve. */
function displayPath(file: string): string {
  const fromCwd = relative(process.cwd(), file);
  return fromCwd && !fromCwd.startsWith("..") && !isAbsolute(fromCwd) ? fromCwd : file;
}

export function listStacks(root = PROJECT_ROOT): string[] {
  const { readdirSync } = require("node:fs") as typeof import("node:fs");
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => Boolean(s))
    .sort();
}

export function readProjectName(root = PROJECT_ROOT): string {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name: string };
  return project.name;
}
