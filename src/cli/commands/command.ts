import type { OptionSpecs, ParsedArgs } from '../args';
import type { Output } from '../output';
import type { Progress } from '../progress';
import type { Session, SessionOptions } from '../session';

/** What a command gets to do its work. */
export interface CommandContext {
  readonly out: Output;
  readonly args: ParsedArgs;
  /** `--world NAME`, when given. */
  readonly world: string | undefined;
  /** The directory relative paths on the command line are resolved against. */
  readonly cwd: string;
  /** The DAM, opened on first call (configuration, platform, app); `main` closes it. */
  session(options?: SessionOptions): Promise<Session>;
  /** A progress display on stderr (silent with `--json`). */
  progress(): Progress;
  /** True once the user pressed Ctrl-C: long commands stop at the next safe point. */
  interrupted(): boolean;
}

/** One `dam` command: its help and what it runs. */
export interface Command {
  /** `add-asset`, or `tag apply` for a command of a group. */
  readonly name: string;
  readonly summary: string;
  /** The synopsis: `dam add-asset PATH... [-r] [--no-copy]`. */
  readonly usage: string;
  /** More help: what it does, what it prints. */
  readonly description?: string;
  readonly options?: OptionSpecs;
  /** How many positional arguments it takes. */
  readonly arity: { readonly min: number; readonly max: number };
  /** Returns the exit code (0 when nothing is returned). */
  run(context: CommandContext): Promise<number | void>;
}
