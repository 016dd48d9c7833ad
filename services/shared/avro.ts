import avro from 'avsc';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprintBytes } from './crc64-avro.ts';

/**
 * The Avro codec every service uses. Two framings share one log:
 * - Avro single-object encoding (the one we write): C3 01, 8-byte CRC-64-AVRO fingerprint (LE), body;
 * - Confluent Schema Registry framing (read only, from producers that use a registry): 00, 4-byte
 *   schema id (BE), body — ids come from schemas/catalog.json.
 * Decoding resolves whichever schema version wrote the record to the latest version of the subject,
 * so consumers always see one shape.
 */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

export type Subject = 'conversation-event' | 'enriched-event' | 'alert-event';

export class DecodeError extends Error {
  readonly retriable = false;
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

interface CatalogEntry {
  version: number;
  id: number;
  file: string;
  references?: string[];
}
interface Catalog {
  subjects: Record<string, CatalogEntry[]>;
}

export interface SchemaVersion {
  subject: Subject;
  version: number;
  id: number;
  type: avro.Type;
  fingerprint: Buffer;
}

function parseVersion(
  dir: string,
  subject: string,
  entry: CatalogEntry,
  registry: Record<string, avro.Type>,
  catalog: Catalog,
): avro.Type {
  // Referenced subjects are parsed first, at the latest version, into the registry so that the
  // schema can name their types.
  for (const ref of entry.references ?? []) {
    const refEntries = catalog.subjects[ref];
    const latest = refEntries?.[refEntries.length - 1];
    if (!latest) throw new Error(`schema ${subject} v${entry.version} references unknown subject ${ref}`);
    parseVersion(dir, ref, latest, registry, catalog);
  }
  const schema = JSON.parse(readFileSync(join(dir, entry.file), 'utf8')) as avro.Schema;
  return avro.Type.forSchema(schema, { registry });
}

export function loadSchemaCatalog(dir = SCHEMAS_DIR): SchemaVersion[] {
  const catalog = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as Catalog;
  const versions: SchemaVersion[] = [];
  for (const [subject, entries] of Object.entries(catalog.subjects)) {
    for (const entry of entries) {
      const type = parseVersion(dir, subject, entry, {}, catalog);
      versions.push({
        subject: subject as Subject,
        version: entry.version,
        id: entry.id,
        type,
        fingerprint: fingerprintBytes(JSON.stringify(type.schema())),
      });
    }
  }
  return versions;
}

const SINGLE_OBJECT_MAGIC = [0xc3, 0x01] as const;
/** Magic (2) and CRC-64-AVRO fingerprint (8). */
const SINGLE_OBJECT_HEADER = 10;

export class AvroCodec {
  private readonly latest = new Map<Subject, SchemaVersion>();
  private readonly byFingerprint = new Map<string, SchemaVersion>();
  private readonly byId = new Map<number, SchemaVersion>();
  private readonly resolvers = new Map<string, avro.Resolver>();

  constructor(readonly versions: SchemaVersion[] = loadSchemaCatalog()) {
    for (const v of versions) {
      const current = this.latest.get(v.subject);
      if (!current || current.version < v.version) this.latest.set(v.subject, v);
      this.byFingerprint.set(v.fingerprint.toString('hex'), v);
      this.byId.set(v.id, v);
    }
  }

  latestVersion(subject: Subject): SchemaVersion {
    const v = this.latest.get(subject);
    if (!v) throw new Error(`no schema for subject ${subject}`);
    return v;
  }

  /** `value` as the latest version of `subject`, in single-object framing. */
  encode(subject: Subject, value: unknown): Buffer {
    const v = this.latestVersion(subject);
    return this.framed(v, null, v.type, value);
  }

  /**
   * An enriched event whose `event` was decoded from `raw` (a conversation-event record), encoded
   * without encoding that event again: an enriched event's body starts with its event's body (the
   * first field), so the raw record's body is copied and only the enrichment is encoded after it.
   * Byte for byte what encode('enriched-event', value) writes for the same values; it falls back to
   * that when `raw` was written with another schema version or framing (its bytes would not be the
   * latest version's).
   */
  encodeEnriched(value: { event: unknown; enrichment: unknown; enriched_time: number }, raw: Buffer | null): Buffer {
    const splice = this.enrichedSplice();
    if (splice === null || raw === null || !this.isLatestSingleObject(raw, splice.event)) {
      return this.encode('enriched-event', value);
    }
    return this.framed(splice.enriched, raw.subarray(SINGLE_OBJECT_HEADER), splice.tail, value);
  }

