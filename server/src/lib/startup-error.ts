/**
 * A start-up failure an operator can act on: its message is the one line printed, in plain words,
 * before anything else (a stack only follows for failures nobody foresaw).
 */
export class StartupError extends Error {
  constructor(
    message: string,
    /** Exit code of the process that gives up on it. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}
