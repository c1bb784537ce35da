/** Typed reading of query parameters, and dropping the ones a request did not carry. */
import { invalidRequest } from "./errors.ts";

/** `T` with its possibly-undefined members made optional instead. */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops `undefined` members, so optional fields stay absent rather than present-and-undefined. */
export function defined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Defined<T>;
}

export function integerQuery(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^-?\d+$/.test(text)) throw invalidRequest(`${name} must be an integer, got '${text}'`);
  return Number(text);
}

export function booleanQuery(query: URLSearchParams, name: string): boolean | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (text !== "true" && text !== "false") throw invalidRequest(`${name} must be true or false, got '${text}'`);
  return text === "true";
}
