import { sValidator } from "@hono/standard-validator";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { ValidationTargets } from "hono";
import { AppError } from "../lib/errors";

/** Validator middleware whose failures name the first bad field: 400 invalid_request. */
export function validate<Target extends keyof ValidationTargets, Schema extends StandardSchemaV1>(
  target: Target,
  schema: Schema,
) {
  return sValidator(target, schema, (result) => {
    if (result.success) return;
    const [issue] = result.error;
    const field = issue?.path?.map((p) => (typeof p === "object" ? p.key : p)).join(".") || undefined;
    const message = field ? `${field}: ${issue?.message}` : (issue?.message ?? "Invalid request");
    throw new AppError(400, "invalid_request", message, { field });
  });
}
