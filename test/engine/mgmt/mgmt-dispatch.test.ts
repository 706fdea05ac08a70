// The shared serving-side dispatcher (src/engine/mgmt/dispatch.ts) on its own, with
// a small ops table: the reply rules a C peer relies on, the hooks the
// daemon uses (skipped TLVs, internal errors, a per-request context,
// backpressure) and GET_ERROR after a success that carried a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IsochronError } from '../../../src/core/errors.js';
import {
  Action,
  decodeErrorPayload,
  decodeMessage,
  dispatchMessage,
  encodeMessage,
  isMgmtRemoteError,
  MgmtOpError,
  MgmtRemoteError,
  Mid,
  MidErrorTable,
  type DispatchIo,
  type ManagementMessage,
  type OpsTable,
} from '../../../src/engine/mgmt/index.js';

interface Sent {
  mid: number;
  payload: Buffer;
}

function harness(extra: Partial<DispatchIo> = {}): { io: DispatchIo; sent: Sent[]; lines: string[] } {
  const sent: Sent[] = [];
  const lines: string[] = [];
  const io: DispatchIo = {
    send(reply) {
      const msg = decodeMessage(reply instanceof Uint8Array ? reply : Buffer.concat(reply));
      assert.equal(msg.action, Action.RESPONSE);
      assert.equal(msg.tlvs.length, 1);
      sent.push({ mid: msg.tlvs[0].mid, payload: msg.tlvs[0].payload });
    },
    log: (line) => lines.push(line),
    ...extra,
  };
  return { io, sent, lines };
}

const request = (action: number, tlvs: { mid: number; payload?: Uint8Array; tlvType?: number }[]): ManagementMessage =>
  decodeMessage(encodeMessage({ action, tlvs }));

const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};

test('GET/SET replies, C texts for unhandled MIDs and SET length, GET_ERROR afterwards', async () => {
  const stored: number[] = [];
  const ops: OpsTable = {
    [Mid.PRIORITY]: {
      get: () => ({ kind: 'reply', payload: u32(7) }),
      set: (p) => void stored.push(p.readUInt32BE(0)),
      size: 4,
    },
    [Mid.VID]: { get: () => Promise.reject(new MgmtOpError(-5, 'no VID here')) },
    [Mid.ETHERTYPE]: { get: () => { throw new IsochronError('ISOCHRON_ERR_TEST', 'typed failure', { errno: -22 }); } },
  };
  const errors = new MidErrorTable();
  const { io, sent, lines } = harness();
  await dispatchMessage(request(Action.GET, [{ mid: Mid.PRIORITY }, { mid: Mid.VID }, { mid: Mid.ETHERTYPE }, { mid: Mid.IF_NAME }, { mid: 99 }]), ops, errors, io, undefined);
  assert.deepEqual(sent.map((s) => [s.mid, s.payload.length]), [[Mid.PRIORITY, 4], [Mid.VID, 0], [Mid.ETHERTYPE, 0], [Mid.IF_NAME, 0], [99, 0]]);
  assert.deepEqual(lines, ['no VID here', 'typed failure', 'Unhandled GET for MID IF_NAME', 'Unrecognized MID 99']);

  sent.length = 0;
  await dispatchMessage(request(Action.SET, [{ mid: Mid.PRIORITY, payload: u32(3) }, { mid: Mid.PRIORITY, payload: Buffer.alloc(2) }, { mid: Mid.VID, payload: Buffer.alloc(2) }]), ops, errors, io, undefined);
  assert.deepEqual(stored, [3]);
  assert.deepEqual(sent.map((s) => s.payload), [u32(3), Buffer.alloc(0), Buffer.alloc(0)], 'SET echoes its payload, failures are empty');

  sent.length = 0;
  await dispatchMessage(request(Action.GET_ERROR, [{ mid: Mid.PRIORITY }, { mid: Mid.VID }, { mid: Mid.ETHERTYPE }, { mid: Mid.IF_NAME }, { mid: Mid.LOG }]), ops, errors, io, undefined);
  assert.deepEqual(sent.map((s) => decodeErrorPayload(s.payload)), [
    { rc: -22, extack: 'Expected 4 bytes for SET of MID PRIORITY, got 2' },
    { rc: -95, extack: 'Unhandled SET for MID VID' },
    { rc: -22, extack: 'typed failure' },
    { rc: -95, extack: 'Unhandled GET for MID IF_NAME' },
    { rc: 0, extack: '' },
  ]);
});

