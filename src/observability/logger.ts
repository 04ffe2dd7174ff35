import { pino, type Logger as PinoLogger, type LoggerOptions } from 'pino';

export type Logger = PinoLogger;

/** Paths whose values are replaced by "[redacted]" in every log line. */
export const REDACTED_PATHS = [
  '*.token',
  '*.password',
  '*.secret',
  '*.signingSecret',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'config.slack.botToken',
  'config.slack.signingSecret',
];

export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: { app: 'rollback-bot' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(opts, options.destination as pino.DestinationStream);
  return pino(opts);
}

/** A logger that discards everything, for tests and library callers that pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