  private isLatestSingleObject(raw: Buffer, v: SchemaVersion): boolean {
    return (
      raw.length > SINGLE_OBJECT_HEADER &&
      raw[0] === SINGLE_OBJECT_MAGIC[0] &&
      raw[1] === SINGLE_OBJECT_MAGIC[1] &&
      v.fingerprint.equals(raw.subarray(2, SINGLE_OBJECT_HEADER))
    );
  }

  private splice: { enriched: SchemaVersion; event: SchemaVersion; tail: avro.Type } | null | undefined;

  /** The enriched event's fields after `event`, as a record of their own; null if `event` is not its first field. */
  private enrichedSplice(): { enriched: SchemaVersion; event: SchemaVersion; tail: avro.Type } | null {
    if (this.splice !== undefined) return this.splice;
    const enriched = this.latest.get('enriched-event');
    const event = this.latest.get('conversation-event');
    const fields = enriched?.type instanceof avro.types.RecordType ? enriched.type.fields : [];
    const first = fields[0];
    this.splice =
      enriched && event && first?.name === 'event' && first.type.equals(event.type)
        ? {
            enriched,
            event,
            tail: avro.Type.forSchema({
              type: 'record',
              name: 'EnrichedEventTail',
              namespace: 'dev.brandpulse.codec',
              fields: fields.slice(1).map((f) => ({ name: f.name, type: f.type })),
            }),
          }
        : null;
    return this.splice;
  }

  /** Scratch space for encoding: the frame and body are written once, then copied out at their size. */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  /** Single-object frame of `v` | `prefix` | `type`'s encoding of `value`, in one buffer of the exact size. */
  private framed(v: SchemaVersion, prefix: Buffer | null, type: avro.Type, value: unknown): Buffer {
    for (;;) {
      const buf = this.scratch;
      const start = SINGLE_OBJECT_HEADER + (prefix?.length ?? 0);
      if (start <= buf.length) {
        buf[0] = SINGLE_OBJECT_MAGIC[0];
        buf[1] = SINGLE_OBJECT_MAGIC[1];
        v.fingerprint.copy(buf, 2);
        prefix?.copy(buf, SINGLE_OBJECT_HEADER);
        // avsc returns the end, or minus the bytes missing when the buffer was too small.
        const end = type.encode(value, buf, start);
        if (end >= 0) {
          const out = Buffer.allocUnsafe(end);
          buf.copy(out, 0, 0, end);
          return out;
        }
        this.scratch = Buffer.allocUnsafe(Math.max(2 * buf.length, buf.length - end));
      } else this.scratch = Buffer.allocUnsafe(2 * start);
    }
  }

  /** Decodes either framing into the latest version of `subject`. Throws DecodeError with a reason. */
  decode<T = unknown>(subject: Subject, bytes: Buffer | null): T {
    if (!bytes || bytes.length === 0) throw new DecodeError('empty', 'record has no value');
    let writer: SchemaVersion | undefined;
    let offset: number;
    if (bytes[0] === SINGLE_OBJECT_MAGIC[0] && bytes[1] === SINGLE_OBJECT_MAGIC[1]) {
      if (bytes.length < 10) throw new DecodeError('truncated', 'single-object header is truncated');
      const fp = bytes.subarray(2, 10).toString('hex');
      writer = this.byFingerprint.get(fp);
      if (!writer) throw new DecodeError('unknown-schema', `no schema in the catalogue has fingerprint ${fp}`);
      offset = 10;
    } else if (bytes[0] === 0x00) {
      if (bytes.length < 5) throw new DecodeError('truncated', 'confluent header is truncated');
      const id = bytes.readUInt32BE(1);
      writer = this.byId.get(id);
      if (!writer) throw new DecodeError('unknown-schema', `no schema in the catalogue has id ${id}`);
      offset = 5;
    } else {
      throw new DecodeError('bad-magic', `unknown framing: first byte 0x${bytes[0]!.toString(16).padStart(2, '0')}`);
    }
    if (writer.subject !== subject) {
      throw new DecodeError('wrong-subject', `record was written as ${writer.subject}, expected ${subject}`);
    }
    const reader = this.latestVersion(subject);
    const body = bytes.subarray(offset);
    try {
      if (writer === reader) return reader.type.fromBuffer(body) as T;
      return reader.type.fromBuffer(body, this.resolver(writer, reader)) as T;
    } catch (err) {
      throw new DecodeError('corrupt', `cannot decode ${subject} v${writer.version}: ${(err as Error).message}`);
    }
  }

  private resolver(writer: SchemaVersion, reader: SchemaVersion): avro.Resolver {
    const key = `${writer.fingerprint.toString('hex')}>${reader.fingerprint.toString('hex')}`;
    let r = this.resolvers.get(key);
    if (!r) {
      r = reader.type.createResolver(writer.type);
      this.resolvers.set(key, r);
    }
    return r;
  }
}