test('a note survives a successful GET (rc 0 with text, as C keeps its extack); held GETs send nothing', async () => {
  const ops: OpsTable = {
    [Mid.PORT_LINK_STATE]: { get: () => ({ kind: 'reply', payload: u32(0), note: { rc: 0, extack: 'Failed to query port eth9 link state' } }) },
    [Mid.LOG]: { get: () => ({ kind: 'held' }) },
  };
  const errors = new MidErrorTable();
  const { io, sent } = harness();
  await dispatchMessage(request(Action.GET, [{ mid: Mid.PORT_LINK_STATE }, { mid: Mid.LOG }]), ops, errors, io, undefined);
  assert.deepEqual(sent.map((s) => s.mid), [Mid.PORT_LINK_STATE]);
  assert.deepEqual(errors.get(Mid.PORT_LINK_STATE), { rc: 0, extack: 'Failed to query port eth9 link state' });
  assert.deepEqual(errors.get(Mid.LOG), { rc: 0, extack: '' });
});

test('hooks: skipped TLVs, internal errors, the per-request context and an awaited send', async () => {
  const seen: string[] = [];
  const ops: OpsTable<string> = {
    [Mid.PRIORITY]: { set: (_p, who) => void seen.push(who), size: 4 },
    [Mid.VID]: { get: () => { throw new TypeError('boom'); } },
  };
  const order: string[] = [];
  const skipped: number[] = [];
  const { io, sent, lines } = harness();
  const slowIo: DispatchIo = {
    ...io,
    send: (reply) => new Promise<void>((resolve) => setTimeout(() => {
      io.send(reply);
      order.push('sent');
      resolve();
    }, 5)),
    skipped: (tlv) => skipped.push(tlv.tlvType),
    internalError: (mid, err) => new MgmtOpError(-5, `MID ${mid}: ${String(err)}`),
  };
  const errors = new MidErrorTable();
  const done = dispatchMessage(request(Action.SET, [{ mid: Mid.PRIORITY, payload: u32(1) }, { tlvType: 4, mid: Mid.PRIORITY, payload: u32(2) }]), ops, errors, slowIo, 'peer 1');
  order.push('dispatching');
  await done;
  assert.deepEqual(order, ['dispatching', 'sent']);
  assert.deepEqual(seen, ['peer 1']);
  assert.deepEqual(skipped, [4]);
  // One reply: the SET of the first TLV; the skipped TLV gets none.
  assert.deepEqual(sent.map((s) => s.mid), [Mid.PRIORITY]);
  await dispatchMessage(request(Action.GET, [{ mid: Mid.VID }]), ops, errors, slowIo, 'peer 2');
  assert.deepEqual(sent.map((s) => s.mid), [Mid.PRIORITY, Mid.VID]);
  assert.equal(sent[1].payload.length, 0);
  assert.deepEqual(errors.get(Mid.VID), { rc: -5, extack: `MID ${Mid.VID}: TypeError: boom` });
  // Without the hook a bug is still an answer, not a crash.
  const plain = harness();
  await dispatchMessage(request(Action.GET, [{ mid: Mid.VID }]), ops, errors, plain.io, 'peer 3');
  assert.deepEqual(errors.get(Mid.VID), { rc: -5, extack: 'internal error: boom' });
  assert.equal(plain.sent[0].payload.length, 0);
  assert.deepEqual(lines, [`MID ${Mid.VID}: TypeError: boom`]);
});

test('the remote error carries rc and extack as fields', () => {
  const err = MgmtRemoteError('SET', 'IF_NAME', -22, 'Truncation while copying string');
  assert.ok(isMgmtRemoteError(err));
  assert.equal(err.code, MgmtRemoteError.code);
  assert.deepEqual([err.op, err.mid, err.rc, err.extack], ['SET', 'IF_NAME', -22, 'Truncation while copying string']);
  assert.equal(err.message, 'SET of MID IF_NAME failed on the peer: Remote error -22: Truncation while copying string');
  assert.equal(isMgmtRemoteError(new IsochronError(MgmtRemoteError.code, 'SET of MID X failed on the peer: Remote error -1')), false);
  assert.equal(isMgmtRemoteError(new Error('x')), false);
});
