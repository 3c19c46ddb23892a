/**
 * Every error a user can meet has a stable code, an HTTP status and a place
 * (file, row, field) when there is one. Routes and the CLI turn these into
 * responses and messages in one place each.
 */
export type ErrorCode =
  | "validation"
  | "date_parse"
  | "unknown_term"
  | "not_found"
  | "conflict"
  | "forbidden"
  | "unauthenticated"
  | "rate_limited"
  | "too_large"
  | "unsupported"
  | "import_failed"
  | "integrity"
  | "storage_full"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  date_parse: 400,
  unknown_term: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  rate_limited: 429,
  too_large: 413,
  unsupported: 415,
  import_failed: 422,
  integrity: 422,
  storage_full: 507,
  internal: 500,
};

/** Where a problem is: any of file, line/row, column, field. */
export interface Location {
  file?: string;
  row?: number;
  line?: number;
  column?: string;
  field?: string;
}

export interface FieldProblem extends Location {
  message: string;
}

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly problems: FieldProblem[];
  readonly where: Location | undefined;

  constructor(code: ErrorCode, message: string, opts: { where?: Location; problems?: FieldProblem[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "VigilError";
    this.code = code;
    this.status = STATUS[code];
    this.where = opts.where;
    this.problems = opts.problems ?? (opts.where ? [{ ...opts.where, message }] : []);
  }

  /** A one-line description with its place, for terminals and logs. */
  describe(): string {
    const w = this.where;
    if (!w) return this.message;
    const parts: string[] = [];
    if (w.file) parts.push(w.file);
    if (w.row !== undefined) parts.push(`row ${w.row}`);
    if (w.line !== undefined) parts.push(`line ${w.line}`);
    if (w.column) parts.push(`column ${JSON.stringify(w.column)}`);
    if (w.field) parts.push(`field ${JSON.stringify(w.field)}`);
    return parts.length ? `${parts.join(", ")}: ${this.message}` : this.message;
  }

  toJSON(): { error: { code: ErrorCode; message: string; where?: Location; problems?: FieldProblem[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.where ? { where: this.where } : {}),
        ...(this.problems.length > 1 ? { problems: this.problems } : {}),
      },
    };
  }
}

export const validation = (message: string, where?: Location, problems?: FieldProblem[]): VigilError =>
  new VigilError("validation", message, { ...(where ? { where } : {}), ...(problems ? { problems } : {}) });

export const notFound = (what: string, id: string): VigilError => new VigilError("not_found", `${what} ${id} not found`);

export const forbidden = (message = "not permitted"): VigilError => new VigilError("forbidden", message);

export const conflict = (message: string): VigilError => new VigilError("conflict", message);

/** Collects problems so that a form or a row reports every error at once. */
export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string, extra: Location = {}): void {
    this.list.push({ ...extra, field, message });
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
  throwIfAny(summary = "the input has errors"): void {
    if (this.list.length === 1) {
      const p = this.list[0]!;
      throw new VigilError("validation", p.message, { where: p, problems: this.list });
    }
    if (this.list.length > 1) throw new VigilError("validation", summary, { problems: this.list });
  }
}
