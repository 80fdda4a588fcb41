// Structured logs: pino JSON on stderr (stdout carries only the "listening" line).
import pino from 'pino';
import type { Logger } from 'pino';

export function createLogger(level: string = process.env.CAIRN_RELAY_LOG_LEVEL ?? 'info'): Logger {
  // Synchronous writes: the few relay log lines are never on a hot path, and none is lost at exit.
  return pino({ name: 'cairn-relay', level }, pino.destination({ fd: 2, sync: true }));
}
