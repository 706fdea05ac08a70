// Bad input against the daemon: every probe of
// vectors/mgmt/malformed_daemon/probes.json (recorded against the C daemon)
// plus our own. For each: the daemon answers exactly the requests our
// framing rules recognise (one reply per MANAGEMENT TLV), closes the
// connection only when the stream can no longer be framed, never stays
// silent on a valid request, matches the C reply byte for byte wherever C
// was still in sync, and keeps serving a fresh connection afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Action, decodeMessage, encodeGet, encodeMessage, ManagementReader, Mid } from '../../../src/engine/mgmt/index.js';
import { vectorsDir } from '../../helpers/paths.js';
import { RawPeer, sleep, startInProcess } from '../../helpers/daemon-support.js';

interface Step {
  sent_hex: string;
  received_hex: string;
}
interface Probe {
  probe: string;
  steps: Step[];
  follow_up?: Step | string;
}

const recorded: Probe[] = JSON.parse(readFileSync(join(vectorsDir, 'mgmt', 'malformed_daemon', 'probes.json'), 'utf8'));

const hex = (b: Buffer): string => b.toString('hex');
const role = hex(encodeMessage({ action: Action.SET, tlvs: [{ mid: Mid.NODE_ROLE, payload: Buffer.alloc(4) }] }));
const getTai = hex(encodeGet(Mid.CURRENT_CLOCK_TAI));

/** Our own probes, in the recorded format (received_hex unknown for C: ''). */
const own: Probe[] = [
  { probe: 'own_three_tlvs_one_message', steps: [{ sent_hex: hex(encodeMessage({ action: Action.GET, tlvs: [{ mid: Mid.TEST_STATE }, { mid: 77 }, { mid: Mid.CURRENT_CLOCK_TAI }] })), received_hex: '' }], follow_up: { sent_hex: role, received_hex: '' } },
  { probe: 'own_65_tlvs', steps: [{ sent_hex: hex(encodeMessage({ action: Action.GET, tlvs: Array.from({ length: 65 }, () => ({ mid: Mid.TEST_STATE })) })), received_hex: '' }], follow_up: { sent_hex: role, received_hex: '' } },
  { probe: 'own_payload_length_3', steps: [{ sent_hex: '0200000000000003aabbcc', received_hex: '' }], follow_up: { sent_hex: role, received_hex: '' } },
  { probe: 'own_tlv_claims_more_than_payload', steps: [{ sent_hex: '020100000000000c0000000900000010' + '00000000', received_hex: '' }], follow_up: { sent_hex: role, received_hex: '' } },
  { probe: 'own_set_byte_by_byte', steps: role.match(/../g)!.map((b) => ({ sent_hex: b, received_hex: '' })), follow_up: { sent_hex: getTai, received_hex: '' } },
  { probe: 'own_response_8191_payload', steps: [{ sent_hex: '020200001fff' + '0000' + '00'.repeat(8191 - 2), received_hex: '' }], follow_up: { sent_hex: role, received_hex: '' } },
  { probe: 'own_get_with_payload', steps: [{ sent_hex: hex(encodeMessage({ action: Action.GET, tlvs: [{ mid: Mid.CURRENT_CLOCK_TAI, payload: Buffer.alloc(8) }] })), received_hex: '' }], follow_up: { sent_hex: role, received_hex: '' } },
  { probe: 'own_get_error_unknown_mid', steps: [{ sent_hex: hex(encodeGet(0xffff, Action.GET_ERROR)), received_hex: '' }], follow_up: { sent_hex: role, received_hex: '' } },
  { probe: 'own_garbage_then_close', steps: [{ sent_hex: 'ff'.repeat(64), received_hex: '' }], follow_up: 'client closed the connection' },
];

/** What our framing makes of the bytes: replies owed per step, and whether the stream dies. */
/**
 * `clean[i]`: no framing error up to step i. The C daemon handles framing
 * errors differently (quirks 19-21, 24), so its later replies are only
 * comparable while the stream was clean.
 */
