// The orchestration file reader: the C format (the recorded files, C's
// comment/quote/continuation rules, exec-line splitting) and a line number
// plus a stable code for every malformed file. Property: random text either
// parses or fails with an ISOCHRON_ERR_ORCH_* error, never anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isIsochronError } from '../../../src/core/errors.js';
import { logicalLines, parseOrchestrationFile, stripComment } from '../../../src/verbs/orchestrate/ini.js';
import { parseExecLine, splitExecLine } from '../../../src/verbs/orchestrate/exec-line.js';
import { planFromText } from '../../../src/verbs/orchestrate/run.js';
import { vectorsDir } from '../../helpers/paths.js';

const F = 'test.ini';
const EXEC = 'isochron send -i eth0 -c 0.001 -s 64 -n 10 --client 10.0.0.2 --omit-sync';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isIsochronError(err), `not an IsochronError: ${String(err)}`);
    return err.code;
  }
  return 'OK';
}

function errorOf(fn: () => unknown): Error & { code: string; errno: number } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code: string; errno: number };
  }
  throw new Error('no error');
}

test('every recorded orchestration.ini parses to its node with host, port and exec options', () => {
  const dir = join(vectorsDir, 'mgmt');
  const files = readdirSync(dir).map((d) => join(dir, d, 'orchestration.ini')).filter(existsSync);
  assert.ok(files.length > 0);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const plans = planFromText(text, file, { io: { out: () => undefined, err: () => undefined }, kernelUtcTaiOffset: () => 0 });
    const sections = [...text.matchAll(/^\s*\[([^\]]+)\]/gm)].map((m) => m[1]);
    assert.deepEqual(plans.map((p) => p.name), sections, file);
    for (const p of plans) {
      const host = /^\s*host\s*=\s*(\S+)/m.exec(text)![1];
      assert.equal(p.daemon.address, host);
      const port = /^\s*port\s*=\s*(\d+)/m.exec(text);
      assert.equal(p.daemon.port, port ? Number(port[1]) : 5000);
      const client = /--client\s+(\S+)/.exec(text);
      assert.equal(p.receiver?.address, client?.[1]);
      const frames = /--num-frames\s+(\d+)/.exec(text);
      if (frames) assert.equal(p.send.numFrames, BigInt(frames[1]));
      assert.equal(p.send.omitHwts, /--omit-hwts/.test(text), file);
    }
  }
});

test('C rules: continuations, comments, whitespace, escapes, key = value at the first "="', () => {
  const text = [
    '  # leading comment \\',
    'still the comment (continued by the backslash)',
    '',
    '[ node one ]   # trailing comment',
    '\thost=10.0.0.1',
    'port = 0x1389 # hex like strtoul(.., 0)',
    `exec = ${EXEC} \\`,
    '   --output-file "a b#c.dat"   # quoted # kept',
    '[two]',
    'exec = isochron send -i eth1 -c 0.002 -s 100 --dmac 02:00:00:00:00:01 --omit-sync',
    'host = fd00::1%eth9',
    'port = 010',
  ].join('\n');
  const nodes = parseOrchestrationFile(text, F);
  assert.equal(nodes.length, 2);
  assert.equal(nodes[0].name, ' node one ');
  assert.equal(nodes[0].line, 4);
  assert.equal(nodes[0].port, 0x1389);
  assert.equal(nodes[0].exec.line, 7);
  assert.equal(nodes[0].exec.text, `${EXEC}     --output-file "a b#c.dat"`);
  assert.deepEqual(splitExecLine(nodes[0].exec.text, F, 7).slice(-2), ['--output-file', 'a b#c.dat']);
  assert.equal(nodes[1].host.device, 'eth9');
  assert.equal(nodes[1].host.family, 6);
  assert.equal(nodes[1].port, 8, 'octal like strtoul base 0');
  const opts = parseExecLine(nodes[0].exec, { file: F, node: nodes[0].name });
  assert.equal(opts.outputFile, 'a b#c.dat');
  assert.equal(opts.interface, 'eth0');
});

test('C quirks kept: "\\n" splits a line, a "#" before a quoted string is not a comment, port 0 = default', () => {
  const nodes = parseOrchestrationFile(`[a]\\nhost = 1.2.3.4\nport = 0\nexec = ${EXEC} # x "y"`, F);
  assert.equal(nodes[0].host.address, '1.2.3.4');
  assert.equal(nodes[0].port, 5000);
  assert.equal(nodes[0].exec.text, `${EXEC} # x "y"`);
  assert.equal(stripComment('a # b', F, 1), 'a ');
  assert.equal(stripComment(`a "#" b # c`, F, 1), 'a "#" b ');
  assert.deepEqual(logicalLines('x\\\ny\n\n\nz', F), [{ text: 'x y', line: 1 }, { text: 'z', line: 5 }]);
});

