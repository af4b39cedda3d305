/**
 * Every error cpesim raises on purpose is a CpesimError with a stable `code`, so callers branch on
 * the code (and metrics count by it) instead of parsing messages.
 */
export class CpesimError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad user input (scenario, profile, CLI flags): exit code 2. Names file, line and field when known. */
export class ConfigError extends CpesimError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  constructor(message: string, where: { file?: string; line?: number; field?: string } = {}) {
    const loc = [where.file, where.line !== undefined ? `line ${where.line}` : undefined, where.field ? `field ${where.field}` : undefined]
      .filter(Boolean)
      .join(', ');
    super('CPESIM_CONFIG', loc ? `${loc}: ${message}` : message);
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}

/** The peer sent something that is not valid CWMP/SOAP (unparsable XML, unknown shape). */
export class ProtocolError extends CpesimError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CPESIM_PROTOCOL', message, options);
  }
}

/** A well-formed CWMP message whose method the receiver does not decode (answered with fault 8000/9000). */
export class UnsupportedMethodError extends ProtocolError {
  readonly method: string;
  /** The message's cwmp:ID, so the answer can echo it. */
  readonly id: string | undefined;
  constructor(method: string, id: string | undefined) {
    super(`unsupported CWMP message cwmp:${method}`);
    this.method = method;
    this.id = id;
  }
}
