import type { AvroCodec, Subject } from '../../services/shared/avro.ts';

/**
 * `value` in Confluent Schema Registry framing (00, 4-byte schema id BE, body), as a producer using
 * the registry would write it. brandpulse never writes this framing, only reads it (services/shared/avro.ts),
 * so the writer lives with the tests that feed such records to the decoders.
 */
export function confluentFramed(codec: AvroCodec, subject: Subject, value: unknown): Buffer {
  const singleObject = codec.encode(subject, value);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(codec.latestVersion(subject).id, 1);
  // Single-object framing is C3 01 + an 8-byte fingerprint before the same Avro body.
  return Buffer.concat([header, singleObject.subarray(10)]);
}
