/** Alternating variants over rounds, so drift (thermal, other load) spreads over all of them. */

/** The variants in round `round`'s order: rotated by one each round. */
export function rotated<T>(variants: readonly T[], round: number): T[] {
  const shift = round % Math.max(1, variants.length);
  return [...variants.slice(shift), ...variants.slice(0, shift)];
}

/** Runs `measure` for every variant in every round, alternating; returns each variant's samples. */
export async function alternate<V extends string, R>(
  variants: readonly V[],
  rounds: number,
  measure: (variant: V, round: number) => Promise<R>,
): Promise<Record<V, R[]>> {
  const out = Object.fromEntries(variants.map((v) => [v, [] as R[]])) as Record<V, R[]>;
  for (let round = 0; round < rounds; round++) {
    for (const variant of rotated(variants, round)) out[variant].push(await measure(variant, round));
  }
  return out;
}
