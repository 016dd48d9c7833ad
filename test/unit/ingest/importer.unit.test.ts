import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InflightBudget, Intake } from '../../../services/ingest/intake.ts';
import { MemoryPublisher } from '../../support/memory-publisher.ts';
import { hmacPseudonymizer } from '../../../services/ingest/pseudonym.ts';
import { importFile } from '../../../services/importer/importer.ts';
import { formatOf } from '../../../services/importer/read.ts';
import { DirectSink, type Numbered } from '../../../services/importer/sinks.ts';
import { posted } from './harness.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bp-import-'));
});

function directSink(publisher = new MemoryPublisher()) {
  const intake = new Intake({
    publisher,
    budget: new InflightBudget(10_000, 1e9),
    pseudonymize: hmacPseudonymizer('k'.repeat(16)),
    sendTimeoutMs: 1000,
  });
  return { publisher, sink: new DirectSink(intake, async () => undefined, { maxWaitMs: 0 }) };
}

const paths = (name: string) => ({
  file: join(dir, name),
  checkpointPath: join(dir, `${name}.checkpoint.json`),
  rejectsPath: join(dir, `${name}.rejects.ndjson`),
});
const rejects = (p: string) =>
  existsSync(p)
    ? readFileSync(p, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { line: number; reason: string })
    : [];

function ndjsonExport(n: number, badLines: number[] = []): string {
  return Array.from({ length: n }, (_, i) => {
    const line = i + 1;
    if (badLines.includes(line))
      return line % 2 === 0
        ? '{"type":"message_posted", broken'
        : JSON.stringify(posted({ message_id: `m-${line}`, text: undefined, platform: 'X' }));
    return JSON.stringify(posted({ message_id: `m-${line}`, thread_id: `t-${line % 7}` }));
  }).join('\n');
}

describe('brandpulse import', () => {
  it('tells the format from the file name or --format', () => {
    expect(formatOf('a.ndjson')).toBe('ndjson');
    expect(formatOf('a.jsonl')).toBe('ndjson');
    expect(formatOf('a.CSV')).toBe('csv');
    expect(formatOf('a.txt', 'csv')).toBe('csv');
    expect(() => formatOf('a.txt')).toThrow(/--format/);
  });

  it('imports NDJSON in batches and writes each rejected line with its reason', async () => {
    const p = paths('export.ndjson');
    writeFileSync(p.file, `${ndjsonExport(25, [4, 9])}\n\n`);
    const { publisher, sink } = directSink();
    const summary = await importFile({ ...p, format: 'ndjson', sink, batchSize: 10 });
    expect(summary).toMatchObject({ accepted: 23, rejected: 2, done: true });
    expect(publisher.published).toHaveLength(23);
    expect(publisher.published.every((e) => e.source === 'import')).toBe(true);
    const r = rejects(p.rejectsPath);
    expect(r.map((x) => x.line)).toEqual([4, 9]);
    expect(r[0]!.reason).toMatch(/not valid JSON/);
    expect(r[1]!.reason).toMatch(/platform: .*; text: /);
    // A finished import is not repeated.
    const again = await importFile({ ...p, format: 'ndjson', sink, batchSize: 10 });
    expect(again).toMatchObject({ done: true, alreadyDone: true });
    expect(publisher.published).toHaveLength(23);
  });

  it('imports CSV whose columns are the canonical fields', async () => {
    const p = paths('export.csv');
    writeFileSync(
      p.file,
      [
        'type,event_time,brand,platform,account_id,post_id,thread_id,message_id,parent_id,author_platform_id,author_role,text,language_hint,action,actor_id,target_message_id,reason,metadata',
        'message_posted,1714557600000,acme,facebook,page-1,post-1,c-1,c-1,,user-9,,"Late again, and the box was ""crushed""",en,,,,,"{""campaign"":""spring""}"',
        'message_posted,2024-05-01T10:05:00Z,acme,facebook,page-1,post-1,c-1,c-2,c-1,page-1,brand,"Sorry! DM us\nyour order number",en,,,,,',
        'moderation_action,2024-05-01T10:06:00Z,acme,facebook,page-1,post-1,c-1,,,,,,,hide,agent-3,c-1,abusive,',
        'message_posted,yesterday,acme,facebook,page-1,post-1,c-9,c-9,,user-9,,hi,,,,,,',
        'message_posted,1714557600000,acme,facebook,page-1,too,few,columns',
      ].join('\n'),
    );
    const { publisher, sink } = directSink();
    const summary = await importFile({ ...p, format: 'csv', sink, batchSize: 500 });
    expect(summary).toMatchObject({ accepted: 3, rejected: 2 });
    const [first, reply, hide] = publisher.published;
    expect(first).toMatchObject({ event_time: 1_714_557_600_000, metadata: { campaign: 'spring' }, thread_id: 'c-1' });
    expect(JSON.stringify(first!.payload)).toContain('the box was \\"crushed\\"');
    expect(reply!.payload).toMatchObject({
      'dev.brandpulse.events.MessagePosted': {
        kind: 'reply',
        author_role: 'brand',
        text: 'Sorry! DM us\nyour order number',
      },
    });
    expect(hide!.payload).toMatchObject({
      'dev.brandpulse.events.ModerationAction': { action: 'hide', reason: 'abusive', target_message_id: 'c-1' },
    });
    const r = rejects(p.rejectsPath);
    expect(r).toHaveLength(2);
    expect(r.find((x) => /event_time/.test(x.reason))?.line).toBe(6);
    expect(r.some((x) => /unreadable CSV row/.test(x.reason))).toBe(true);
  });

  it('resumes after an interruption without duplicating events or reject lines', async () => {
    const p = paths('big.ndjson');
    writeFileSync(p.file, ndjsonExport(95, [12, 57]));
    const publisher = new MemoryPublisher();
    const { sink: working } = directSink(publisher);
    let batches = 0;
    // Dies on the 4th batch, before it is acknowledged (the process was killed mid-import).
    const dying = {
      send: async (b: Numbered[]) => (++batches === 4 ? Promise.reject(new Error('killed')) : working.send(b)),
      close: async () => undefined,
    };
    await expect(importFile({ ...p, format: 'ndjson', sink: dying, batchSize: 10 })).rejects.toThrow('killed');
    const cp = JSON.parse(readFileSync(p.checkpointPath, 'utf8'));
    expect(cp).toMatchObject({ line: 31, accepted: 30, rejected: 1, done: false });
    expect(publisher.published).toHaveLength(30);

    const resumed = await importFile({ ...p, format: 'ndjson', sink: working, batchSize: 10 });
    expect(resumed).toMatchObject({ resumedAfterLine: 31, accepted: 93, rejected: 2, done: true });
    const ids = publisher.published.map((e) => e.event_id);
    expect(ids).toHaveLength(93);
    expect(new Set(ids).size).toBe(93);
    expect(rejects(p.rejectsPath).map((x) => x.line)).toEqual([12, 57]);
  });

  it('stops cleanly between batches when asked, and carries on from there', async () => {
    const p = paths('stop.ndjson');
    writeFileSync(p.file, ndjsonExport(40));
    const { publisher, sink } = directSink();
    const first = await importFile({
      ...p,
      format: 'ndjson',
      sink,
      batchSize: 10,
      shouldStop: () => publisher.published.length >= 20,
    });
    expect(first).toMatchObject({ accepted: 20, done: false, lastLine: 20 });
    const rest = await importFile({ ...p, format: 'ndjson', sink, batchSize: 10 });
    expect(rest).toMatchObject({ accepted: 40, done: true, resumedAfterLine: 20 });
    expect(new Set(publisher.published.map((e) => e.event_id)).size).toBe(40);
  });

  it('refuses a checkpoint that belongs to another file', async () => {
    const p = paths('swap.ndjson');
    writeFileSync(p.file, ndjsonExport(5));
    const { sink } = directSink();
    await importFile({ ...p, format: 'ndjson', sink, batchSize: 2, shouldStop: () => true });
    writeFileSync(p.file, ndjsonExport(6).split('\n').reverse().join('\n'));
    await expect(importFile({ ...p, format: 'ndjson', sink, batchSize: 2 })).rejects.toThrow(/different file/);
    const restarted = await importFile({ ...p, format: 'ndjson', sink, batchSize: 2, restart: true });
    expect(restarted).toMatchObject({ accepted: 6, done: true });
  });
});

