/** Drops keys whose value is undefined, so parsed JSON stays small and schema-exact. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
