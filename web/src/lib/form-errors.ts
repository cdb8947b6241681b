import { ApiError } from "./api";

/** The input an error belongs to: "tags.3" (one item of a list) belongs to "tags". */
const inputOf = (field: string) => field.split(".")[0];

/** The message for one input, when the API named it as the field at fault ("password: too short" → "Password too short"). */
export function fieldError(error: unknown, field: string, label: string): string | undefined {
  if (!(error instanceof ApiError) || !error.field || inputOf(error.field) !== field) return undefined;
  const prefix = `${error.field}: `;
  return error.message.startsWith(prefix) ? `${label} ${error.message.slice(prefix.length)}` : error.message;
}

/** A message for the whole form: any error not tied to one of its fields. */
export function formError(error: unknown, fields: string[]): string | undefined {
  if (!error) return undefined;
  if (error instanceof ApiError) {
    if (error.field && fields.includes(inputOf(error.field))) return undefined;
    return error.message;
  }
  return "Something went wrong; check your connection and try again";
}
