// CLOCK_DESCRIPTION's networkProtocol (the doctor's "transport"): found past
// two variable-length fields, each length checked against what arrived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNetworkProtocol, networkProtocolName } from '../../../src/engine/ptpmon/datasets.js';
import { PtpMid } from '../../../src/engine/ptpmon/ids.js';
import { SHAPES } from '../../../src/engine/ptpmon/datasets.js';
import { encodeGet, parseReply, ACTION_RESPONSE, ALL_PORTS } from '../../../src/engine/ptpmon/message.js';

// clockType 0x8000 | "IEEE 802.3" | 6-byte MAC | networkProtocol 3, 6-byte address | manufacturer, texts...
const DATA = Buffer.from(
  '8000' + '0a' + Buffer.from('IEEE 802.3').toString('hex') + '0006' + '02aabbccddee' + '0003' + '0006' + '02aabbccddee' + '000000' + '00' + '000000' + '000000000000',
  'hex',
);

test('the network protocol of a ptp4l port on layer 2 and on UDPv4', () => {
  assert.equal(decodeNetworkProtocol(DATA), 3);
  assert.equal(networkProtocolName(3), 'IEEE 802.3 (layer 2)');
  const udp = Buffer.from(DATA);
  udp.writeUInt16BE(1, 2 + 1 + 10 + 2 + 6);
  assert.equal(decodeNetworkProtocol(udp), 1);
  assert.equal(networkProtocolName(1), 'UDPv4');
  assert.equal(networkProtocolName(77), 'network protocol 77');
});

test('a length that runs past the data gives null, not a read out of bounds', () => {
  assert.equal(decodeNetworkProtocol(DATA.subarray(0, 14)), null); // inside the physical address length
  const long = Buffer.from(DATA);
  long[2] = 200; // physicalLayerProtocol claims 200 bytes
  assert.equal(decodeNetworkProtocol(long), null);
});

test('a reply whose data is shorter than the shape\'s minimum is a bad reply', () => {
  const request = encodeGet({ sequenceId: 5, domainNumber: 0, transportSpecific: 0, source: ALL_PORTS, target: ALL_PORTS, mid: PtpMid.CLOCK_DESCRIPTION });
  const reply = (data: Buffer): Buffer => {
    const msg = Buffer.concat([request.subarray(0, 48), Buffer.alloc(6), data]);
    msg.writeUInt16BE(msg.length, 2);
    msg[46] = ACTION_RESPONSE;
    msg.writeUInt16BE(1, 48);
    msg.writeUInt16BE(2 + data.length, 50);
    msg.writeUInt16BE(PtpMid.CLOCK_DESCRIPTION, 52);
    return msg;
  };
  const shape = SHAPES[PtpMid.CLOCK_DESCRIPTION];
  const good = parseReply(reply(DATA), 5, PtpMid.CLOCK_DESCRIPTION, shape);
  assert.equal(good.kind, 'data');
  const short = parseReply(reply(DATA.subarray(0, 4)), 5, PtpMid.CLOCK_DESCRIPTION, shape);
  assert.equal(short.kind, 'bad');
});
