import { parseArgs } from 'node:util';
import { UsageError } from './errors';

/** One option of a command, as `node:util` `parseArgs` takes it, plus what `--help` shows. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in help (`N`, `PATH`). */
  readonly value?: string;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Options every command takes, before or after the command's name. */
export const GLOBAL_OPTIONS = {
  world: { type: 'string', value: 'NAME', description: 'the world to use (default: the configured default world)' },
  json: { type: 'boolean', description: 'print exactly one JSON document on stdout' },
  config: { type: 'string', value: 'PATH', description: 'the configuration file (default: $DAM_CONFIG, ./dam.toml or ./dam.json)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} satisfies OptionSpecs;

/** Global options that take a value, so the word after them is not read as the command. */
const GLOBAL_VALUE_FLAGS = new Set(['--world', '--config']);

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * The command's words (`add-asset`, or `tag apply` for a group) and every other argument, in
 * order. Global options may come before the command; anything else comes after it.
 */
export function splitCommand(argv: readonly string[], isGroup: (word: string) => boolean): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const wantsWord = words.length === 0 || (words.length === 1 && isGroup(words[0]!));
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (wantsWord && !arg.startsWith('-')) {
      words.push(arg);
      continue;
    }
    rest.push(arg);
    if (wantsWord && GLOBAL_VALUE_FLAGS.has(arg) && i + 1 < argv.length) rest.push(argv[++i]!);
  }
  return { words, rest };
}

/** Parses a command's arguments strictly: an unknown option or a missing value is a usage error. */
export function parseCommandArgs(args: readonly string[], options: OptionSpecs, usage: string): ParsedArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  const all: OptionSpecs = { ...GLOBAL_OPTIONS, ...options };
  for (const [name, spec] of Object.entries(all)) {
    config[name] = { type: spec.type, ...(spec.short && { short: spec.short }), ...(spec.multiple && { multiple: true }) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

/** A string option's value, if given. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A whole-number option within `[min, max]`, if given. */
export function integerOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

/** An entity id given on the command line. */
export function entityId(text: string): number {
  const id = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw new UsageError(`"${text}" is not an entity id: write a whole number such as 42`);
  return id;
}