test('exec lines are split like C: quotes removed and ending words, the other quote kind switches', () => {
  assert.deepEqual(splitExecLine(`a "b c" d'e f'`, F, 1), ['a', 'b c', 'd', 'e f']);
  assert.deepEqual(splitExecLine(`x"y"z`, F, 1), ['x', 'y', 'z']);
  // Inside "...", a ' becomes the closing quote: C users cannot quote an apostrophe.
  assert.equal(codeOf(() => splitExecLine(`"it's"`, F, 1)), 'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_QUOTE');
  assert.deepEqual(splitExecLine(' \t ', F, 1), []);
  assert.equal(codeOf(() => splitExecLine('a "b', F, 1)), 'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_QUOTE');
});

const BAD: ReadonlyArray<[string, string, string, number]> = [
  // [what, file text, code, line]
  ['unknown escape', `[a]\nhost = 1.2.3.4\nexec = ${EXEC} \\q`, 'ISOCHRON_ERR_ORCH_INI_BAD_ESCAPE', 3],
  ['CRLF continuation', `[a]\r\nhost = 1.2.3.4\r\nexec = ${EXEC} \\\r\n -q\r\n`, 'ISOCHRON_ERR_ORCH_INI_BAD_ESCAPE', 3],
  ['backslash at the end of the file', `[a]\nhost = 1.2.3.4\nexec = ${EXEC} \\`, 'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_CONTINUATION', 3],
  ['NUL escape', `[a]\nhost = 1.2.3.4\\0\nexec = ${EXEC}`, 'ISOCHRON_ERR_ORCH_INI_NUL', 2],
  ['NUL byte', `[a]\n\0`, 'ISOCHRON_ERR_ORCH_INI_NUL', 2],
  ['line too long', `[a]\nexec = ${'x'.repeat(9000)}`, 'ISOCHRON_ERR_ORCH_INI_LINE_TOO_LONG', 2],
  ['unterminated quote before a comment', `[a]\nexec = "abc # comment`, 'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_QUOTE', 2],
  ['unterminated section', '\n\n[a\nhost = 1.2.3.4', 'ISOCHRON_ERR_ORCH_INI_UNTERMINATED_SECTION', 3],
  ['empty section name', '[]', 'ISOCHRON_ERR_ORCH_INI_EMPTY_SECTION', 1],
  ['duplicate section', `[a]\nhost = 1.2.3.4\nexec = ${EXEC}\n[a]`, 'ISOCHRON_ERR_ORCH_INI_DUPLICATE_SECTION', 4],
  ['key before any section', 'host = 1.2.3.4\n[a]', 'ISOCHRON_ERR_ORCH_INI_OUTSIDE_SECTION', 1],
  ['no "="', '[a]\nhost 1.2.3.4', 'ISOCHRON_ERR_ORCH_INI_NOT_KEY_VALUE', 2],
  ['unknown key', '[a]\nhots = 1.2.3.4', 'ISOCHRON_ERR_ORCH_INI_UNKNOWN_KEY', 2],
  ['key given twice', '[a]\nhost = 1.2.3.4\n\nhost = 1.2.3.5', 'ISOCHRON_ERR_ORCH_INI_DUPLICATE_KEY', 4],
  ['bad host', `[a]\nhost = 1.2.3\nexec = ${EXEC}`, 'ISOCHRON_ERR_ORCH_INI_BAD_HOST', 2],
  ['bad host device', `[a]\nhost = 1.2.3.4%\nexec = ${EXEC}`, 'ISOCHRON_ERR_ORCH_INI_BAD_HOST', 2],
  ['port not a number', `[a]\nhost = 1.2.3.4\nport = http\nexec = ${EXEC}`, 'ISOCHRON_ERR_ORCH_INI_BAD_PORT', 3],
  ['port too large', `[a]\nhost = 1.2.3.4\nport = 65536\nexec = ${EXEC}`, 'ISOCHRON_ERR_ORCH_INI_BAD_PORT', 3],
  ['negative port', `[a]\nhost = 1.2.3.4\nport = -1\nexec = ${EXEC}`, 'ISOCHRON_ERR_ORCH_INI_BAD_PORT', 3],
  ['missing host', `\n[a]\nexec = ${EXEC}`, 'ISOCHRON_ERR_ORCH_INI_MISSING_HOST', 2],
  ['missing exec', '[a]\nhost = 1.2.3.4', 'ISOCHRON_ERR_ORCH_INI_MISSING_EXEC', 1],
  ['empty exec', '[a]\nhost = 1.2.3.4\nexec =   ', 'ISOCHRON_ERR_ORCH_INI_MISSING_EXEC', 3],
  ['no nodes', '# nothing here\n\n', 'ISOCHRON_ERR_ORCH_INI_NO_NODES', 0],
];

for (const [what, text, code, line] of BAD) {
  test(`malformed file: ${what} -> ${code} at line ${line}`, () => {
    const err = errorOf(() => parseOrchestrationFile(text, F));
    assert.equal(err.code, code, err.message);
    assert.equal(err.errno, -22);
    if (line > 0) assert.ok(err.message.startsWith(`${F}:${line}: `), err.message);
    else assert.ok(err.message.startsWith(`${F}: `), err.message);
  });
}

