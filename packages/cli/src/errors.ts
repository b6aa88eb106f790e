/** A wrong command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** A problem the user fixes by installing something; printed as one line, exit code 1. */
export class SetupError extends Error {}

/** An input file or folder the user fixes (named in the message); printed as one line, exit code 1. */
export class InputError extends Error {}
