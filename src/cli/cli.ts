import { flag, parseCommandArgs, splitCommand, stringOption } from './args';
import { COMMANDS, commandsOfGroup, findCommand, GROUPS } from './commands/index';
import type { Command, CommandContext } from './commands/command';
import { loadConfig } from './config';
import { EXIT_FAILURE, EXIT_OK, exitCodeOf, UsageError } from './errors';
import { commandHelp, generalHelp, groupHelp } from './help';
import { Output } from './output';
import { createProgress } from './progress';
import type { Session, SessionOptions } from './session';

/**
 * The `dam` command: finds the command, parses its arguments, runs it, prints its answer or its
 * error, and always closes the app (PGlite writes its files out on close) before the exit code
 * is returned.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const { words, rest } = splitCommand(argv, (word) => GROUPS.has(word));
  // Known before parsing, so even a usage error is answered as JSON.
  const out = new Output(rest.includes('--json'));
  const wantsHelp = rest.includes('--help') || rest.includes('-h');

  let command: Command;
  try {
    command = resolveCommand(words, wantsHelp, out);
  } catch (error) {
    if (error instanceof HelpShown) return EXIT_OK;
    out.error(error);
    return exitCodeOf(error);
  }

  let session: Promise<Session> | undefined;
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    out.warn('stopping at the next safe point (Ctrl-C again to quit at once)');
    void session?.then((s) => s.app.cancelIngest()).catch(() => undefined);
  };
  process.on('SIGINT', onInterrupt);

  let code: number;
  try {
    const args = parseCommandArgs(rest, command.options ?? {}, `Usage: ${command.usage}`);
    if (flag(args, 'help')) {
      out.raw(`${commandHelp(command)}\n`);
      return EXIT_OK;
    }
    const count = args.positionals.length;
    if (count < command.arity.min || count > command.arity.max) {
      throw new UsageError(
        count < command.arity.min ? 'Missing arguments' : `Unexpected argument "${args.positionals[command.arity.max]}"`,
        `Usage: ${command.usage}`,
      );
    }
    const cwd = process.cwd();
    const context: CommandContext = {
      out,
      args,
      world: stringOption(args, 'world'),
      cwd,
      session: (options?: SessionOptions) =>
        (session ??= (async () => {
          const config = await loadConfig({ configPath: stringOption(args, 'config'), env: process.env, cwd });
          // Loaded on first use: help and usage errors answer without loading the app.
          const { Session } = await import('./session');
          return Session.open(config, options);
        })()),
      progress: () => createProgress(process.stderr, { quiet: out.json }),
      interrupted: () => interrupted,
    };
    code = (await command.run(context)) ?? EXIT_OK;
  } catch (error) {
    out.error(error);
    code = exitCodeOf(error);
  } finally {
    process.off('SIGINT', onInterrupt);
  }

  try {
    await (await session?.catch(() => undefined))?.close();
  } catch (error) {
    out.warn(`the world did not close cleanly: ${(error as Error).message}`);
    if (code === EXIT_OK) code = EXIT_FAILURE;
  }
  return code;
}

/** Thrown once help has been printed: nothing more to do. */
class HelpShown extends Error {}

function resolveCommand(words: readonly string[], wantsHelp: boolean, out: Output): Command {
  const general = generalHelp(COMMANDS);
  if (words.length === 0) {
    if (wantsHelp) {
      out.raw(`${general}\n`);
      throw new HelpShown();
    }
    throw new UsageError('Say which command to run', general);
  }
  const [first, second] = words as [string, string?];
  if (GROUPS.has(first)) {
    const group = groupHelp(first, commandsOfGroup(first));
    if (second === undefined) {
      if (wantsHelp) {
        out.raw(`${group}\n`);
        throw new HelpShown();
      }
      throw new UsageError(`Say which "${first}" command to run`, group);
    }
    const command = findCommand(`${first} ${second}`);
    if (!command) throw new UsageError(`Unknown command "${first} ${second}"`, group);
    return command;
  }
  const command = findCommand(first);
  if (!command) throw new UsageError(`Unknown command "${first}"`, general);
  return command;
}
