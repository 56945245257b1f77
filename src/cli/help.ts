import { GLOBAL_OPTIONS, type OptionSpecs } from './args';
import type { Command } from './commands/command';
import { table } from './output';

function optionLines(options: OptionSpecs): string[] {
  return table(
    Object.entries(options).map(([name, spec]) => [
      `  ${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`,
      spec.description,
    ]),
  );
}

/** `dam --help`: every command with one line each. */
export function generalHelp(commands: readonly Command[]): string {
  return [
    'Usage: dam COMMAND [ARGS] [--world NAME] [--json] [--config PATH]',
    '',
    'The digital asset manager on the command line: worlds (libraries) of files with their metadata, tags and search.',
    '',
    'Commands:',
    ...table(commands.map((c) => [`  ${c.name}`, c.summary])),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Configuration: dam.toml (see docs/cli.md); DAM_DATA_DIR, DAM_DEFAULT_WORLD, DAM_WORLD_<NAME>_DATABASE_URL and',
    'DAM_WORLD_<NAME>_BLOB_ROOT override it. Exit status: 0 done, 1 failed, 2 wrong usage or configuration.',
    "Run 'dam COMMAND --help' for a command's options.",
  ].join('\n');
}

/** `dam search --help`: the commands of a group. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  return [
    `Usage: dam ${group} SUBCOMMAND ...`,
    '',
    ...table(commands.map((c) => [`  ${c.name}`, c.summary])),
    '',
    ...commands.map((c) => `  ${c.usage}`),
  ].join('\n');
}

/** `dam add-asset --help`. */
export function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage}`,
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.description ? ['', command.description] : []),
    ...(command.options && Object.keys(command.options).length > 0 ? ['', 'Options:', ...optionLines(command.options)] : []),
    '',
    'Options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
  ].join('\n');
}
