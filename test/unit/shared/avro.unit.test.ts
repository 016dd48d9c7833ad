import { describe, expect, it } from 'vitest';
import avro from 'avsc';
import { AvroCodec, DecodeError, loadSchemaCatalog } from '../../../services/shared/avro.ts';
import { crc64Avro } from '../../../services/shared/crc64-avro.ts';
import { sampleEvents } from '../../support/events.ts';
import { confluentFramed } from '../../support/confluent.ts';

describe('CRC-64-AVRO', () => {
  it('matches the Avro specification test vectors', () => {
    // From the Avro project's schema fingerprint tests (signed 64-bit values).
    const vectors: Array<[string, bigint]> = [
      ['"null"', 7195948357588979594n],
      ['"boolean"', -6970731678124411036n],
      ['"int"', 8247732601305521295n],
      ['"long"', -3434872931120570953n],
    ];
    for (const [schema, expected] of vectors) expect(BigInt.asIntN(64, crc64Avro(Buffer.from(schema)))).toBe(expected);
  });
});

describe('Avro codec', () => {
  const codec = new AvroCodec();

  it('round-trips every payload type with single-object framing', () => {
    for (const event of sampleEvents()) {
      const bytes = codec.encode('conversation-event', event);
      expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
      expect(codec.decode('conversation-event', bytes)).toEqual(event);
    }
  });

  it('decodes Confluent framing from the same log', () => {
    const [event] = sampleEvents();
    const bytes = confluentFramed(codec, 'conversation-event', event);
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(codec.latestVersion('conversation-event').id);
    expect(codec.decode('conversation-event', bytes)).toEqual(event);
  });

  it('round-trips enriched events that embed the conversation event', () => {
    const [event] = sampleEvents();
    const enriched = {
      event,
      enrichment: {
        language: 'it',
        language_supported: true,
        sentiment_score: -0.8,
        sentiment_label: 'negative',
        sentiment_confidence: 0.9,
        intent: 'complaint',
        needs_reply: true,
        model_version: 'test',
        human_override: false,
      },
      enriched_time: 1_700_000_000_500,
    };
    expect(codec.decode('enriched-event', codec.encode('enriched-event', enriched))).toEqual(enriched);
  });

  it('says why a record cannot be decoded', () => {
    const cases: Array<[Buffer | null, string]> = [
      [null, 'empty'],
      [Buffer.from([0x7b, 0x22]), 'bad-magic'],
      [Buffer.from([0xc3, 0x01, 1, 2]), 'truncated'],
      [Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0]), 'unknown-schema'],
      [Buffer.from([0, 0, 0, 0x30, 0x39, 0]), 'unknown-schema'],
      [Buffer.concat([codec.encode('conversation-event', sampleEvents()[0]).subarray(0, 14)]), 'corrupt'],
      [
        codec.encode('enriched-event', { event: sampleEvents()[0], enrichment: null, enriched_time: 1 }),
        'wrong-subject',
      ],
    ];
    for (const [bytes, reason] of cases) {
      let error: unknown;
      try {
        codec.decode('conversation-event', bytes);
      } catch (err) {
        error = err;
      }
      expect(error, reason).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).reason).toBe(reason);
    }
  });
});

describe('schema catalogue compatibility', () => {
  const versions = loadSchemaCatalog();

  it('has unique ids and fingerprints', () => {
    expect(new Set(versions.map((v) => v.id)).size).toBe(versions.length);
    expect(new Set(versions.map((v) => v.fingerprint.toString('hex'))).size).toBe(versions.length);
  });

  // Full compatibility: every version reads every other version of its subject, both ways, so
  // old consumers survive new producers and replays of old data work with new consumers.
  it('every version of a subject can read every other version, both ways', () => {
    const subjects = new Set(versions.map((v) => v.subject));
    for (const subject of subjects) {
      const own = versions.filter((v) => v.subject === subject);
      for (const reader of own) {
        for (const writer of own) {
          expect(
            () => reader.type.createResolver(writer.type),
            `${subject} v${reader.version} reads v${writer.version}`,
          ).not.toThrow();
        }
      }
    }
  });

  it('decodes data written with every catalogued version', () => {
    const codec = new AvroCodec(versions);
    for (const v of versions.filter((x) => x.subject === 'conversation-event')) {
      for (const event of sampleEvents()) {
        const bytes = Buffer.concat([Buffer.from([0xc3, 0x01]), v.fingerprint, v.type.toBuffer(event)]);
        const decoded = codec.decode<{ event_id: string }>('conversation-event', bytes);
        expect(decoded.event_id).toBe(event.event_id);
      }
    }
    expect(avro.Type.isType(versions[0]!.type)).toBe(true);
  });
});
