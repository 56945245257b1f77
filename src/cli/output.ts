import { describeError, UsageError } from './errors';

/** A writable text stream: `process.stdout`/`process.stderr`, or a test's collector. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Everything the CLI prints. With `--json` stdout gets exactly one JSON document (the result,
 * or `{"error": {name, message}}`) and nothing else; without it, text for people. Messages,
 * warnings and progress go to stderr either way, so stdout can be piped.
 */
export class Output {
  private documentWritten = false;

  constructor(
    readonly json: boolean,
    readonly stdout: TextSink = process.stdout,
    readonly stderr: TextSink = process.stderr,
  ) {}

  /** The command's answer: `document` as JSON with `--json`, else the human text. */
  result(document: unknown, human: () => string | readonly string[]): void {
    if (this.json) {
      this.writeDocument(document);
      return;
    }
    const text = human();
    const lines = typeof text === 'string' ? [text] : text;
    if (lines.length > 0) this.stdout.write(`${lines.join('\n')}\n`);
  }

  /** Text that is the answer in its own format (CSV, help): stdout, never mixed with JSON. */
  raw(text: string): void {
    this.stdout.write(text);
  }

  /** A remark for people (what was done, a hint); not shown with `--json`. */
  note(message: string): void {
    if (!this.json) this.stderr.write(`${message}\n`);
  }

  /** Something worth knowing even in a script (processing stopped, a file skipped). */
  warn(message: string): void {
    this.stderr.write(`dam: warning: ${message}\n`);
  }

  /** Reports a failure: stderr always; with `--json` also the error document on stdout. */
  error(error: unknown): void {
    const { name, message } = describeError(error);
    this.stderr.write(`dam: ${message}\n`);
    if (error instanceof UsageError && error.usage && !this.json) this.stderr.write(`\n${error.usage}\n`);
    // One document at most: a failure after the result was printed is told on stderr only.
    if (this.json && !this.documentWritten) this.writeDocument({ error: { name, message } });
  }

  private writeDocument(document: unknown): void {
    if (this.documentWritten) throw new Error('A command printed two JSON documents');
    this.documentWritten = true;
    this.stdout.write(`${JSON.stringify(document, jsonValue, 2)}\n`);
  }
}

/** JSON for what the API returns beyond plain JSON: 64-bit integers as strings, bytes as hex. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  return value;
}

/** `1.5 MB`: sizes as the library shows them (powers of 1024). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Rows as aligned columns, for lists people read. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
