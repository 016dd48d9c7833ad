/** The three class probabilities from their scores (shifted by the largest, so exp never overflows). */
export function softmax3(z0: number, z1: number, z2: number, out: Float64Array): void {
  const m = Math.max(z0, z1, z2);
  const e0 = Math.exp(z0 - m),
    e1 = Math.exp(z1 - m),
    e2 = Math.exp(z2 - m);
  const s = e0 + e1 + e2;
  out[0] = e0 / s;
  out[1] = e1 / s;
  out[2] = e2 / s;
}
