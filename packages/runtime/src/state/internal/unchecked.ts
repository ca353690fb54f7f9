import { isRecord } from '../../internal/wire.js';

/**
 * A payload of a generated protocol type as it arrives off the wire: the field names are the
 * generated ones (so a wire rename is a compile error after `codegen generate`), the values are not
 * checked yet (a newer or older codex may send other shapes; the reducer checks each value it reads).
 * For a union, only the fields every member has.
 */
export type Unchecked<T> = { readonly [K in keyof T & string]?: unknown };

/** Like {@link Unchecked}, with the fields of any member of a union (e.g. `ThreadItem`'s variants). */
export type UncheckedVariants<T> = { readonly [K in KeysOfAny<T> & string]?: unknown };

type KeysOfAny<T> = T extends unknown ? keyof T : never;

/** `value` as an unchecked `T` when it is an object; else an empty one. */
export function unchecked<T>(value: unknown): Unchecked<T> {
  return (isRecord(value) ? value : {}) as Unchecked<T>;
}

/** `value` as an unchecked member of the union `T` when it is an object; else an empty one. */
export function uncheckedVariants<T>(value: unknown): UncheckedVariants<T> {
  return (isRecord(value) ? value : {}) as UncheckedVariants<T>;
}
