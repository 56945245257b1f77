// The entry of `bin/dam.mjs`: runs one command and exits with its code.
import { runCli } from './cli';

/** Library chatter (TF.js, ONNX Runtime) must never reach stdout, which holds the answer. */
function keepStdoutForAnswers(): void {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
}

/** Waits until what was written to stdout and stderr is handed to the OS, so exiting loses none. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

keepStdoutForAnswers();
const code = await runCli(process.argv.slice(2));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Model runtimes and worker handles may keep Node alive after the work is done.
process.exit(code);
