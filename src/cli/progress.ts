import { formatBytes, type TextSink } from './output';

export interface ProgressState {
  /** What is happening: `adding`, `processing`, `exporting`. */
  readonly label: string;
  readonly done: number;
  readonly total: number;
  /** What `done`/`total` count (`files`, `bytes`); bytes are shown as sizes. */
  readonly unit: 'files' | 'bytes' | 'steps';
  readonly failed?: number;
  /** The file being worked on, or other detail. */
  readonly detail?: string | null;
}

/**
 * Progress of a long command on stderr: a bar redrawn in place on a terminal, a plain line every
 * few seconds in a log (CI, a pipe), nothing with `--json`. Only how often it draws depends on
 * time; what it shows does not.
 */
export interface Progress {
  update(state: ProgressState): void;
  /** Clears the bar (the result follows on stdout). */
  finish(): void;
}

const BAR_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 5000;

export function createProgress(stream: TextSink, options: { quiet: boolean }): Progress {
  if (options.quiet) return { update: () => undefined, finish: () => undefined };
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

function counts(state: ProgressState): string {
  const amount =
    state.unit === 'bytes' ? `${formatBytes(state.done)} / ${formatBytes(state.total)}` : `${state.done}/${state.total} ${state.unit}`;
  return state.failed ? `${amount}, ${state.failed} failed` : amount;
}

class BarProgress implements Progress {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: TextSink) {}

  update(state: ProgressState): void {
    const now = Date.now();
    if (now - this.lastDraw < BAR_INTERVAL_MS && state.done < state.total) return;
    this.lastDraw = now;
    // A pseudo-terminal may report no width (0).
    const columns = this.stream.columns || 80;
    const width = Math.max(10, Math.min(30, columns - 60));
    const fraction = state.total > 0 ? Math.min(1, state.done / state.total) : 0;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const text = `${state.label.padEnd(10)} ${bar} ${counts(state)}${state.detail ? `  ${state.detail}` : ''}`;
    // \r and erase-line: the bar is redrawn where it is.
    this.stream.write(`\r\x1b[2K${text.slice(0, columns - 1)}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

class LineProgress implements Progress {
  private lastLine = 0;
  private printedLabel: string | null = null;
  private printedText: string | null = null;
  private last: ProgressState | null = null;

  constructor(private readonly stream: TextSink) {}

  /** A line when a new step starts, then at most one every few seconds. */
  update(state: ProgressState): void {
    this.last = state;
    const now = Date.now();
    if (state.label === this.printedLabel && now - this.lastLine < LINE_INTERVAL_MS) return;
    this.print(state, now);
  }

  /** The last state, so a log always ends with the final count. */
  finish(): void {
    if (this.last && lineOf(this.last) !== this.printedText) this.print(this.last, Date.now());
    this.last = null;
    this.printedLabel = this.printedText = null;
  }

  private print(state: ProgressState, now: number): void {
    const line = lineOf(state);
    this.lastLine = now;
    this.printedLabel = state.label;
    this.printedText = line;
    this.stream.write(`${line}\n`);
  }
}

function lineOf(state: ProgressState): string {
  return `${state.label}: ${counts(state)}`;
}
