// The one table-driven test of hints: for each operation (bind/listen,
// connect, socket options, ioctls, file opens, the orchestrator's connects,
// worker start-up) every errno the call can return, and the hint it gets:
// a pattern naming the real cause, or null (no hint: we know no cause).
// `wrong` lists what the hint must NOT say (the wrong causes the issue found).
// A last test checks that every row of the product's table is listed here,
// so a hint cannot be added without saying what it is for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { E } from '../../src/core/errors.js';
import { HINTS, errorText, hintFor, hintLine, type HintOperation } from '../../src/core/hints.js';
import { sysError } from '../../src/sys/errors.js';

interface Row {
  op: HintOperation;
  errno: keyof typeof E;
  hint: RegExp | null;
  wrong?: RegExp;
}

const ctx = { ifname: 'vxa', address: '10.0.0.1', port: 5000, path: '/nonexistent/dir/f.dat' };
const ANOTHER_DAEMON = /another (daemon|program)|--stats-port$/;
const RCV_RUNNING = /running/;
const REALTIME = /real-time|CAP_SYS_NICE/;

const ROWS: Row[] = [
  // bind + listen of a management port (daemon -S, rcv -S)
  { op: 'listen', errno: 'EADDRINUSE', hint: /another program .* listens on this port: choose another with --stats-port/ },
  { op: 'listen', errno: 'EADDRNOTAVAIL', hint: /10\.0\.0\.1 is not an address of this host .*"ip addr"/, wrong: ANOTHER_DAEMON },
  { op: 'listen', errno: 'EACCES', hint: /below 1024 need root or CAP_NET_BIND_SERVICE/, wrong: ANOTHER_DAEMON },
  { op: 'listen', errno: 'EAFNOSUPPORT', hint: /IPv6 is disabled/, wrong: ANOTHER_DAEMON },
  { op: 'listen', errno: 'EINVAL', hint: /multicast or broadcast/, wrong: ANOTHER_DAEMON },
  { op: 'listen', errno: 'ENODEV', hint: null },
  { op: 'listen', errno: 'ENOMEM', hint: null },
  // bind of a UDP data socket
  { op: 'bind-udp', errno: 'EADDRINUSE', hint: /this UDP port: choose another with --data-port/, wrong: /--stats-port/ },
  { op: 'bind-udp', errno: 'EADDRNOTAVAIL', hint: /10\.0\.0\.1 is not an address of this host/ },
  { op: 'bind-udp', errno: 'EACCES', hint: null },
  // SO_BINDTODEVICE for "addr%dev"
  { op: 'bind-device', errno: 'ENODEV', hint: /interface vxa does not exist here: check the name with "ip link"/, wrong: ANOTHER_DAEMON },
  { op: 'bind-device', errno: 'EPERM', hint: /CAP_NET_RAW/ },
  { op: 'bind-device', errno: 'EINVAL', hint: null },
  // send --client: connect to the receiver
  { op: 'connect-receiver', errno: 'ECONNREFUSED', hint: /nothing listens there: is "isochron rcv" running on that host with --stats-port 5000\?/ },
  { op: 'connect-receiver', errno: 'EINVAL', hint: /refuses traffic \(a blackhole.*"ip route get 10\.0\.0\.1"/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'EHOSTUNREACH', hint: /no route to the host/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'ENETUNREACH', hint: /no route to the host/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'EACCES', hint: /refuses traffic/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'EPERM', hint: /firewall rule/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'ETIMEDOUT', hint: /no answer from the host.*TCP port 5000/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'ENETDOWN', hint: /interface toward the receiver is down/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'ENODEV', hint: /interface vxa does not exist/, wrong: RCV_RUNNING },
  { op: 'connect-receiver', errno: 'ECONNRESET', hint: null },
  // orchestrate: connect to a node
  { op: 'connect-node', errno: 'ECONNREFUSED', hint: /is "isochron daemon" \(or "isochron rcv"\) running on that host with --stats-port 5000\?/ },
  { op: 'connect-node', errno: 'EINVAL', hint: /refuses traffic/, wrong: RCV_RUNNING },
  { op: 'connect-node', errno: 'EHOSTUNREACH', hint: /no route to the host/, wrong: RCV_RUNNING },
  { op: 'connect-node', errno: 'ENETUNREACH', hint: /no route to the host/, wrong: RCV_RUNNING },
  { op: 'connect-node', errno: 'EACCES', hint: /refuses traffic/, wrong: RCV_RUNNING },
  { op: 'connect-node', errno: 'EPERM', hint: /firewall rule/, wrong: RCV_RUNNING },
  { op: 'connect-node', errno: 'ETIMEDOUT', hint: /no answer/, wrong: RCV_RUNNING },
  { op: 'connect-node', errno: 'ENETDOWN', hint: /toward the node is down/, wrong: RCV_RUNNING },
  { op: 'connect-node', errno: 'ENODEV', hint: /interface vxa does not exist/, wrong: RCV_RUNNING },
  // the data socket (AF_PACKET, UDP)
  { op: 'data-socket', errno: 'EPERM', hint: /root \(or CAP_NET_RAW/ },
  { op: 'data-socket', errno: 'EACCES', hint: /root \(or CAP_NET_RAW/ },
  { op: 'data-socket', errno: 'ENODEV', hint: /interface vxa does not exist/ },
  { op: 'data-socket', errno: 'ENETDOWN', hint: /interface vxa is down: "ip link set vxa up"/ },
  { op: 'data-socket', errno: 'EAFNOSUPPORT', hint: /AF_PACKET support/ },
  { op: 'data-socket', errno: 'ENOBUFS' as keyof typeof E, hint: null },
  // socket options
  { op: 'socket-option', errno: 'EPERM', hint: /SO_PRIORITY above 6 needs CAP_NET_ADMIN/ },
  { op: 'socket-option', errno: 'ENOPROTOOPT', hint: /SO_TXTIME needs Linux 4\.19/ },
  { op: 'socket-option', errno: 'EINVAL', hint: null },
  // ioctls
  { op: 'ioctl-hwtstamp', errno: 'EOPNOTSUPP', hint: /interface vxa has no hardware timestamping: add --omit-hwts/ },
  { op: 'ioctl-hwtstamp', errno: 'ERANGE', hint: /add --omit-hwts/ },
  { op: 'ioctl-hwtstamp', errno: 'EINVAL', hint: /add --omit-hwts/ },
  { op: 'ioctl-hwtstamp', errno: 'EPERM', hint: /CAP_NET_ADMIN/, wrong: /omit-hwts/ },
  { op: 'ioctl-hwtstamp', errno: 'ENODEV', hint: /does not exist/, wrong: /omit-hwts/ },
  { op: 'ioctl-hwtstamp', errno: 'EBUSY', hint: null },
  { op: 'ioctl-ts-info', errno: 'EOPNOTSUPP', hint: /--omit-hwts/ },
  { op: 'ioctl-ts-info', errno: 'ENODEV', hint: /does not exist/ },
  { op: 'ioctl-interface', errno: 'ENODEV', hint: /interface vxa does not exist here/ },
  { op: 'ioctl-interface', errno: 'ENXIO', hint: /does not exist/ },
  { op: 'ioctl-interface', errno: 'EFAULT', hint: null },
  // file opens
  { op: 'open-write', errno: 'ENOENT', hint: /directory of \/nonexistent\/dir\/f\.dat does not exist/ },
  { op: 'open-write', errno: 'EACCES', hint: /no permission to write/ },
  { op: 'open-write', errno: 'EISDIR', hint: /is a directory/ },
  { op: 'open-write', errno: 'ENOTDIR', hint: /not a directory/ },
  { op: 'open-write', errno: 'EROFS', hint: /read-only/ },
  { op: 'open-write', errno: 'ENOSPC', hint: /full/ },
  { op: 'open-write', errno: 'EIO', hint: null },
  { op: 'open-read', errno: 'ENOENT', hint: /does not exist: check the path/ },
  { op: 'open-read', errno: 'EACCES', hint: /no permission to read/ },
  { op: 'open-read', errno: 'EISDIR', hint: /is a directory/ },
  { op: 'open-phc', errno: 'ENOENT', hint: /no such PTP clock/ },
  { op: 'open-phc', errno: 'EACCES', hint: /needs root/ },
  { op: 'ptp4l-connect', errno: 'ENOENT', hint: /no socket at \/nonexistent.*is ptp4l running.*--omit-sync/ },
  { op: 'ptp4l-connect', errno: 'ECONNREFUSED', hint: /is ptp4l running/ },
  { op: 'ptp4l-connect', errno: 'EACCES', hint: /run as root/ },
  { op: 'unix-bind', errno: 'EADDRINUSE', hint: /stale file/ },
  { op: 'unix-bind', errno: 'EACCES', hint: /no permission/ },
  // worker start-up: scheduling of the loop thread, the thread itself
  { op: 'sched-policy', errno: 'EPERM', hint: /need root or CAP_SYS_NICE/ },
  { op: 'sched-policy', errno: 'EINVAL', hint: /add --sched-priority 1\.\.99/, wrong: /CAP_SYS_NICE/ },
  { op: 'sched-affinity', errno: 'EINVAL', hint: /--cpu-mask names no CPU/, wrong: REALTIME },
  { op: 'sched-affinity', errno: 'EPERM', hint: null },
  // any other call: only what holds whatever the call
  { op: 'syscall', errno: 'EPERM', hint: /run as root/ },
  { op: 'syscall', errno: 'EACCES', hint: /run as root/ },
  { op: 'syscall', errno: 'ENODEV', hint: /does not exist/ },
  { op: 'syscall', errno: 'ENETDOWN', hint: /is down/ },
  { op: 'syscall', errno: 'EADDRINUSE', hint: null },
  { op: 'syscall', errno: 'ENOMEM', hint: null },
  { op: 'syscall', errno: 'EINVAL', hint: null },
];

const errnoValue = (name: string): number => (E as Record<string, number>)[name] ?? (name === 'ENOBUFS' ? 105 : NaN);

for (const row of ROWS) {
  test(`hint for ${row.op} failing with ${row.errno}`, () => {
    const n = errnoValue(row.errno);
    assert.ok(Number.isInteger(n), `unknown errno ${row.errno}`);
    const hint = hintFor(row.op, n, ctx);
    if (row.hint === null) {
      assert.equal(hint, null);
      return;
    }
    assert.ok(hint, 'a hint');
    assert.match(hint, row.hint);
    if (row.wrong) assert.doesNotMatch(hint, row.wrong);
    // Either sign of errno: the kernel's (positive) and an error's (negative).
    assert.equal(hintFor(row.op, -n, ctx), hint);
  });
}

test('every row of the hint table is listed in this test', () => {
  const listed = new Set(ROWS.map((r) => `${r.op}/${errnoValue(r.errno)}`));
  for (const [op, rows] of Object.entries(HINTS)) {
    for (const errno of Object.keys(rows)) assert.ok(listed.has(`${op}/${errno}`), `${op} errno ${errno} has no row here`);
  }
});

test('a failed system call carries its hint apart from the message; printed after it with the stable code', () => {
  const e = sysError('ioctl(SIOCSHWTSTAMP, vxa)', E.EOPNOTSUPP, 'ioctl-hwtstamp', { ifname: 'vxa' });
  assert.equal(e.message, 'ioctl(SIOCSHWTSTAMP, vxa) failed: Operation not supported');
  assert.equal(e.errno, -E.EOPNOTSUPP);
  assert.equal(
    errorText(e),
    'ioctl(SIOCSHWTSTAMP, vxa) failed: Operation not supported\n' +
      'hint: interface vxa has no hardware timestamping: add --omit-hwts to use software timestamps (ISOCHRON_ERR_SYSCALL)\n',
  );
  // No cause known: no hint line at all.
  const plain = sysError('sendmsg', E.EMSGSIZE);
  assert.equal(plain.hint, null);
  assert.equal(errorText(plain), 'sendmsg failed: Message too long\n');
  assert.equal(hintLine('X', null), '');
});
