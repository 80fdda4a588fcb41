// The logger the core writes to: pino's call shape (fields, then message), so a pino logger fits as is.
export type LogFn = (fields: object, message: string) => void;
export type CoreLogger = { debug: LogFn; info: LogFn; warn: LogFn; error: LogFn };

const nothing: LogFn = () => undefined;

export const silentLogger: CoreLogger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
