/** An error the CLI reports as one line on stderr, with its own exit code (2 = bad input). */
export class CliError extends Error {
  public constructor(
    message: string,
    public readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