const quiet = { io: { out: () => undefined, err: () => undefined }, kernelUtcTaiOffset: () => 0 };

test('exec lines: not "send" is refused; send parse errors keep their message and exit status', () => {
  const unsupported = errorOf(() => planFromText('[a]\nhost = 1.2.3.4\nexec = isochron rcv -i eth0', F, quiet));
  assert.equal(unsupported.code, 'ISOCHRON_ERR_ORCH_EXEC_UNSUPPORTED');
  assert.match(unsupported.message, /^test\.ini:3: Unsupported exec line "isochron rcv -i eth0" for node a/);
  const bad = errorOf(() => planFromText('[a]\nhost = 1.2.3.4\n\nexec = isochron send -i eth0 -s 64 --omit-sync', F, quiet));
  assert.equal(bad.code, 'ISOCHRON_ERR_ORCH_EXEC_INVALID');
  assert.match(bad.message, /^test\.ini:4: exec line of node a: .*cycle-time/);
  const combo = errorOf(() => planFromText('[a]\nhost = 1.2.3.4\nexec = isochron send -i eth0 -s 64 -c 0.001 --client 1.1.1.1', F, quiet));
  assert.match(combo.message, /--sync-threshold is mandatory unless --omit-sync is used/);
  assert.equal(combo.errno & 0xff, 234);
  const help = errorOf(() => planFromText('[a]\nhost = 1.2.3.4\nexec = isochron-send --help', F, quiet));
  assert.equal(help.code, 'ISOCHRON_ERR_ORCH_EXEC_INVALID');
  assert.equal(help.errno & 0xff, 255);
  const empty = errorOf(() => planFromText('[a]\nhost = 1.2.3.4\nexec = ""', F, quiet));
  assert.equal(empty.code, 'ISOCHRON_ERR_ORCH_EXEC_INVALID');
});

test('exec lines naming another verb are refused before its arguments are read, as C does', () => {
  // C's prog_exec_node_argparser picks the verb, then parses send's arguments only.
  for (const exec of ['isochron rcv --no-such-option', 'isochron-report --help', 'isochron daemon -P x -h']) {
    const err = errorOf(() => planFromText(`[a]\nhost = 1.2.3.4\nexec = ${exec}`, F, quiet));
    assert.equal(err.code, 'ISOCHRON_ERR_ORCH_EXEC_UNSUPPORTED', exec);
    assert.match(err.message, /only "isochron send \.\.\." can be orchestrated$/);
  }
  // Not a verb at all: the top-level message, as the same words would give in a shell.
  const unknown = errorOf(() => planFromText('[a]\nhost = 1.2.3.4\nexec = isochron sned -i eth0', F, quiet));
  assert.equal(unknown.code, 'ISOCHRON_ERR_ORCH_EXEC_INVALID');
});

test('UTC-TAI offset: read from the kernel (and said on stderr) with --omit-sync, the option wins, none without', () => {
  const said: string[] = [];
  const deps = { io: { out: () => undefined, err: (t: string) => void said.push(t) }, kernelUtcTaiOffset: () => 37 };
  const base = 'isochron send -i eth0 -s 64 -c 0.001 -n 5 --client 10.0.0.2';
  const [k, o, n] = planFromText(
    `[k]\nhost = 1.2.3.4\nexec = ${base} --omit-sync\n[o]\nhost = 1.2.3.4\nexec = ${base} --omit-sync -O 5\n[n]\nhost = 1.2.3.4\nexec = ${base} -X 100`,
    F,
    deps,
  );
  assert.equal(k.utcTaiOffset, 37);
  assert.equal(o.utcTaiOffset, 5);
  assert.equal(n.utcTaiOffset, null);
  assert.equal(n.senderSyncStats, true);
  assert.equal(n.syncThreshold, 100n);
  assert.deepEqual(said, ['Using the kernel UTC-TAI offset which is 37\n']);
});

test('property: any text parses or fails with an ISOCHRON_ERR_ORCH_ error, never a crash', () => {
  const piece = fc.constantFrom('[', ']', 'a', 'host', 'port', 'exec', '=', ' ', '\t', '\n', '\\', '#', '"', "'", '1.2.3.4', '::1', '%lo', '5000', EXEC, '\r', '\0', 'é');
  fc.assert(
    fc.property(fc.oneof(fc.array(piece, { maxLength: 40 }).map((a) => a.join('')), fc.string({ maxLength: 200 })), (text) => {
      try {
        const nodes = parseOrchestrationFile(text, F);
        assert.ok(nodes.length > 0);
        for (const n of nodes) assert.ok(n.exec.text !== '' && n.port > 0 && n.port <= 0xffff);
      } catch (err) {
        assert.ok(isIsochronError(err) && err.code.startsWith('ISOCHRON_ERR_ORCH_INI_'), String(err));
      }
    }),
    { numRuns: 3000 },
  );
});