function expectation(chunks: Buffer[]): { owed: number[]; deadAfter: number | null; idleBefore: boolean[]; clean: boolean[] } {
  const reader = new ManagementReader({ accept: 'requests' });
  const owed: number[] = [];
  const idleBefore: boolean[] = [];
  const clean: boolean[] = [];
  let total = 0;
  let ok = true;
  let deadAfter: number | null = null;
  chunks.forEach((c, i) => {
    idleBefore.push(reader.idle);
    for (const ev of reader.push(c)) {
      if (ev.type === 'message') total += ev.message.tlvs.filter((t) => t.tlvType === 0).length;
      else ok = false;
    }
    if (reader.failed && deadAfter === null) deadAfter = i;
    owed.push(total);
    clean.push(ok);
  });
  return { owed, deadAfter, idleBefore, clean };
}

function singleTlvMessage(h: string): boolean {
  try {
    return decodeMessage(Buffer.from(h, 'hex')).tlvs.length === 1;
  } catch {
    return false;
  }
}

for (const probe of [...recorded, ...own]) {
  test(`probe ${probe.probe}: no crash, no hang, replies as framed, C replies where in sync`, async () => {
    const { server, port, log } = await startInProcess();
    try {
      const steps = [...probe.steps, ...(typeof probe.follow_up === 'object' ? [probe.follow_up] : [])];
      const chunks = steps.map((s) => Buffer.from(s.sent_hex, 'hex'));
      const { owed, deadAfter, idleBefore, clean } = expectation(chunks);
      const p = await RawPeer.connect(port);
      for (let i = 0; i < steps.length; i++) {
        if (p.closed) break;
        const before = p.messages.length;
        p.send(chunks[i]);
        await p.waitMessages(owed[i], 2000);
        await sleep(owed[i] > before ? 20 : 80);
        if (deadAfter !== null && i >= deadAfter) break;
        assert.equal(p.messages.length, owed[i], `step ${i}: replies owed ${owed[i]}, got ${p.messages.length}`);
        const ours = Buffer.concat(p.messages.slice(before).map((m) => encodeMessage(m)));
        // Where C was still in sync and the step is one plain request, the reply is C's.
        const c = steps[i].received_hex;
        if (clean[i] && idleBefore[i] && c !== '' && singleTlvMessage(steps[i].sent_hex)) {
          assert.equal(hex(ours), c, `step ${i}: same reply as the C daemon`);
        }
      }
      if (deadAfter !== null) {
        const deadline = Date.now() + 2000;
        while (!p.closed && Date.now() < deadline) await sleep(10);
        assert.ok(p.closed, 'a stream that cannot be framed is closed');
        assert.match(log.text(), /ISOCHRON_ERR_MGMT_TOO_LARGE|ISOCHRON_ERR_MGMT_READER_CLOSED|ISOCHRON_ERR_MGMT_INTERNAL/);
      } else {
        assert.ok(!p.closed, 'the connection stays usable');
      }
      p.close();
      // The daemon still serves a fresh client.
      const q = await RawPeer.connect(port);
      const r = await q.ask(encodeGet(Mid.CURRENT_CLOCK_TAI));
      assert.equal(r.tlvs[0].mid, Mid.CURRENT_CLOCK_TAI);
      assert.equal(r.tlvs[0].payload.length, 8);
      q.close();
    } finally {
      await server.close();
    }
  });
}

test('the recorded probes include the C log lines we also write', async () => {
  const text = readFileSync(join(vectorsDir, 'mgmt', 'malformed_daemon', 'daemon.log.txt'), 'utf8');
  const { server, port, log } = await startInProcess();
  try {
    for (const probe of recorded) {
      const p = await RawPeer.connect(port);
      for (const s of probe.steps) p.send(Buffer.from(s.sent_hex, 'hex'));
      await sleep(30);
      p.close();
    }
    await sleep(100);
    // The handler texts C logs (extack lines) appear in our log too.
    for (const line of text.split('\n')) {
      if (/^(Sender role not instantiated|Unhandled (GET|SET) for MID \w+|Expected \d+ bytes for SET of MID \w+, got \d+|Unrecognized MID \d+|Unexpected node role \d+)$/.test(line)) {
        assert.ok(log.text().includes(line), `log has "${line}"`);
      }
    }
  } finally {
    await server.close();
  }
});
