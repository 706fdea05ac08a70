// Discovers the management captures under vectors/mgmt (walked, never
// listed by hand: the holdout set has other files with the same layout).
// The other test/mgmt-*.test.ts files import the helpers; the checks at the
// bottom run only when this file is the test entry itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { vectorsDir } from '../../helpers/paths.js';

export const mgmtDir = join(vectorsDir, 'mgmt');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

export function mgmtFiles(suffix: string): string[] {
  return walk(mgmtDir).filter((f) => f.endsWith(suffix));
}

export function rel(file: string): string {
  return relative(mgmtDir, file);
}

/** One message per line, as hex. */
export function hexLines(file: string): Buffer[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => Buffer.from(l, 'hex'));
}

/** A capture line shorter than its header claims (the recording was cut). */
export function isCutShort(bytes: Buffer): boolean {
  return bytes.length < 8 || bytes.length < 8 + bytes.readUInt32BE(4);
}

export interface Conversation {
  name: string;
  c2s: Buffer[];
  s2c: Buffer[];
}

/** Every X.connN.c2s.hex that has its X.connN.s2c.hex partner. */
export function conversations(): Conversation[] {
  return mgmtFiles('.c2s.hex')
    .map((c2sFile) => ({ c2sFile, s2cFile: c2sFile.replace(/\.c2s\.hex$/, '.s2c.hex') }))
    .filter(({ s2cFile }) => existsSync(s2cFile))
    .map(({ c2sFile, s2cFile }) => ({ name: rel(c2sFile).replace(/\.c2s\.hex$/, ''), c2s: hexLines(c2sFile), s2c: hexLines(s2cFile) }));
}

export interface TranscriptTlv {
  tlv_type: number;
  management_id: number;
  mid_name: string;
  length: number;
  payload_hex?: string;
  log?: { log_version: number; buf_len: number; rcv_records_32B?: number };
}

export interface TranscriptMessage {
  version: number;
  action: number;
  action_name: string;
  reserved: number;
  payload_length: number;
  tlvs: TranscriptTlv[];
  conn: number;
  dir: 'c2s' | 's2c';
  index: number;
  hex?: string;
  hex_head?: string;
  truncated?: boolean;
}

export function transcripts(): { file: string; messages: TranscriptMessage[] }[] {
  return mgmtFiles('.transcript.json').map((file) => ({
    file,
    messages: JSON.parse(readFileSync(file, 'utf8')) as TranscriptMessage[],
  }));
}

export interface ProbeStep {
  sent_hex: string;
  received_hex: string;
  connection_closed: boolean | string;
}

export interface Probe {
  probe: string;
  steps: ProbeStep[];
  follow_up?: ProbeStep | string;
  target_alive_after?: boolean;
}

export function probeFiles(): string[] {
  return mgmtFiles('probes.json');
}

export function probes(file: string): Probe[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Probe[];
}

/** The raw TCP reads of a capture.jsonl, per direction. */
export function captureReads(file: string): { conn: number; dir: string; bytes: Buffer }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { conn?: number; dir?: string; hex?: string })
    .filter((r) => typeof r.hex === 'string' && typeof r.dir === 'string')
    .map((r) => ({ conn: r.conn ?? 1, dir: r.dir as string, bytes: Buffer.from(r.hex as string, 'hex') }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  test('the management vectors have the documented layout', () => {
    assert.ok(mgmtFiles('.hex').length > 0, `no .hex captures under ${mgmtDir}`);
    assert.ok(conversations().length > 0, 'no c2s/s2c capture pairs');
    assert.ok(transcripts().length > 0, 'no transcripts');
    assert.ok(probeFiles().length > 0, 'no probes.json');
  });
}
