/**
 * CRC-64-AVRO, the fingerprint the Avro spec uses for single-object encoding.
 * avsc offers only the platform's crypto hashes (md5, sha256), not this one, so it lives here;
 * the reference values in the unit tests come from the Avro spec's own test vectors.
 */
const EMPTY = 0xc15d213aa4d7a795n;

const TABLE: bigint[] = (() => {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
    table.push(fp & 0xffffffffffffffffn);
  }
  return table;
})();

export function crc64Avro(data: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of data) fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(byte)) & 0xffn)]!;
  return fp;
}

/** The 8 bytes that follow C3 01 in single-object encoding: the fingerprint, little-endian. */
export function fingerprintBytes(canonicalSchema: string): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(crc64Avro(Buffer.from(canonicalSchema, 'utf8')));
  return out;
}
