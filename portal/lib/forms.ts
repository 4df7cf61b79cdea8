// Maps a proxy error onto a React Hook Form: `fields` onto their inputs, the message onto the form.
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError, errorMessage } from "@/lib/api/errors";

export const SERVER_ERROR = "root.server" as const;

export function applyApiError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fieldNames: readonly Path<T>[],
  fieldAliases: Partial<Record<string, Path<T>>> = {},
): void {
  let mapped = 0;
  if (error instanceof ApiError) {
    for (const { field, message } of error.fields) {
      const name = formField(field, fieldNames, fieldAliases);
      if (name) {
        setError(name, { type: "server", message }, { shouldFocus: mapped === 0 });
        mapped += 1;
      }
    }
  }
  if (mapped === 0 || !(error instanceof ApiError) || error.fields.length > mapped) {
    setError(SERVER_ERROR, { type: "server", message: errorMessage(error) });
  }
}

/** The form path for an API field: exact, aliased, or nested under a known field ("escalation_rules.0.target"). */
function formField<T extends FieldValues>(
  apiField: string,
  fieldNames: readonly Path<T>[],
  fieldAliases: Partial<Record<string, Path<T>>>,
): Path<T> | undefined {
  const field = apiField.replace(/^body\./, "");
  const alias = fieldAliases[field];
  if (alias) return alias;
  const known = fieldNames.find((name) => field === name || field.startsWith(`${name}.`));
  return known ? (field as Path<T>) : undefined;
}

/** "" → null, otherwise the number (the schema already checked the text). */
export function optionalNumber(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : Number(trimmed);
}

export const numberText = (value: number | string | null | undefined): string =>
  value === null || value === undefined ? "" : String(value);
