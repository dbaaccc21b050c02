import { STATUS_CODES } from "node:http";
import type { z } from "zod";

/** One offending field of a 400: `field` is a dotted path into the request (`phones.0.number`). */
export interface FieldError {
  field: string;
  message: string;
}

/** The JSON body of every error the emulator answers (the reference does not document one; this is ours). */
export interface ErrorBody {
  status: number;
  error: string;
  message: string;
  errors?: FieldError[];
}

/** A rule of the service was broken. The HTTP layer answers `status` with `body`; the model knows no HTTP. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody | string) {
    const full: ErrorBody =
      typeof body === "string" ? { status, error: STATUS_CODES[status] ?? "Error", message: body } : body;
    super(full.message);
    this.name = "ApiError";
    this.status = status;
    this.body = full;
  }
}

export function errorBody(status: number, message: string, errors?: FieldError[]): ErrorBody {
  const body: ErrorBody = { status, error: STATUS_CODES[status] ?? "Error", message };
  if (errors !== undefined) body.errors = errors;
  return body;
}

/** 400 naming one or more fields; the message lists them as `field: message; field: message`. */
export function badRequest(errors: FieldError[] | FieldError): ApiError {
  const list = Array.isArray(errors) ? errors : [errors];
  const message = list.map((e) => `${e.field}: ${e.message}`).join("; ");
  return new ApiError(400, errorBody(400, message, list));
}

export function notFound(message: string, field?: string): ApiError {
  return new ApiError(404, errorBody(404, message, field === undefined ? undefined : [{ field, message }]));
}

/** Field path of a zod issue as the API names it: `phones.0.number`; the whole body is `body`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "body" : path.map((p) => String(p)).join(".");
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (
    (issue.code === "invalid_type" || issue.code === "invalid_value") &&
    input === undefined &&
    issue.path.length > 0
  ) {
    return "is required";
  }
  if (issue.code === "invalid_type") {
    if (issue.path.length === 0) return "must be a JSON object";
    return `must be of type ${issue.expected}`;
  }
  if (issue.code === "invalid_value" && issue.values.length > 0) {
    if (/^Invalid option/.test(issue.message)) {
      return `must be one of ${issue.values.map((v) => String(v)).join(", ")}`;
    }
  }
  if (issue.code === "unrecognized_keys") return `unknown field(s): ${issue.keys.join(", ")}`;
  return issue.message;
}

/** Turns zod issues into the 400 body: one entry per issue, the first one leading the message. */
export function fromZod(error: z.ZodError): ApiError {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        errors.push({ field: issuePath([...issue.path, key]), message: "is not a known field" });
      continue;
    }
    errors.push({ field: issuePath(issue.path), message: issueMessage(issue) });
  }
  return badRequest(errors);
}

/** Parses `input` with `schema` or raises the 400 naming every offending field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input === undefined ? {} : input, { reportInput: true });
  if (!result.success) throw fromZod(result.error);
  return result.data;
}
