// The exit codes of `cairn`: a contract scripts rely on (documented in `cairn --help` and docs/CLI.md).

export const EXIT = {
  OK: 0,
  /** Any other failure; the reason is one line on stderr. */
  ERROR: 1,
  /** Unknown command, unknown or missing flag, malformed argument. */
  USAGE: 2,
  /** The home cannot be unlocked: wrong passphrase, bad key file, or no passphrase and no terminal to ask on. */
  UNLOCK: 3,
  /** A relay could not be reached, or the operation timed out. */
  UNREACHABLE: 4,
  /** Another process holds the home and did not answer on its control socket. */
  BUSY: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BY_ERROR_CODE: Record<string, ExitCode> = {
  WRONG_PASSPHRASE: EXIT.UNLOCK,
  BAD_KEY_FILE: EXIT.UNLOCK,
  NO_PASSPHRASE: EXIT.UNLOCK,
  EMPTY_PASSPHRASE: EXIT.UNLOCK,
  RELAY_UNREACHABLE: EXIT.UNREACHABLE,
  TIMEOUT: EXIT.UNREACHABLE,
  HOME_BUSY: EXIT.BUSY,
  USAGE: EXIT.USAGE,
};

/** The exit code for a Result error code from the core, the home or the CLI itself. */
export function exitCodeFor(code: string): ExitCode {
  return BY_ERROR_CODE[code] ?? EXIT.ERROR;
}

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  error (the reason is one line on stderr, e.g. unknown account, mistyped invite code, unknown chat)
  2  usage error (unknown command or flag, missing or malformed argument)
  3  cannot unlock the home (wrong passphrase, bad key file, no passphrase and no terminal)
  4  a relay is unreachable, or the operation timed out (the message names the relay)
  5  the home is busy (another process holds it and does not answer on its socket)
`;
