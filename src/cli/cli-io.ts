/** Where the CLI writes: stdout for results, stderr for messages. Tests and `--json` rely on the split. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stdout is an interactive terminal (live redraw); otherwise plain lines. */
  isTTY: boolean;
  columns: number;
  stdout: NodeJS.WriteStream;
}

export function processIo(): CliIo {
  return {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 100,
    stdout: process.stdout,
  };
}
