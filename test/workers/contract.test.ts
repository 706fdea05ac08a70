// What crosses threads (workers/contract.ts): a worker's error keeps its
// code, errno and message through structured cloning, whichever worker
// raised it; anything that is not an IsochronError gets the worker's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IsochronError } from '../../src/core/errors.js';
import { decodeWorkerError, encodeWorkerError } from '../../workers/contract.js';
import { RcvDataSocket, RcvLoopFailed, SendPacketFailed, SendWorkerFailed } from '../../workers/errors.js';

test('worker results carry errors across threads with their code and errno', () => {
  for (const e of [SendPacketFailed('Message too long', 3), RcvDataSocket('L2', 'eth0', 'No such device')]) {
    const back = decodeWorkerError(structuredClone(encodeWorkerError(e)));
    assert.ok(back instanceof IsochronError);
    assert.deepEqual([back.code, back.errno, back.message], [e.code, e.errno, e.message]);
  }
  const bug = encodeWorkerError(new Error('boom'), (x) => SendWorkerFailed('send', x.message));
  assert.deepEqual(bug, { code: 'ISOCHRON_ERR_SEND_WORKER', errno: SendWorkerFailed.errno, message: 'send thread failed: boom', hint: null });
  const thrown = encodeWorkerError('not an Error', (x) => RcvLoopFailed(x.message));
  assert.deepEqual(thrown, { code: 'ISOCHRON_ERR_RCV_LOOP_FAILED', errno: RcvLoopFailed.errno, message: 'The receive loop stopped: not an Error', hint: null });
});
