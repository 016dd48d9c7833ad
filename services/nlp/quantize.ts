/**
 * How the linear models (sentiment, intent) store their weights: int16 with one scale, base64 in the
 * JSON file. Quarter the size of float64 text, and the same bytes on every training run.
 */
export function quantizeWeights(W: ArrayLike<number>): { weightScale: number; weights: string } {
  let max = 0;
  for (let i = 0; i < W.length; i++) max = Math.max(max, Math.abs(W[i]!));
  const scale = max > 0 ? max / 32767 : 1;
  const q = new Int16Array(W.length);
  for (let i = 0; i < W.length; i++) q[i] = Math.round(W[i]! / scale);
  return { weightScale: scale, weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64') };
}

/** The stored int16 weights, checked against the count the model's shape implies. */
export function readQuantizedWeights(weights: string, expected: number, what: string): Int16Array {
  const bytes = Buffer.from(weights, 'base64');
  const q = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (q.length !== expected) throw new Error(`${what} weights: expected ${expected} values, got ${q.length}`);
  return q;
}

export function dequantize(q: Int16Array, scale: number): Float32Array {
  const W = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) W[i] = q[i]! * scale;
  return W;
}
