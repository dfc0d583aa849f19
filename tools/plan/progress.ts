/** What the plan is doing while it takes a while, one line overwritten in place. */
export interface Progress {
  step(message: string): void;
  /** Clears the line, so that what follows starts on a clean one. */
  done(): void;
}

/**
 * Progress on `stream` (stderr) when it is a terminal, nothing otherwise: a pipe, a file or CI log gets only the
 * result. Output on stdout is never touched, so `plan --json | jq` in a terminal still shows progress.
 */
export function terminalProgress(stream: Pick<NodeJS.WriteStream, "isTTY" | "write"> = process.stderr): Progress {
  if (!stream.isTTY) return { step() {}, done() {} };
  let shown = false;
  return {
    step(message) {
      stream.write(`\r\x1b[2K${message}…`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}
