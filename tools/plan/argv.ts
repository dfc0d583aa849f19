/** The plan's options that take a value; every other `--flag` stands alone. */
const VALUE_OPTIONS = ["--stack-file", "--base", "--head", "--out"] as const;

export type ValueOption = (typeof VALUE_OPTIONS)[number];

/** The value after `name`, or undefined when the option is absent. */
export function optionValue(argv: readonly string[], name: ValueOption): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The first argument that is neither an option nor an option's value: the stack name. */
export function positional(argv: readonly string[]): string | undefined {
  return argv.find((arg, i) => !arg.startsWith("--") && !(VALUE_OPTIONS as readonly string[]).includes(argv[i - 1] ?? ""));
}
