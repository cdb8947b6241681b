import * as v from "valibot";
import { isCommonPassword } from "../lib/common-passwords";

const codePoints = (s: string) => [...s].length;
const nfkc = v.transform((s: string) => s.normalize("NFKC"));

const email = v.pipe(
  v.string("must be a string"),
  v.trim(),
  v.toLowerCase(),
  v.nonEmpty("is required"),
  v.maxLength(254, "must be at most 254 characters"),
  v.email("must be a valid email address"),
);

/** NFKC first so "ﬁ" and "fi" are one password; lengths in code points, never truncated. */
const newPassword = v.pipe(
  v.string("must be a string"),
  nfkc,
  v.check((s) => codePoints(s) >= 8, "must be at least 8 characters"),
  v.check((s) => codePoints(s) <= 128, "must be at most 128 characters"),
  v.check((s) => !isCommonPassword(s), "is too common; choose another"),
);

const anyPassword = v.pipe(v.string("must be a string"), nfkc, v.nonEmpty("is required"), v.maxLength(1024, "is too long"));

export const registerInput = v.object({
  username: v.pipe(
    v.string("must be a string"),
    v.trim(),
    nfkc,
    v.check((s) => codePoints(s) >= 3, "must be at least 3 characters"),
    v.check((s) => codePoints(s) <= 32, "must be at most 32 characters"),
    v.regex(/^[\p{L}\p{N}_.-]+$/u, "may contain only letters, digits, '_', '.' and '-'"),
  ),
  email,
  password: newPassword,
});

export const loginInput = v.object({ email, password: anyPassword });

export const refreshInput = v.object({ refresh_token: v.optional(v.pipe(v.string(), v.maxLength(512))) });

export const changePasswordInput = v.object({ current_password: anyPassword, new_password: newPassword });

export const deleteAccountInput = v.object({ password: anyPassword });

export const settingsInput = v.strictObject(
  {
    keep_metadata: v.optional(v.boolean("must be true or false")),
    never_send_to_ai: v.optional(v.boolean("must be true or false")),
  },
  "only keep_metadata and never_send_to_ai can be changed",
);

/** GET /auth/me/export?format=json (the default: a JSON document with signed URLs) or zip (the files too). */
export const exportInput = v.object({ format: v.optional(v.picklist(["json", "zip"], "must be json or zip"), "json") });