describe('brandpulse import: the same bounds as the API', () => {
  it('writes out-of-window times and oversize fields to the rejects file, naming the field, and imports the rest', async () => {
    const p = paths('hostile.ndjson');
    writeFileSync(
      p.file,
      [
        JSON.stringify(posted({ message_id: 'ok-1' })),
        JSON.stringify(posted({ message_id: 'future', event_time: '9999-12-31T23:59:59Z' })),
        JSON.stringify(posted({ message_id: 'past', event_time: '1899-12-31T23:59:59+14:00' })),
        JSON.stringify(posted({ message_id: 'feb-30', event_time: '2024-02-30T10:00:00Z' })),
        JSON.stringify(posted({ message_id: 'x'.repeat(300) })),
        JSON.stringify(posted({ message_id: 'nul', text: 'a\u0000b' })),
        JSON.stringify(posted({ message_id: 'ok-2' })),
      ].join('\n'),
    );
    const { publisher, sink } = directSink();
    const summary = await importFile({ ...p, format: 'ndjson', sink, batchSize: 10 });
    expect(summary).toMatchObject({ accepted: 2, rejected: 5 });
    expect(
      publisher.published.map(
        (e) =>
          (e.payload as { 'dev.brandpulse.events.MessagePosted': { message_id: string } })[
            'dev.brandpulse.events.MessagePosted'
          ].message_id,
      ),
    ).toEqual(['ok-1', 'ok-2']);
    const r = rejects(p.rejectsPath);
    expect(r.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([
      [2, 'event_time'],
      [3, 'event_time'],
      [4, 'event_time'],
      [5, 'message_id'],
      [6, 'text'],
    ]);
  });

  it('checks CSV epoch milliseconds against the window too', async () => {
    const p = paths('times.csv');
    writeFileSync(
      p.file,
      [
        'type,event_time,brand,platform,account_id,thread_id,message_id,author_platform_id,text',
        'message_posted,99999999999999999999,acme,x,a,t,m1,u,hi',
        'message_posted,1714557600000,acme,x,a,t,m2,u,hi',
      ].join('\n'),
    );
    const { publisher, sink } = directSink();
    const summary = await importFile({ ...p, format: 'csv', sink, batchSize: 10 });
    expect(summary).toMatchObject({ accepted: 1, rejected: 1 });
    expect(publisher.published).toHaveLength(1);
    expect(rejects(p.rejectsPath)[0]!.reason).toMatch(/^event_time: must be between/);
  });
});
