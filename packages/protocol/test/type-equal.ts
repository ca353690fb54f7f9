/**
 * Exact type equality by identity (the classic "same conditional type" trick). Cheaper than
 * `expectTypeOf(...).toEqualTypeOf` on the large generated unions, whose deep comparison is slow.
 * Use as `expectTypeOf<Equal<A, B>>().toEqualTypeOf<true>()`.
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
