// Hand-built PTP management replies for the ptpmon tests.

/** A RESPONSE as ptp4l builds it: header, management header, then the given TLVs. */
export function response(seq: number, tlvs: Buffer[], opts: { type?: number; version?: number; action?: number; claim?: number } = {}): Buffer {
  const body = Buffer.concat(tlvs);
  const b = Buffer.alloc(48 + body.length);
  b[0] = opts.type ?? 0x0d;
  b[1] = opts.version ?? 0x02;
  b.writeUInt16BE(opts.claim ?? b.length, 2);
  Buffer.from('aabbccfffe001122', 'hex').copy(b, 20);
  b.writeUInt16BE(0, 28);
  b.writeUInt16BE(seq, 30);
  b[32] = 4;
  b[33] = 0x7f;
  b[46] = opts.action ?? 2;
  body.copy(b, 48);
  return b;
}

export function mgmtTlv(mid: number, data: Buffer): Buffer {
  const t = Buffer.alloc(6 + data.length);
  t.writeUInt16BE(1, 0);
  t.writeUInt16BE(2 + data.length, 2);
  t.writeUInt16BE(mid, 4);
  data.copy(t, 6);
  return t;
}

