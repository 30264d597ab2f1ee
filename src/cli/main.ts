import { runProgram } from './program.js';
import { stopOnClosedPipe } from './stop-signal.js';

/**
 * Output piped into a reader that stops early (`| head`, `2>&1 | head`) is not an error worth a stack trace:
 * a closed stdout or stderr ends the command quietly, with the exit code it has so far (0 unless it already
 * failed). A long-running command (`run`, `serve`) stops as on SIGTERM instead, so its store is flushed and
 * its lock removed, and writes to the stream after that are dropped. One rule for both streams (docs/cli.md
 * "Exit codes").
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      if (stopOnClosedPipe()) return;
      process.exit(process.exitCode ?? 0);
    }
    throw error;
  });
}
quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);

process.exitCode = await runProgram(process.argv);
